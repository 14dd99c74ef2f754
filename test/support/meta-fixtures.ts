// Seeded meta stores for manager tests, on either database.
import { openMetaStore, type MetaStore } from '../../lib/meta/client.ts';
import { seedDemoCluster } from '../../lib/meta/demo-cluster.ts';
import { freshPostgresUrl, freshSqliteUrl } from './services.ts';

export type MetaKind = 'sqlite' | 'postgresql';

export async function seededMetaStore(
  kind: MetaKind,
  backup: { url: string; directory: string },
  scale = { relations: 20, ssts: 100 },
): Promise<MetaStore> {
  const url = kind === 'sqlite' ? freshSqliteUrl() : await freshPostgresUrl();
  const meta = openMetaStore(url);
  await seedDemoCluster(meta.prisma, {
    ...scale,
    backupStorageUrl: backup.url,
    backupStorageDirectory: backup.directory,
  });
  return meta;
}

/** SST object ids at version v of the sliding-window workload: [BASE + v*STEP, BASE + v*STEP + SIZE). */
export const WINDOW = { BASE: 2n ** 60n, STEP: 50n };

export function windowIds(version: bigint, size: number): bigint[] {
  const first = WINDOW.BASE + version * WINDOW.STEP;
  return Array.from({ length: size }, (_, i) => first + BigInt(i));
}

/** Replaces the SSTs with the window of version 1, and sets the version (and catalog version) to 1. */
export async function installSstWindow(meta: MetaStore, size: number): Promise<void> {
  const { prisma } = meta;
  const first = WINDOW.BASE + WINDOW.STEP;
  await prisma.hummockSstableInfo.deleteMany();
  const columns =
    'sst_id, object_id, compaction_group_id, level, sub_level, file_size, table_ids, key_range_left, key_range_right, min_epoch, max_epoch';
  const epoch = 1_795_000_000_000n << 16n;
  if (meta.kind === 'postgresql') {
    await prisma.$executeRawUnsafe(
      `INSERT INTO hummock_sstable_info (${columns}) SELECT ${first} + g, ${first} + g, 2, 1, 0, 4000000 + g, '[1]'::jsonb, 't1/' || g, 't1/' || g || 'z', ${epoch}, ${epoch} + g FROM generate_series(0, ${size - 1}) g`,
    );
  } else {
    await prisma.$executeRawUnsafe(
      `WITH RECURSIVE seq(g) AS (SELECT 0 UNION ALL SELECT g + 1 FROM seq WHERE g < ${size - 1})
       INSERT INTO hummock_sstable_info (${columns}) SELECT ${first} + g, ${first} + g, 2, 1, 0, 4000000 + g, '[1]', 't1/' || g, 't1/' || g || 'z', ${epoch}, ${epoch} + g FROM seq`,
    );
  }
  await prisma.hummockVersion.update({ where: { id: 1 }, data: { version_id: 1n } });
  await prisma.catalogVersion.update({ where: { name: 'catalog' }, data: { version: 1n } });
}
