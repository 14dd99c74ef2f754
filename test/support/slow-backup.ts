// Starts a backup whose upload is slowed down, prints "started ID" and waits: the parent test
// kills this process with SIGKILL mid-upload. Usage: node --import tsx slow-backup.ts DATABASE_URL
import { BackupManager } from '../../lib/backup/backup-manager.ts';
import { openMetaStore } from '../../lib/meta/client.ts';
import { FaultInjectingObjectStore } from '../../lib/object-store/fault-injecting-store.ts';

const meta = openMetaStore(process.argv[2]!);
const manager = new BackupManager({
  meta,
  heartbeatMs: 100,
  wrapStore: (store) => new FaultInjectingObjectStore(store).inject({ operation: 'upload', delayMs: 300 }),
});
const id = await manager.startBackupJob({ remarks: 'to be killed', startedBy: 'slow-backup' });
console.log(`started ${id}`);
await manager.waitForJob(id);
