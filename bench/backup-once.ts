// One backup in its own process, so its peak memory is its own. Prints one JSON line.
// Usage: node --import tsx bench/backup-once.ts DATABASE_URL [--read-only]
// --read-only builds and encodes the snapshot and discards it (the read-and-encode side alone).
import { BackupManager } from '../lib/backup/backup-manager.ts';
import { buildSnapshot } from '../lib/backup/snapshot-builder.ts';
import { openMetaStore } from '../lib/meta/client.ts';
import { openConsistentReader } from '../lib/meta/consistent-reader.ts';

const url = process.argv[2]!;
const started = performance.now();
const cpuAtStart = process.cpuUsage();
let bytes = 0;
let id: bigint | null = null;
if (process.argv.includes('--read-only')) {
  const reader = await openConsistentReader(url);
  const build = buildSnapshot(reader, 0n, { remarks: null });
  for await (const chunk of build.body) bytes += chunk.length;
  await reader.close();
} else {
  const meta = openMetaStore(url);
  const manager = new BackupManager({ meta });
  id = await manager.startBackupJob({ remarks: 'bench', startedBy: 'bench' });
  const job = await manager.waitForJob(id, { pollMs: 50 });
  if (job.status !== 'SUCCEEDED') throw new Error(job.error ?? job.status);
  bytes = Number(job.snapshotBytes);
  await manager.close();
  await meta.close();
}
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuAtStart);
console.log(
  JSON.stringify({
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    bytes,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    id: id?.toString() ?? null,
  }),
);
