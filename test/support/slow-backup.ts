// Starts a backup whose upload is slowed down, prints "started ID" and waits: the parent test
// kills this process mid-upload. With "sigterm", SIGTERM shuts the manager down as ctl and the
// backup worker do. Usage: node --import tsx slow-backup.ts DATABASE_URL [sigterm]
import { BackupManager } from '../../lib/backup/backup-manager.ts';
import { openMetaStore } from '../../lib/meta/client.ts';
import { FaultInjectingObjectStore } from '../../lib/object-store/fault-injecting-store.ts';

const meta = openMetaStore(process.argv[2]!);
const manager = new BackupManager({
  meta,
  heartbeatMs: 100,
  wrapStore: (store) => new FaultInjectingObjectStore(store).inject({ operation: 'upload', delayMs: 300 }),
});
if (process.argv[3] === 'sigterm') process.on('SIGTERM', () => void manager.shutdown());
const id = await manager.startBackupJob({ remarks: 'to be killed', startedBy: 'slow-backup' });
console.log(`started ${id}`);
await manager.waitForJob(id);
await manager.close();
await meta.close();
