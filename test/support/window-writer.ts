// Keeps writing to a meta store while a backup runs: each transaction slides the SST window
// by STEP and bumps the Hummock version and the catalog version together. Invariant: at
// version v the SSTs are exactly windowIds(v) and the catalog version is v.
// Usage: node --import tsx window-writer.ts DATABASE_URL WINDOW_SIZE; stops on SIGTERM and
// prints the last version it committed.
import { openMetaStore, type MetaClient } from '../../lib/meta/client.ts';
import { WINDOW } from './meta-fixtures.ts';

const [url, sizeText] = process.argv.slice(2);
const size = BigInt(sizeText!);
const meta = openMetaStore(url!);
let stop = false;
process.on('SIGTERM', () => (stop = true));
let version = (await meta.prisma.hummockVersion.findUniqueOrThrow({ where: { id: 1 } })).version_id;
console.log('ready');
while (!stop) {
  const next = version + 1n;
  await meta.prisma.$transaction(async (t) => {
    const tx = t as unknown as MetaClient;
    const oldFirst = WINDOW.BASE + version * WINDOW.STEP;
    await tx.hummockSstableInfo.deleteMany({ where: { object_id: { lt: oldFirst + WINDOW.STEP } } });
    const added = Array.from({ length: Number(WINDOW.STEP) }, (_, i) => oldFirst + size + BigInt(i));
    await tx.hummockSstableInfo.createMany({
      data: added.map((id) => ({
        sst_id: id,
        object_id: id,
        compaction_group_id: 2n,
        level: 0,
        sub_level: 0,
        file_size: 1000n,
        table_ids: [1],
        key_range_left: 'a',
        key_range_right: 'b',
        min_epoch: 1n,
        max_epoch: 2n,
      })),
    });
    await tx.hummockVersion.update({ where: { id: 1 }, data: { version_id: next } });
    await tx.catalogVersion.update({ where: { name: 'catalog' }, data: { version: next } });
  });
  version = next;
  // better-sqlite3 answers synchronously: let the event loop see SIGTERM between transactions.
  await new Promise((resolve) => setImmediate(resolve));
}
console.log(`last ${version}`);
await meta.close();
