import { z } from 'zod';
import type { BackupJob } from '@/lib/backup/backup-manager';
import type { Jsonified } from '@/lib/backup/json-view';
import { startJobInputSchema } from '@/lib/backup/validation';
import { jsonBody, parseWith, route } from '../_lib/route';

export const dynamic = 'force-dynamic';

export type JobListResponse = { jobs: Jsonified<BackupJob>[] };
export type StartJobResponse = { job_id: string; status: 'RUNNING' };

const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(50) });

/** Job history, newest first. */
export const GET = route({ role: 'viewer' }, async ({ request, manager }) => {
  const { limit } = parseWith(listQuery, Object.fromEntries(new URL(request.url).searchParams));
  return { jobs: await manager.listJobs({ limit }) };
});

/** Starts a backup job; answers at once with its id (also the snapshot id). */
export const POST = route(
  { role: 'operator', audit: 'job.start' },
  async ({ request, manager, actor, audit, requestId }) => {
    const { remarks, verify } = await jsonBody(request, startJobInputSchema);
    const id = await manager.startBackupJob({ remarks, startedBy: actor!.name, verify, requestId, audit: audit! });
    return { job_id: id, status: 'RUNNING' as const };
  },
  { status: 202 },
);
