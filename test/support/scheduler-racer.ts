// One of several processes running a Scheduler on a shared meta store, on a ManualClock the
// test moves: for each "advance MS" line on stdin it moves the clock, waits for the tick's
// database work, and answers one JSON line. Its backup jobs run here, as in a console server.
// Usage: node --import tsx scheduler-racer.ts DATABASE_URL START_ISO LEASE_MS NAME
import readline from 'node:readline';
import { BackupManager } from '../../lib/backup/backup-manager.ts';
import { openMetaStore } from '../../lib/meta/client.ts';
import { Scheduler } from '../../lib/schedule/scheduler.ts';
import { ManualClock } from './manual-clock.ts';

const [url, start, leaseMs, name] = process.argv.slice(2) as [string, string, string, string];
const clock = new ManualClock(new Date(start));
const meta = openMetaStore(url);
const manager = new BackupManager({ meta, clock });
const scheduler = new Scheduler({ meta, manager, clock, leaseMs: Number(leaseMs), holder: name });
scheduler.start();
await scheduler.idle();
console.log(JSON.stringify({ ready: true, holding: scheduler.holding }));
for await (const line of readline.createInterface({ input: process.stdin })) {
  const [verb, ms] = line.split(' ');
  if (verb !== 'advance') break;
  clock.advance(Number(ms));
  await scheduler.idle();
  console.log(JSON.stringify({ now: clock.now().toISOString(), holding: scheduler.holding }));
}
await scheduler.stop();
await manager.close();
await meta.close();
