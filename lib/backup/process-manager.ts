// The one BackupManager of a server process, on the meta store named by DATABASE_URL.
// Jobs started here run in this process, so they outlive the browser that started them.
import { closeMetaStore, getMetaStore } from '../meta/shared-store.ts';
import { BackupManager } from './backup-manager.ts';

const holder = globalThis as typeof globalThis & { __backupManager?: BackupManager };

export function getBackupManager(): BackupManager {
  holder.__backupManager ??= new BackupManager({ meta: getMetaStore() });
  return holder.__backupManager;
}

/** Waits for this process's jobs, then closes the manager and the meta store (shutdown, tests). */
export async function closeBackupManager(): Promise<void> {
  const manager = holder.__backupManager;
  holder.__backupManager = undefined;
  await manager?.close();
  await closeMetaStore();
}
