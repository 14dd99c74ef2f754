// Fills an empty, migrated PostgreSQL meta store at benchmark scale with set-based SQL (the
// demo seed goes row by row through Prisma and takes minutes at 1,000,000 SSTs). Object ids
// and epochs are above 2^53.
import pg from 'pg';
import { openMetaStore } from '../lib/meta/client.ts';
import { FIRST_OBJECT_ID, seedDemoCluster } from '../lib/meta/demo-cluster.ts';

export async function seedAtScale(url: string, relations: number, ssts: number, backup: { url: string; directory: string }): Promise<void> {
  const meta = openMetaStore(url);
  await seedDemoCluster(meta.prisma, { relations: 0, ssts: 0, backupStorageUrl: backup.url, backupStorageDirectory: backup.directory });
  await meta.close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const epoch = `(${Date.now()}::bigint << 16)`;
  const first = 100;
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO object (oid, obj_type, owner_id, database_id, schema_id, initialized_at, created_at, initialized_at_epoch, created_at_epoch)
       SELECT ${first} + g, (ARRAY['TABLE','SOURCE','SINK','VIEW','INDEX'])[1 + g % 5], 1, 1, 2 + g % 4, now(), now(), ${epoch}, ${epoch}
         FROM generate_series(0, ${relations - 1}) g`,
    );
    await client.query(
      `INSERT INTO relation (relation_id, kind, name, definition, columns, connector, primary_table_id, append_only, version)
       SELECT ${first} + g, (ARRAY['TABLE','SOURCE','SINK','VIEW','INDEX'])[1 + g % 5], 'relation_' || g,
              'CREATE TABLE relation_' || g || ' (id BIGINT PRIMARY KEY, amount NUMERIC, note VARCHAR, created_at TIMESTAMPTZ)',
              '[{"name":"id","type":"int64"},{"name":"amount","type":"decimal"},{"name":"note","type":"varchar"},{"name":"created_at","type":"timestamptz"}]'::jsonb,
              CASE WHEN g % 5 IN (1, 2) THEN 'kafka' END, NULL, g % 3 = 0, ${epoch} + g
         FROM generate_series(0, ${relations - 1}) g`,
    );
    await client.query(
      `INSERT INTO fragment (fragment_id, job_id, fragment_type_mask, distribution_type, parallelism, vnode_count, state_table_ids, upstream_fragment_ids)
       SELECT 1 + g, ${first} + g / 3, 1 << (g % 3), CASE WHEN g % 3 = 0 THEN 'SINGLE' ELSE 'HASH' END, 8, 256,
              jsonb_build_array(${first} + g / 3), CASE WHEN g % 3 = 0 THEN '[]'::jsonb ELSE jsonb_build_array(g) END
         FROM generate_series(0, ${relations * 3 - 1}) g`,
    );
    await client.query(`INSERT INTO hummock_state_table_info SELECT ${first} + g, ${epoch}, 2 + g % 2 FROM generate_series(0, ${relations - 1}) g`);
    await client.query(`INSERT INTO user_privilege (user_id, oid, granted_by, action, with_grant_option) SELECT 2, ${first} + g, 1, 'SELECT', false FROM generate_series(0, ${relations - 1}) g`);
    await client.query(
      `INSERT INTO hummock_sstable_info (sst_id, object_id, compaction_group_id, level, sub_level, file_size, table_ids, key_range_left, key_range_right, min_epoch, max_epoch)
       SELECT ${FIRST_OBJECT_ID} + g, ${FIRST_OBJECT_ID} + g, 2 + g % 2, g % 7, 0, 4000000 + (g::bigint * 7919) % 60000000,
              jsonb_build_array(${first} + g % ${Math.max(relations, 1)}), 't' || (${first} + g % ${Math.max(relations, 1)}) || '/' || lpad(to_hex(g % 65536), 4, '0'),
              't' || (${first} + g % ${Math.max(relations, 1)}) || '/ffff', ${epoch} - 65536000, ${epoch}
         FROM generate_series(0, ${ssts - 1}) g`,
    );
    await client.query(`UPDATE hummock_sequence SET seq = ${FIRST_OBJECT_ID} + ${ssts} WHERE name = 'sstable_object_id'`);
    for (const [table, column] of [['object', 'oid'], ['fragment', 'fragment_id'], ['user_privilege', 'id']]) {
      await client.query(`SELECT setval(pg_get_serial_sequence('${table}', '${column}'), (SELECT max(${column}) FROM ${table}))`);
    }
    await client.query('COMMIT');
    await client.query('VACUUM ANALYZE');
  } finally {
    await client.end();
  }
}
