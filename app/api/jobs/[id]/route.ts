import type { BackupJob } from '@/lib/backup/backup-manager';
import { BackupError } from '@/lib/backup/errors';
import type { Jsonified } from '@/lib/backup/json-view';
import { jobIdParams } from '@/lib/api/schemas';
import { parseWith, route } from '../../_lib/route';

export const dynamic = 'force-dynamic';

export type JobResponse = Jsonified<BackupJob>;

/** One job, polled by the console while it runs. Unknown ids answer 404 with status NOT_FOUND. */
export const GET = route<{ id: string }>({ role: 'viewer' }, async ({ params, manager }) => {
  const id = parseWith(jobIdParams.shape.id, params.id);
  const job = await manager.getJob(id);
  if (!job) throw new BackupError('NOT_FOUND', `backup job ${id} not found`);
  return job;
});
