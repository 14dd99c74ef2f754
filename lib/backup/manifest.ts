// The manifest (`{dir}/manifest.json`): RisingWave's JSON layout, 64-bit values exact. Its types
// and the pool of state table values live here; beside it: the scanner (manifest-scan.ts, its
// `ssts` arrays read by manifest-ssts.ts, its entries checked by manifest-entry.ts), the stream
// reader (manifest-stream.ts), the whole-buffer parse (manifest-parse.ts), write
// (manifest-write.ts), the byte-copying rewrite (manifest-rewrite.ts) and ids as text
// (manifest-id-text.ts).
//
// A manifest holds every snapshot's pinned SST ids: 100 snapshots of 1,000,000 SSTs is 100 million
// u64s and about 2.4 GB of text. A general BigInt-safe JSON parser takes seconds and gigabytes on
// that, so the scanner (manifest-scan.ts) reads the bytes once, as they arrive: `ssts` arrays go
// straight into sorted BigUint64Arrays, and the native JSON.parse reads each entry's other fields
// (integers beyond 2^53 quoted). Fields it does not know are kept as bytes and written back.
import { toBigInt } from './json64.ts';

export interface StateTableInfo {
  committed_epoch: bigint;
  compaction_group_id: bigint;
}

export interface SnapshotMetadata {
  id: bigint;
  hummock_version_id: bigint;
  /** Every SST object id the snapshot's Hummock version references (pinned against GC): ascending, unique. */
  ssts: BigUint64Array;
  format_version: number;
  remarks: string | null;
  state_table_info: Record<string, StateTableInfo>;
  rw_version: string | null;
  /** Ours (readers ignore unknown fields): when it was taken, its object's size, rows per table. */
  created_at?: string;
  size_bytes?: bigint;
  section_counts?: Record<string, number>;
  /** Fields this product does not know (a newer RisingWave's), as read: `,"key":value` each, written back as is. */
  extra?: Uint8Array;
}

export interface Manifest {
  manifest_id: bigint;
  snapshot_metadata: SnapshotMetadata[];
  /** Top-level fields this product does not know, as read: `,"key":value` each, written back as is. */
  extra?: Uint8Array;
}

/**
 * An entry without its ids, and how many it pins: what the storage keeps of each snapshot. The
 * ids themselves come from the SST index (sst-index.ts), compact, when a reader needs them.
 */
export type SnapshotSummary = Omit<SnapshotMetadata, 'ssts' | 'state_table_info'> & {
  sst_count: number;
  /** How many state tables `state_table_info` lists: at 100,000 tables it is 6 MB an entry. */
  state_table_count: number;
};

/** The manifest as the storage keeps it: every field but the entries' ids and state tables. */
export interface ManifestSummary {
  manifest_id: bigint;
  snapshot_metadata: SnapshotSummary[];
}

export const emptyManifest = (): Manifest => ({ manifest_id: 0n, snapshot_metadata: [] });
export const emptySummary = (): ManifestSummary => ({ manifest_id: 0n, snapshot_metadata: [] });

/** An entry's summary: its ids left out, counted. */
export function summaryOf(entry: SnapshotMetadata): SnapshotSummary {
  const { ssts, state_table_info, ...fields } = entry;
  return { ...fields, sst_count: ssts.length, state_table_count: Object.keys(state_table_info).length };
}

export function u64Of(value: unknown, what: string): bigint {
  const n = toBigInt(value, what);
  if (n < 0n || n > 0xffff_ffff_ffff_ffffn) throw new TypeError(`${what}: ${n} is not a u64`);
  return n;
}

/**
 * One frozen StateTableInfo per distinct value: the state tables of a version share a few
 * epochs and groups, and at 100 snapshots of 10,000 tables a million equal objects and two
 * million BigInts made the manifest's heap and every garbage collection of the server's.
 */
export class StateTableInfoPool {
  private readonly known = new Map<string, StateTableInfo>();
  private readonly parsed = new Map<string, StateTableInfo>();

  get(committedEpoch: bigint, compactionGroupId: bigint): StateTableInfo {
    const key = `${committedEpoch}/${compactionGroupId}`;
    let info = this.known.get(key);
    if (!info) {
      info = Object.freeze({ committed_epoch: committedEpoch, compaction_group_id: compactionGroupId });
      this.known.set(key, info);
    }
    return info;
  }

  /**
   * From a manifest's JSON values (numbers, or decimal strings beyond 2^53; absent is 0): a
   * value seen before is not converted and checked again.
   */
  parse(committedEpoch: unknown, compactionGroupId: unknown, where: string): StateTableInfo {
    // Only plain values are looked up by their text (an array [1] must not pass for 1).
    const plain = (value: unknown) => value === undefined || typeof value === 'number' || typeof value === 'string';
    const raw = plain(committedEpoch) && plain(compactionGroupId) ? `${committedEpoch}/${compactionGroupId}` : null;
    let info = raw === null ? undefined : this.parsed.get(raw);
    if (!info) {
      info = this.get(
        committedEpoch === undefined ? 0n : u64Of(committedEpoch, `${where}.committed_epoch`),
        compactionGroupId === undefined ? 0n : u64Of(compactionGroupId, `${where}.compaction_group_id`),
      );
      if (raw !== null) this.parsed.set(raw, info);
    }
    return info;
  }
}
