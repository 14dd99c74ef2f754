// The one BackupManager of a server process, on the meta store named by DATABASE_URL.
// Jobs started here run in this process, so they outlive the browser that started them.
import { closeMetaStore, getMetaStore } from '../meta/shared-store.ts';
import { BackupManager } from './backup-manager.ts';

const holder = globalThis as typeof globalThis & { __backupManager?: BackupManager };

/** BACKUP_JOB_LEASE_MS: how long a job of a process that stopped renewing it stays RUNNING (default 30 s). */
function leaseMs(): number | undefined {
  const value = Number(process.env.BACKUP_JOB_LEASE_MS);
  return Number.isInteger(value) && value >= 1_000 ? value : undefined;
}

export function getBackupManager(): BackupManager {
  holder.__backupManager ??= new BackupManager({ meta: getMetaStore(), leaseMs: leaseMs() });
  return holder.__backupManager;
}

/** Waits for this process's jobs, then closes the manager and the meta store (shutdown, tests). */
export async function closeBackupManager(): Promise<void> {
  const manager = holder.__backupManager;
  holder.__backupManager = undefined;
  await manager?.close();
  await closeMetaStore();
}
