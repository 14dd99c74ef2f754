// One restore in its own process, so its peak memory is its own. Prints one JSON line.
// Usage: node --import tsx bench/restore-once.ts SOURCE_DATABASE_URL SNAPSHOT_ID EMPTY_TARGET_URL
import { BackupManager } from '../lib/backup/backup-manager.ts';
import { restoreSnapshot } from '../lib/backup/restore.ts';
import { openMetaStore } from '../lib/meta/client.ts';

const [source, id, target] = process.argv.slice(2);
const started = performance.now();
const meta = openMetaStore(source!);
const manager = new BackupManager({ meta });
const report = await restoreSnapshot({ targetUrl: target!, snapshotId: BigInt(id!), storage: await manager.storage() });
await manager.close();
await meta.close();
const rows = Object.values(report.rows).reduce((a, b) => a + b, 0);
console.log(
  JSON.stringify({
    seconds: (performance.now() - started) / 1000,
    rows,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    bytes: null,
  }),
);
