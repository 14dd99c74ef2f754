// Verifies a snapshot: read it back, check the checksum, decode every section, and compare
// the content with its manifest entry; optionally check that every pinned SST object exists
// in the Hummock data store the snapshot's system parameters name.
import { listAll, maskUrl, openObjectStore } from '../object-store/index.ts';
import { BackupError, isBackupError } from './errors.ts';
import { parseJson64, toBigInt } from './json64.ts';
import type { SnapshotSummary } from './manifest.ts';
import { objectIdOf } from './snapshot-builder.ts';
import { difference, sstSet } from './sst-set.ts';
import { decodeSnapshotTables } from './snapshot-contents.ts';
import type { MetaSnapshotStorage } from './snapshot-storage.ts';

export interface VerifyResult {
  snapshotId: bigint;
  ok: boolean;
  problems: string[];
  rows: number;
  bytes: number;
  /** Whether pinned SSTs were checked against the data store. */
  integrityChecked: boolean;
  verifiedAt: Date;
}

const SST_OBJECT = /(?:^|\/)(\d+)\.data$/;

/** The SST object ids present under a Hummock data directory (keys like `{dir}/{id}.data`). */
export async function listSstObjects(
  stateStoreUrl: string,
  dataDirectory: string,
  options: { baseDir?: string } = {},
): Promise<Set<bigint>> {
  const store = openObjectStore(stateStoreUrl.replace(/^hummock\+/, ''), options);
  const ids = new Set<bigint>();
  try {
    for await (const object of listAll(store, `${dataDirectory.replace(/\/+$/, '')}/`)) {
      const match = SST_OBJECT.exec(object.key);
      if (match) ids.add(BigInt(match[1]!));
    }
  } finally {
    await store.close();
  }
  return ids;
}

function describeDifference(what: string, expected: BigUint64Array, found: BigUint64Array): string | null {
  const missing = difference(expected, found);
  const extra = difference(found, expected);
  if (!missing.length && !extra.length) return null;
  const sample = (ids: BigUint64Array) => ids.subarray(0, 5).join(', ') + (ids.length > 5 ? ', …' : '');
  return `${what}: ${missing.length ? `${missing.length} in the manifest entry but not in the snapshot (${sample(missing)})` : ''}${missing.length && extra.length ? '; ' : ''}${extra.length ? `${extra.length} in the snapshot but not in the manifest entry (${sample(extra)})` : ''}`;
}

export async function verifySnapshot(
  storage: MetaSnapshotStorage,
  entry: SnapshotSummary,
  options: { validateIntegrity?: boolean; fsBaseDir?: string } = {},
): Promise<VerifyResult> {
  const problems: string[] = [];
  let pinned: BigUint64Array = new BigUint64Array(0);
  const ssts: bigint[] = [];
  const params = new Map<string, string>();
  const counts: Record<string, number> = {};
  let versionId: bigint | undefined;
  let rows = 0;
  let bytes = 0;
  try {
    // A short object is named as truncated, not as a checksum mismatch found after reading it.
    const stored = await storage.store.head(storage.snapshotKey(entry.id)).catch(() => null);
    if (stored && entry.size_bytes !== undefined && BigInt(stored.size) < entry.size_bytes) {
      throw new BackupError(
        'CORRUPT_SNAPSHOT',
        `snapshot ${entry.id} is truncated: its object has ${stored.size} of the ${entry.size_bytes} bytes its manifest entry records`,
      );
    }
    const result = await decodeSnapshotTables(
      await storage.stream(entry.id),
      {
        table(table) {
          counts[table] = 0;
        },
        row(table, json) {
          rows++;
          counts[table]!++;
          if (table === 'hummock_version')
            versionId = toBigInt((parseJson64(json) as { version_id: unknown }).version_id, 'version_id');
          else if (table === 'hummock_sstable_info') ssts.push(objectIdOf(json));
          else if (table === 'system_parameter') {
            const p = parseJson64(json) as { name: string; value: string };
            params.set(p.name, p.value);
          }
        },
      },
      { name: `snapshot ${entry.id}` },
    );
    bytes = result.totalBytes;
    if (result.header.id !== entry.id)
      problems.push(`the snapshot's header names id ${result.header.id}, the manifest entry ${entry.id}`);
    if (entry.format_version >= 2 && result.header.formatVersion !== entry.format_version)
      problems.push(
        `format version ${result.header.formatVersion} differs from the manifest entry's ${entry.format_version}`,
      );
    if (versionId !== entry.hummock_version_id)
      problems.push(
        `Hummock version ${versionId ?? 'missing'} differs from the manifest entry's ${entry.hummock_version_id}`,
      );
    pinned = await storage.sstsOf(entry.id);
    const sstProblem = describeDifference('pinned SSTs', pinned, sstSet(ssts));
    if (sstProblem) problems.push(sstProblem);
    for (const [table, count] of Object.entries(entry.section_counts ?? {})) {
      if (counts[table] !== count)
        problems.push(`table ${table}: ${counts[table] ?? 0} rows, the manifest entry says ${count}`);
    }
    if (entry.size_bytes !== undefined && BigInt(bytes) !== entry.size_bytes)
      problems.push(`${bytes} bytes, the manifest entry says ${entry.size_bytes}`);
  } catch (error) {
    problems.push(
      isBackupError(error) ? error.message : `cannot read snapshot ${entry.id}: ${(error as Error).message}`,
    );
  }
  let integrityChecked = false;
  if (options.validateIntegrity && problems.length === 0) {
    const stateStore = params.get('state_store');
    const dataDirectory = params.get('data_directory');
    if (!stateStore || !dataDirectory)
      problems.push('the snapshot has no state_store or data_directory system parameter: cannot check its SSTs');
    else {
      try {
        const present = await listSstObjects(stateStore, dataDirectory, { baseDir: options.fsBaseDir });
        const missing = pinned.filter((id) => !present.has(id));
        integrityChecked = true;
        if (missing.length)
          problems.push(
            `referenced objects not found in object store: ${missing.length} of ${pinned.length} pinned SSTs are missing from ${maskUrl(stateStore.replace(/^hummock\+/, ''))} ${dataDirectory} (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''})`,
          );
      } catch (error) {
        problems.push(`cannot list the SST objects: ${(error as Error).message}`);
      }
    }
  }
  return {
    snapshotId: entry.id,
    ok: problems.length === 0,
    problems,
    rows,
    bytes,
    integrityChecked,
    verifiedAt: new Date(),
  };
}
