// Kept snapshots made without backing each one up: K manifest entries with real SST id sets
// (neighbours share 90%), each beside a snapshot object (a hard link to one the product's
// encoder wrote), and the manifest written by the product's own writer.
import fs from 'node:fs';
import path from 'node:path';
import type { SnapshotMetadata } from '../lib/backup/manifest.ts';
import { ManifestChunkWriter } from '../lib/backup/manifest-write.ts';
import { openObjectStore } from '../lib/object-store/index.ts';
import { churnedIds } from './kept-ids.ts';

export interface KeptTemplate {
  /** The manifest entry of a real backup of the seeded store: its fields and SSTs are the kept entries' base. */
  entry: SnapshotMetadata;
  /** Its snapshot object's file. */
  object: string;
  /** SST object ids not yet used: the kept entries' new SSTs are numbered from here. */
  nextSstId: bigint;
}

export interface KeptStore {
  /** The kept entries' ids, oldest first. */
  ids: bigint[];
  /** The union of their SST ids is [first, last]: first the template's smallest, last the highest new id. */
  highestSstId: bigint;
  manifestBytes: number;
}

/** The share of a snapshot's SSTs replaced between neighbours. */
export const CHURN = 0.1;

/**
 * Writes `kept` entries into `{root}/{directory}/`: snapshot ids `firstId`, `firstId + 1`, ...,
 * taken an hour apart up to an hour ago; objects hard-linked to the template's; then the
 * manifest (manifest_id 1), an entry at a time.
 */
export async function writeKeptStore(
  root: string,
  directory: string,
  template: KeptTemplate,
  kept: number,
  firstId: bigint,
): Promise<KeptStore> {
  const base = template.entry.ssts;
  const churn = Math.round(base.length * CHURN);
  const ids = Array.from({ length: kept }, (_, k) => firstId + BigInt(k));
  fs.mkdirSync(path.join(root, directory), { recursive: true });
  for (const id of ids) fs.linkSync(template.object, path.join(root, directory, `${id}.snapshot`));
  const now = Date.now();
  const ssts = new BigUint64Array(base.length);
  const entryOf = (k: number): SnapshotMetadata => ({
    ...template.entry,
    id: ids[k]!,
    ssts: churnedIds(base, template.nextSstId, churn, k, ssts),
    remarks: `kept ${k + 1} of ${kept} (bench)`,
    created_at: new Date(now - (kept - k) * 3_600_000).toISOString(),
  });
  const chunks = function* () {
    const head = new ManifestChunkWriter();
    yield* head.write('{"manifest_id":1,"snapshot_metadata":[');
    yield head.rest();
    for (let k = 0; k < kept; k++) {
      // A writer per entry, as bench/manifest-stream-memory.ts: its cache of state table values would grow.
      const writer = new ManifestChunkWriter();
      if (k) yield* writer.write(',');
      yield* writer.entry(entryOf(k));
      yield writer.rest();
    }
    yield Buffer.from(']}');
  };
  const store = openObjectStore(`fs://${root}`);
  try {
    await store.put(`${directory}/manifest.json`, { chunks });
  } finally {
    await store.close();
  }
  const lastNew = kept > 0 ? (kept - 1) * churn : 0;
  return {
    ids,
    highestSstId: lastNew > 0 ? template.nextSstId + BigInt(lastNew - 1) : base[base.length - 1]!,
    manifestBytes: fs.statSync(path.join(root, directory, 'manifest.json')).size,
  };
}
