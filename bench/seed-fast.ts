// Fills an empty, migrated PostgreSQL meta store at benchmark scale with set-based SQL (the
// demo seed goes row by row through Prisma and takes minutes at 1,000,000 SSTs). Object ids
// and epochs are above 2^53.
//
// The rows are shaped like a production store's, as measured in ../shared/notes/performance.md
// (L: 588 MB of tables, compressing about 5.5:1): definitions and column lists that differ per
// relation (4 to 40 columns), and SST key ranges that are hex-encoded full keys (table id,
// vnode, a user key, epoch) rather than short labels. Uniform, short rows compress 16:1 and
// make `pg_dump -Fc` look far cheaper than it is on a real store.
import pg from 'pg';
import { openMetaStore } from '../lib/meta/client.ts';
import { FIRST_OBJECT_ID, seedDemoCluster } from '../lib/meta/demo-cluster.ts';

const COLUMN_WORDS = [
  'id',
  'user_id',
  'order_id',
  'amount',
  'price',
  'quantity',
  'status',
  'created_at',
  'updated_at',
  'region',
  'country',
  'device',
  'session_id',
  'event_type',
  'payload',
  'currency',
  'discount',
  'merchant_id',
  'category',
  'sku',
  'email',
  'score',
  'latency_ms',
  'bytes_sent',
  'referrer',
  'campaign',
  'channel',
  'shipment_id',
  'warehouse',
  'balance',
];
const COLUMN_TYPES = [
  'BIGINT',
  'INT',
  'VARCHAR',
  'NUMERIC',
  'TIMESTAMPTZ',
  'DOUBLE',
  'BOOLEAN',
  'JSONB',
  'DATE',
  'BYTEA',
];
/** Stored as the benchmark database's comment: a database seeded by another shape is seeded again. */
export const SEED_SHAPE = 'seed shaped like a production store, 2026-11-25';

const sqlArray = (values: string[]) => `ARRAY[${values.map((value) => `'${value}'`).join(',')}]`;

