// One of two processes racing to start backup jobs on a shared meta store. For each "start"
// line on stdin it tries to start a job and answers one JSON line. A won job is left for the
// test to run (detached), so it stays RUNNING until both racers have answered.
// Usage: node --import tsx start-racer.ts DATABASE_URL
import readline from 'node:readline';
import { BackupManager } from '../../lib/backup/backup-manager.ts';
import { isBackupError } from '../../lib/backup/errors.ts';
import { openMetaStore } from '../../lib/meta/client.ts';

const meta = openMetaStore(process.argv[2]!);
const manager = new BackupManager({ meta });
const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  if (line !== 'start') break;
  try {
    const id = await manager.startBackupJob({ remarks: 'race', startedBy: `racer-${process.pid}`, detach: true });
    console.log(JSON.stringify({ won: true, id: id.toString() }));
  } catch (error) {
    console.log(
      JSON.stringify({
        won: false,
        code: isBackupError(error) ? error.code : 'UNEXPECTED',
        message: (error as Error).message,
      }),
    );
  }
}
await manager.close();
await meta.close();
