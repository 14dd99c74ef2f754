import { jobIdParams } from '@/lib/api/schemas';
import { parseWith, route } from '../../../_lib/route';

export const dynamic = 'force-dynamic';

/** Cancels a running job: its upload is aborted and it leaves no snapshot. */
export const POST = route<{ id: string }>(
  { role: 'operator', audit: 'job.cancel' },
  async ({ params, manager, audit }) => {
    const id = parseWith(jobIdParams.shape.id, params.id);
    audit!.target = `job ${id}`;
    return manager.cancelJob(id, audit!);
  },
);