export async function seedAtScale(
  url: string,
  relations: number,
  ssts: number,
  backup: { url: string; directory: string },
): Promise<void> {
  const meta = openMetaStore(url);
  await seedDemoCluster(meta.prisma, {
    relations: 0,
    ssts: 0,
    backupStorageUrl: backup.url,
    backupStorageDirectory: backup.directory,
  });
  await meta.close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const epoch = `(${Date.now()}::bigint << 16)`;
  const first = 100;
  const tables = Math.max(relations, 1);
  // A deterministic pseudo-random integer in [0, n) from any integer expression.
  const pick = (expression: string, n: number) => `(abs(hashint8((${expression})::bigint)) % ${n})`;
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO object (oid, obj_type, owner_id, database_id, schema_id, initialized_at, created_at, initialized_at_epoch, created_at_epoch)
       SELECT ${first} + g, (ARRAY['TABLE','SOURCE','SINK','VIEW','INDEX'])[1 + g % 5], 1, 1, 2 + g % 4, now(), now(), ${epoch}, ${epoch}
         FROM generate_series(0, ${relations - 1}) g`,
    );
    await client.query(
      `INSERT INTO relation (relation_id, kind, name, definition, columns, connector, primary_table_id, append_only, version)
       SELECT ${first} + g, kind, name,
              CASE kind
                WHEN 'TABLE' THEN 'CREATE TABLE ' || name || ' (' || cols.list || ', PRIMARY KEY (' || cols.first_name || ')) APPEND ONLY = ' || (g % 3 = 0)
                WHEN 'SOURCE' THEN 'CREATE SOURCE ' || name || ' (' || cols.list || ') WITH (connector = ''kafka'', topic = ''events.' || name
                                   || ''', properties.bootstrap.server = ''broker-' || g % 7 || '.kafka.svc:9092'', scan.startup.mode = ''earliest'') FORMAT PLAIN ENCODE JSON'
                WHEN 'SINK' THEN 'CREATE SINK ' || name || ' FROM relation_' || greatest(g - 1, 0) || ' WITH (connector = ''iceberg'', type = ''upsert'', primary_key = '''
                                 || cols.first_name || ''', warehouse.path = ''s3://lake/warehouse/' || name || ''', database.name = ''analytics'', table.name = ''' || name || ''')'
                WHEN 'VIEW' THEN 'CREATE VIEW ' || name || ' AS SELECT ' || cols.names || ' FROM relation_' || greatest(g - 1, 0) || ' WHERE ' || cols.first_name || ' IS NOT NULL'
                ELSE 'CREATE INDEX ' || name || ' ON relation_' || greatest(g - 1, 0) || ' (' || cols.first_name || ') INCLUDE (' || cols.names || ') DISTRIBUTED BY (' || cols.first_name || ')'
              END,
              cols.json, CASE kind WHEN 'SOURCE' THEN 'kafka' WHEN 'SINK' THEN 'iceberg' END, CASE WHEN kind = 'INDEX' THEN ${first} + greatest(g - 1, 0) END,
              g % 3 = 0, ${epoch} + g
         FROM (SELECT g, (ARRAY['TABLE','SOURCE','SINK','VIEW','INDEX'])[1 + g % 5] AS kind, 'relation_' || g AS name
                 FROM generate_series(0, ${relations - 1}) g) r
         CROSS JOIN LATERAL (
           SELECT string_agg(c.name || ' ' || c.type, ', ' ORDER BY c.i) AS list, string_agg(c.name, ', ' ORDER BY c.i) AS names,
                  min(c.name) FILTER (WHERE c.i = 0) AS first_name,
                  jsonb_agg(jsonb_build_object('column_id', c.i + 1, 'name', c.name, 'type', c.type, 'nullable', c.i > 0,
                                               'generated', c.i % 11 = 10, 'description', CASE WHEN c.i % 4 = 1 THEN 'from ' || r.name || '.' || c.name END) ORDER BY c.i) AS json
             FROM (SELECT i, (${sqlArray(COLUMN_WORDS)})[1 + ${pick('r.g * 64 + i', COLUMN_WORDS.length)}] || CASE WHEN i = 0 THEN '' ELSE '_' || i END AS name,
                          (${sqlArray(COLUMN_TYPES)})[1 + ${pick('r.g * 64 + i + 32', COLUMN_TYPES.length)}] AS type
                     FROM generate_series(0, 3 + ${pick('r.g', 37)}) i) c
         ) cols`,
    );
    await client.query(
      `INSERT INTO fragment (fragment_id, job_id, fragment_type_mask, distribution_type, parallelism, vnode_count, state_table_ids, upstream_fragment_ids)
       SELECT 1 + g, ${first} + g / 3, 1 << (g % 3), CASE WHEN g % 3 = 0 THEN 'SINGLE' ELSE 'HASH' END, 8, 256,
              jsonb_build_array(${first} + g / 3), CASE WHEN g % 3 = 0 THEN '[]'::jsonb ELSE jsonb_build_array(g) END
         FROM generate_series(0, ${relations * 3 - 1}) g`,
    );
    await client.query(
      `INSERT INTO hummock_state_table_info SELECT ${first} + g, ${epoch}, 2 + g % 2 FROM generate_series(0, ${relations - 1}) g`,
    );
    await client.query(
      `INSERT INTO user_privilege (user_id, oid, granted_by, action, with_grant_option) SELECT 2, ${first} + g, 1, 'SELECT', false FROM generate_series(0, ${relations - 1}) g`,
    );
    // A full key: table id (4 bytes), vnode (2), user key (16), epoch (8), hex-encoded.
    const fullKey = (table: string, vnode: string, salt: string) =>
      `lpad(to_hex(${table}), 8, '0') || lpad(to_hex(${vnode}), 4, '0') || md5(g::text || '${salt}') || lpad(to_hex(${epoch} - g % 65536), 16, '0')`;
    await client.query(
      `INSERT INTO hummock_sstable_info (sst_id, object_id, compaction_group_id, level, sub_level, file_size, table_ids, key_range_left, key_range_right, min_epoch, max_epoch)
       SELECT ${FIRST_OBJECT_ID} + g, ${FIRST_OBJECT_ID} + g, 2 + g % 2, g % 7, 0, 4000000 + (g::bigint * 7919) % 60000000,
              (SELECT jsonb_agg(${first} + (g + t) % ${tables}) FROM generate_series(0, g % 3) t),
              ${fullKey(`${first} + g % ${tables}`, 'g % 256', 'l')}, ${fullKey(`${first} + (g + g % 3) % ${tables}`, '128 + g % 128', 'r')},
              ${epoch} - 65536000, ${epoch}
         FROM generate_series(0, ${ssts - 1}) g`,
    );
    await client.query(
      `UPDATE hummock_sequence SET seq = ${FIRST_OBJECT_ID} + ${ssts} WHERE name = 'sstable_object_id'`,
    );
    for (const [table, column] of [
      ['object', 'oid'],
      ['fragment', 'fragment_id'],
      ['user_privilege', 'id'],
    ]) {
      await client.query(
        `SELECT setval(pg_get_serial_sequence('${table}', '${column}'), (SELECT max(${column}) FROM ${table}))`,
      );
    }
    await client.query('COMMIT');
    await client.query('VACUUM ANALYZE');
  } finally {
    await client.end();
  }
}
