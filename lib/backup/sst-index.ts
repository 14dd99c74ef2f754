// The SST ids of one manifest version, kept compact for the readers that need them: each
// snapshot's ids delta-encoded (CompactIds, about a byte an id for dense ids instead of 8), and
// the pinned union with how many snapshots hold each id, built once per version. 100 snapshots
// of 1,000,000 SSTs are 2.4 GB of manifest text and about 100 MB here.
import { CompactIds } from './compact-ids.ts';
import { BackupError } from './errors.ts';
import { emptySummary, type ManifestSummary, type SnapshotMetadata } from './manifest.ts';
import { readManifest } from './manifest-stream.ts';
import { released, type SstUnion, SstUnionBuilder } from './sst-union.ts';

export class SstIndex {
  private constructor(
    /** The version the ids are of, every field but the ids. */
    readonly manifest: ManifestSummary,
    private readonly ids: ReadonlyMap<bigint, CompactIds>,
    /** Every pinned id, ascending, and how many snapshots hold each. */
    readonly pinned: SstUnion,
  ) {}

  static empty(): SstIndex {
    return new SstIndex(emptySummary(), new Map(), { ids: new BigUint64Array(0), counts: new Uint32Array(0) });
  }

  /**
   * Reads a manifest's stream: one entry's ids decoded at a time, then encoded and merged.
   * `unionSize`, the last version's, spares the union most of its regrowing.
   */
  static async read(chunks: AsyncIterable<Uint8Array>, where: string, unionSize = 0): Promise<SstIndex> {
    const manifest = emptySummary();
    const ids = new Map<bigint, CompactIds>();
    const union = new SstUnionBuilder(unionSize);
    for await (const event of readManifest(chunks, { where, ssts: 'decode', stateTables: 'count' })) {
      if (event.kind === 'manifest_id') {
        manifest.manifest_id = event.manifestId;
        continue;
      }
      const { ssts, state_table_info: _, ...fields } = event.metadata;
      manifest.snapshot_metadata.push({ ...fields, sst_count: ssts.length, state_table_count: event.stateTableCount });
      ids.set(fields.id, CompactIds.encode(ssts));
      union.add(ssts);
    }
    return new SstIndex(manifest, ids, union.result());
  }

  /**
   * The index of the manifest this one's writer made from it: `removed` snapshots gone, `added`
   * ones after the rest. A process that writes the manifest does not read it back for its ids.
   */
  next(manifest: ManifestSummary, removed: readonly bigint[], added: readonly SnapshotMetadata[]): SstIndex {
    const ids = new Map(this.ids);
    const room = added.reduce((sum, entry) => sum + entry.ssts.length, 0);
    const union = SstUnionBuilder.from(this.pinned, room);
    for (const id of removed) {
      union.remove(this.ssts(id));
      ids.delete(id);
    }
    for (const entry of added) {
      ids.set(entry.id, CompactIds.encode(entry.ssts));
      union.add(entry.ssts);
    }
    return new SstIndex(manifest, ids, union.result());
  }

  private compact(id: bigint): CompactIds {
    const ids = this.ids.get(id);
    if (!ids) throw new BackupError('NOT_FOUND', `snapshot id ${id} not found`);
    return ids;
  }

  /** A snapshot's ids, ascending (a fresh array). */
  ssts(id: bigint): BigUint64Array {
    return this.compact(id).decode();
  }

  /** For each of `objectIds` (ascending), the snapshots that hold it, in id order. */
  holders(objectIds: BigUint64Array): bigint[][] {
    const holders = Array.from(objectIds, () => [] as bigint[]);
    if (objectIds.length === 0) return holders;
    const snapshots = [...this.ids.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const snapshot of snapshots) {
      const held = this.compact(snapshot).holdsEach(objectIds);
      for (let k = 0; k < held.length; k++) if (held[k]) holders[k]!.push(snapshot);
    }
    return holders;
  }

  /** The ids only the given snapshots pin: what deleting them releases. */
  released(snapshotIds: readonly bigint[]): BigUint64Array {
    return released(
      snapshotIds.map((id) => this.ssts(id)),
      this.pinned,
    );
  }
}
