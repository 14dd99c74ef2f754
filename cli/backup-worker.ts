// Runs one detached backup job to its end: `ctl backup` without --wait starts it here so the
// job outlives the command. Usage: node --import tsx cli/backup-worker.ts JOB_ID
import { BackupManager } from '../lib/backup/backup-manager.ts';
import { openMetaStore } from '../lib/meta/client.ts';

const id = BigInt(process.argv[2] ?? '');
const meta = openMetaStore();
const manager = new BackupManager({ meta });
// Stopped by the system: end the job FAILED now instead of after its lease.
// `on`, not `once`: signal-exit (proper-lockfile) re-raises a signal no other listener handles.
for (const signal of ['SIGTERM', 'SIGINT'] as const)
  process.on(signal, () => void manager.shutdown().catch(() => undefined));
try {
  await manager.runJob(id);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await manager.close();
  await meta.close();
}
