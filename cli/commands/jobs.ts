// status JOB_ID, jobs [--limit N], cancel JOB_ID
import { parseId, parseLimit } from '../args.ts';
import { audited } from '../audited.ts';
import type { CommandContext } from '../context.ts';
import { bytes, jobLine, table } from '../print.ts';

export async function runStatus({ manager, args, print }: CommandContext): Promise<number> {
  const status = await manager.getJobStatus(parseId(args[0], 'JOB_ID'));
  const job = await manager.getJob(status.id);
  print(job ? jobLine(job) : `job ${status.id}: NOT_FOUND`, job ?? status);
  return status.status === 'NOT_FOUND' ? 1 : 0;
}

export async function runJobs({ manager, flags, print }: CommandContext): Promise<number> {
  const jobs = await manager.listJobs({ limit: parseLimit(flags.limit, 50) });
  const rows = [['ID', 'STATUS', 'STARTED', 'DURATION', 'SIZE', 'BY', 'REMARKS / ERROR']];
  for (const j of jobs)
    rows.push([
      j.id.toString(),
      j.status,
      j.startedAt.toISOString(),
      `${(j.durationMs / 1000).toFixed(1)} s`,
      bytes(j.snapshotBytes),
      j.startedBy,
      j.error ?? j.remarks ?? '',
    ]);
  print(jobs.length ? table(rows) : 'no backup jobs yet', jobs);
  return 0;
}

export async function runCancel({ manager, prisma, args, print }: CommandContext): Promise<number> {
  const id = parseId(args[0], 'JOB_ID');
  const job = await audited(prisma, 'job.cancel', `job ${id}`, (audit) => manager.cancelJob(id, audit));
  print(`cancelling job ${job.id}`, job);
  return 0;
}
