import type { BackupJob } from '@/lib/backup/backup-manager';
import type { Jsonified } from '@/lib/backup/json-view';
import { jobListQuery, startJobBody } from '@/lib/api/schemas';
import { jsonBody, parseWith, route } from '../_lib/route';

export const dynamic = 'force-dynamic';

export type JobListResponse = { jobs: Jsonified<BackupJob>[] };
export type StartJobResponse = { job_id: string; status: 'RUNNING' };

/** Job history, newest first. */
export const GET = route({ role: 'viewer' }, async ({ request, manager }) => {
  const { limit } = parseWith(jobListQuery, Object.fromEntries(new URL(request.url).searchParams));
  return { jobs: await manager.listJobs({ limit }) };
});

/** Starts a backup job; answers at once with its id (also the snapshot id). */
export const POST = route(
  { role: 'operator', audit: 'job.start' },
  async ({ request, manager, actor, audit, requestId }) => {
    const { remarks, verify } = await jsonBody(request, startJobBody);
    const id = await manager.startBackupJob({ remarks, startedBy: actor!.name, verify, requestId, audit: audit! });
    return { job_id: id, status: 'RUNNING' as const };
  },
  { status: 202 },
);
