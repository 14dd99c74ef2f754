// backup [--remarks R] [--wait] [--verify]
import { spawn } from 'node:child_process';
import path from 'node:path';
import { audited } from '../audited.ts';
import type { CommandContext } from '../context.ts';
import { bytes, jobLine } from '../print.ts';

function spawnWorker(id: bigint): void {
  // Detached, so the job goes on after this command exits; if the worker never starts,
  // the job's lease runs out and it is marked FAILED.
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, '..', 'backup-worker.ts'), id.toString()],
    {
      detached: true,
      stdio: 'ignore',
      env: process.env,
    },
  );
  child.unref();
}

export async function runBackup({ manager, prisma, flags, print }: CommandContext): Promise<number> {
  const json = flags.json;
  // The job itself verifies (a detached worker too): `verify` is stored on its row.
  const id = await audited(prisma, 'job.start', null, (audit) =>
    manager.startBackupJob({
      remarks: flags.remarks,
      startedBy: audit.actor,
      detach: !flags.wait,
      verify: flags.verify,
      requestId: audit.requestId ?? undefined,
      audit,
    }),
  );
  if (!flags.wait) {
    spawnWorker(id);
    print(`started backup job ${id}`, { job_id: id, status: 'RUNNING' });
    return 0;
  }
  // Ctrl-C cancels the job; SIGTERM (a shutdown) fails it at once rather than leaving it
  // RUNNING until its lease runs out.
  const onSignal = () => void manager.cancelJob(id).catch(() => undefined);
  const onTerm = () => void manager.shutdown().catch(() => undefined);
  // `on`, not `once`: signal-exit (proper-lockfile) re-raises a signal no other listener handles.
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onTerm);
  // The job runs in this process: a read of its row every 200 ms costs little, and the command
  // ends within 200 ms of the job.
  const job = await manager.waitForJob(id, {
    pollMs: 200,
    onProgress: (j) => {
      if (!json && j.status === 'RUNNING')
        process.stderr.write(`\rjob ${id}: ${j.rowsWritten} rows, ${bytes(j.bytesWritten)} written`);
    },
  });
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onTerm);
  if (!json) process.stderr.write('\n');
  const verification = job.verification;
  if (job.status !== 'SUCCEEDED' || !verification) {
    print(jobLine(job), job);
    return job.status === 'SUCCEEDED' ? 0 : 1;
  }
  print(`${jobLine(job)}\n${verification.ok ? 'verified: ok' : `verification FAILED: ${verification.message}`}`, job);
  return verification.ok ? 0 : 1;
}
