// What a snapshot holds, for people: its catalog, the sizes of the SSTs it pins, and what
// deleting some snapshots would release. Snapshots are immutable, so results are cached.
import { parseJson64, toBigInt } from './json64.ts';
import { decodeSnapshotTables } from './snapshot-contents.ts';
import type { MetaSnapshotStorage } from './snapshot-storage.ts';
import type { SstIndex } from './sst-index.ts';

export interface SnapshotCatalog {
  databases: { id: number; name: string }[];
  schemas: { id: number; databaseId: number; name: string }[];
  relations: { id: number; kind: string; name: string; schemaId: number | null; definition: string }[];
}

export interface DeletePreview {
  snapshots: { id: bigint; remarks: string | null; sizeBytes: bigint | null }[];
  unknownIds: bigint[];
  /** SSTs pinned only by these snapshots: deleting them lets GC collect these. */
  releasedSsts: number;
  releasedBytes: bigint;
}

const sizeCache = new Map<string, Map<bigint, bigint>>();
const catalogCache = new Map<string, SnapshotCatalog>();
const MAX_CACHED = 8;

function remember<T>(cache: Map<string, T>, key: string, value: T): T {
  cache.set(key, value);
  if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value!);
  return value;
}

const cacheKey = (storage: MetaSnapshotStorage, id: bigint) => `${storage.store.displayUrl}|${storage.dir}|${id}`;

/** Object id → file size of the SSTs a snapshot's Hummock version references (read up to that section only). */
export async function readSstSizes(storage: MetaSnapshotStorage, id: bigint): Promise<Map<bigint, bigint>> {
  const key = cacheKey(storage, id);
  const cached = sizeCache.get(key);
  if (cached) return cached;
  const sizes = new Map<bigint, bigint>();
  const stream = await storage.stream(id);
  try {
    await decodeSnapshotTables(
      stream,
      {
        row(table, json) {
          if (table !== 'hummock_sstable_info') return;
          const row = parseJson64(json) as { object_id: unknown; file_size: unknown };
          sizes.set(toBigInt(row.object_id, 'object_id'), toBigInt(row.file_size, 'file_size'));
        },
      },
      { name: `snapshot ${id}`, upToTable: 'hummock_sstable_info' },
    );
  } finally {
    stream.destroy();
  }
  return remember(sizeCache, key, sizes);
}

/** The JSON of a catalog row: every field read here is a 32-bit id or a string, so the native parser is exact. */
const catalogRow = (json: Uint8Array) =>
  JSON.parse(Buffer.from(json.buffer, json.byteOffset, json.byteLength).toString('utf8')) as Record<string, unknown>;

/** Databases, schemas and relations: the snapshot is read up to the relation section only. */
export async function readCatalog(storage: MetaSnapshotStorage, id: bigint): Promise<SnapshotCatalog> {
  const key = cacheKey(storage, id);
  const cached = catalogCache.get(key);
  if (cached) return cached;
  const catalog: SnapshotCatalog = { databases: [], schemas: [], relations: [] };
  const schemaOf = new Map<number, number | null>();
  const stream = await storage.stream(id);
  try {
    await decodeSnapshotTables(
      stream,
      {
        row(table, json) {
          if (table === 'database') {
            const r = catalogRow(json) as { database_id: number; name: string };
            catalog.databases.push({ id: r.database_id, name: r.name });
          } else if (table === 'schema') {
            const r = catalogRow(json) as { schema_id: number; database_id: number; name: string };
            catalog.schemas.push({ id: r.schema_id, databaseId: r.database_id, name: r.name });
          } else if (table === 'object') {
            const r = catalogRow(json) as { oid: number; schema_id: number | null };
            schemaOf.set(r.oid, r.schema_id);
          } else if (table === 'relation') {
            const r = catalogRow(json) as { relation_id: number; kind: string; name: string; definition: string };
            catalog.relations.push({
              id: r.relation_id,
              kind: r.kind,
              name: r.name,
              schemaId: schemaOf.get(r.relation_id) ?? null,
              definition: r.definition,
            });
          }
        },
      },
      { name: `snapshot ${id}`, upToTable: 'relation' },
    );
  } finally {
    stream.destroy();
  }
  return remember(catalogCache, key, catalog);
}

export async function previewDelete(
  storage: MetaSnapshotStorage,
  index: SstIndex,
  ids: readonly bigint[],
): Promise<DeletePreview> {
  const wanted = new Set(ids);
  const doomed = index.manifest.snapshot_metadata.filter((s) => wanted.has(s.id));
  // Released: held by the doomed snapshots and by none of the kept ones.
  const released = index.released(doomed.map((s) => s.id));
  let releasedBytes = 0n;
  const counted = new BigUint64Array(released.length);
  let countedSoFar = 0;
  for (const snapshot of doomed) {
    if (countedSoFar === released.length) break;
    const sizes = await readSstSizes(storage, snapshot.id);
    for (let i = 0; i < released.length; i++) {
      const size = counted[i] ? undefined : sizes.get(released[i]!);
      if (size === undefined) continue;
      counted[i] = 1n;
      countedSoFar++;
      releasedBytes += size;
    }
  }
  const known = new Set(doomed.map((s) => s.id));
  return {
    snapshots: doomed.map((s) => ({ id: s.id, remarks: s.remarks, sizeBytes: s.size_bytes ?? null })),
    unknownIds: ids.filter((id) => !known.has(id)),
    releasedSsts: released.length,
    releasedBytes,
  };
}
