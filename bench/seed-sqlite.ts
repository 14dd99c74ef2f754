// Fills an empty, migrated SQLite meta store (the embedded default) at benchmark scale: the demo
// seed's cluster and relations (through Prisma), then the SSTs in one set-based INSERT (the demo
// seed writes them through Prisma, about 30 s per 100,000). Object ids are above 2^53.
import Database from 'better-sqlite3';
import { openMetaStore } from '../lib/meta/client.ts';
import { sqliteFilePath } from '../lib/meta/database-url.ts';
import { FIRST_OBJECT_ID, seedDemoCluster } from '../lib/meta/demo-cluster.ts';

/** Kept next to a cached seed: one seeded by another shape is seeded again. */
export const SQLITE_SEED_SHAPE = 'demo relations, set-based SSTs, 2026-12-01';

export async function seedSqliteAtScale(
  url: string,
  relations: number,
  ssts: number,
  backup: { url: string; directory: string },
): Promise<void> {
  const meta = openMetaStore(url);
  try {
    await seedDemoCluster(meta.prisma, {
      relations,
      ssts: 0,
      backupStorageUrl: backup.url,
      backupStorageDirectory: backup.directory,
    });
  } finally {
    await meta.close();
  }
  const db = new Database(sqliteFilePath(url));
  try {
    const epoch = BigInt(Date.now()) << 16n;
    db.exec(
      'CREATE TEMP TABLE seed_table AS SELECT row_number() OVER (ORDER BY table_id) - 1 AS n, table_id, compaction_group_id FROM hummock_state_table_info',
    );
    const tables = Number((db.prepare('SELECT count(*) AS n FROM seed_table').get() as { n: number }).n) || 1;
    db.transaction(() => {
      // Rows shaped as the demo seed's (lib/meta/demo-cluster.ts, sstRow), an SST per state table in turn.
      db.prepare(
        `WITH RECURSIVE g(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM g WHERE i < ? - 1)
         INSERT INTO hummock_sstable_info (sst_id, object_id, compaction_group_id, level, sub_level, file_size, table_ids,
                                           key_range_left, key_range_right, min_epoch, max_epoch)
         SELECT ? + i, ? + i, coalesce(t.compaction_group_id, 2), CASE WHEN i % 7 = 0 THEN 0 ELSE 1 + i % 6 END, 0,
                4000000 + (? + i) % 60000000, '[' || coalesce(t.table_id, 0) || ']',
                't' || coalesce(t.table_id, 0) || '/' || printf('%04x', (? + i) % 65536), 't' || coalesce(t.table_id, 0) || '/ffff',
                ? - 65536000, ?
           FROM g LEFT JOIN seed_table t ON t.n = g.i % ?`,
      ).run(ssts, FIRST_OBJECT_ID, FIRST_OBJECT_ID, FIRST_OBJECT_ID, FIRST_OBJECT_ID, epoch, epoch, tables);
      db.prepare("UPDATE hummock_sequence SET seq = ? WHERE name = 'sstable_object_id'").run(
        FIRST_OBJECT_ID + BigInt(ssts),
      );
    })();
    db.exec('DROP TABLE seed_table');
    db.exec('ANALYZE');
  } finally {
    db.close();
  }
}
