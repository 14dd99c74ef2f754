import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SNAPSHOT_SECTIONS } from '../meta/models.ts';
import { openObjectStore } from '../object-store/index.ts';
import { stringifyJson64 } from './json64.ts';
import { encodeSnapshot, SNAPSHOT_FORMAT_VERSION } from './snapshot-codec.ts';
import { readCatalog } from './snapshot-inspector.ts';
import { MetaSnapshotStorage } from './snapshot-storage.ts';
import { snapshotMetadata } from '../../test/support/snapshots.ts';

describe('snapshot catalog', () => {
  it('lists databases, schemas and relations with their schema, exactly as stored', async () => {
    const rows: Record<string, unknown[]> = {
      hummock_version: [{ version_id: 1n }],
      hummock_sstable_info: [{ sst_id: 2n ** 60n, object_id: 2n ** 60n, file_size: 7n }],
      object: [
        { oid: 1, obj_type: 'DATABASE', schema_id: null },
        { oid: 2, obj_type: 'SCHEMA', schema_id: null },
        { oid: 100, obj_type: 'TABLE', schema_id: 2 },
        { oid: 101, obj_type: 'VIEW', schema_id: 2 },
      ],
      database: [{ database_id: 1, name: 'dev' }],
      schema: [{ schema_id: 2, database_id: 1, name: 'public' }],
      relation: [
        {
          relation_id: 100,
          kind: 'TABLE',
          name: 'orders',
          definition: "CREATE TABLE orders (note VARCHAR DEFAULT '\"ünï\\n')",
          columns: [{ name: 'note' }],
        },
        {
          relation_id: 101,
          kind: 'VIEW',
          name: 'recent 🦀',
          definition: 'CREATE VIEW "recent 🦀" AS SELECT 1',
          columns: [],
        },
      ],
    };
    const sections = SNAPSHOT_SECTIONS.map(({ table }) => ({
      count: rows[table]?.length ?? 0,
      items: (rows[table] ?? []).map((row) => stringifyJson64(row)),
    }));
    const storage = await MetaSnapshotStorage.open(openObjectStore('memory'), 'backup');
    await storage.create(
      5n,
      encodeSnapshot({ formatVersion: SNAPSHOT_FORMAT_VERSION, id: 5n }, sections),
      snapshotMetadata(5n),
    );

    const catalog = await readCatalog(storage, 5n);
    assert.deepEqual(catalog, {
      databases: [{ id: 1, name: 'dev' }],
      schemas: [{ id: 2, databaseId: 1, name: 'public' }],
      relations: [
        {
          id: 100,
          kind: 'TABLE',
          name: 'orders',
          schemaId: 2,
          definition: "CREATE TABLE orders (note VARCHAR DEFAULT '\"ünï\\n')",
        },
        { id: 101, kind: 'VIEW', name: 'recent 🦀', schemaId: 2, definition: 'CREATE VIEW "recent 🦀" AS SELECT 1' },
      ],
    });
    assert.equal(await readCatalog(storage, 5n), catalog, 'a snapshot never changes: read once');
  });
});
