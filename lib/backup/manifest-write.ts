// Writes a manifest's JSON bytes in RisingWave's field order, a megabyte at a time.
import { COMMA, QUOTE } from '../format/ascii.ts';
import type { ChunkedBody } from '../object-store/types.ts';
import type { Manifest, SnapshotMetadata } from './manifest.ts';
import { MAX_ID_BYTES, SortedIdsWriter } from './manifest-id-text.ts';

const DIGITS_ONLY = /^\d+$/;

/** The manifest's bytes are made in pieces of about this size. */
export const MANIFEST_CHUNK_BYTES = 1 << 20;
const IDS_PER_SLICE = Math.floor(MANIFEST_CHUNK_BYTES / MAX_ID_BYTES);

/**
 * The manifest's JSON bytes, in RisingWave's field order, made a megabyte at a time: at 100
 * snapshots of 100,000 SSTs the text is 170 MB, which a writer need not hold at once.
 */
export function manifestBody(manifest: Manifest): ChunkedBody {
  return { chunks: () => manifestChunks(manifest) };
}

function* manifestChunks(manifest: Manifest): Generator<Buffer> {
  const writer = new ManifestChunkWriter();
  yield* writer.write(`{"manifest_id":${manifest.manifest_id},"snapshot_metadata":[`);
  for (const [index, entry] of manifest.snapshot_metadata.entries()) {
    if (index) yield* writer.write(',');
    yield* writer.entry(entry);
  }
  yield* writer.write(']');
  if (manifest.extra) yield* writer.copy(manifest.extra);
  yield* writer.write('}');
  yield writer.rest();
}

/**
 * Collects a manifest's bytes into pieces of about a megabyte, handing each out when full: the
 * whole-manifest writer and the byte-copying rewrite (manifest-rewrite.ts) both write through it.
 */
export class ManifestChunkWriter {
  /** A state table's value as JSON bytes, `:{...}` included, by committed epoch and group: a version's tables share a few. */
  private readonly values = new Map<bigint, Map<bigint, Buffer>>();
  private out = Buffer.allocUnsafe(MANIFEST_CHUNK_BYTES);
  private at = 0;
  private handedOut = 0;

  /** Where the next byte written stands in the output. */
  get position(): number {
    return this.handedOut + this.at;
  }

  /** Room for `bytes` more, handing out the current chunk first when it is short of it. */
  *room(bytes: number): Generator<Buffer> {
    if (this.at + bytes <= this.out.length) return;
    this.handedOut += this.at;
    if (this.at > 0) yield this.out.subarray(0, this.at);
    this.out = Buffer.allocUnsafe(Math.max(MANIFEST_CHUNK_BYTES, bytes));
    this.at = 0;
  }

  *write(piece: string): Generator<Buffer> {
    yield* this.room(Buffer.byteLength(piece));
    this.at += this.out.write(piece, this.at);
  }

  /** Copies `bytes` as they are, a chunk's worth at a time. */
  *copy(bytes: Uint8Array): Generator<Buffer> {
    for (let from = 0; from < bytes.length; ) {
      const to = Math.min(bytes.length, from + MANIFEST_CHUNK_BYTES);
      yield* this.room(to - from);
      this.out.set(bytes.subarray(from, to), this.at);
      this.at += to - from;
      from = to;
    }
  }

  /** Ascending ids as `sortedIdsText` writes them. */
  *ids(ids: BigUint64Array): Generator<Buffer> {
    const writer = new SortedIdsWriter(ids);
    while (writer.next < ids.length) {
      yield* this.room(IDS_PER_SLICE * MAX_ID_BYTES);
      this.at = writer.write(IDS_PER_SLICE, this.out, this.at);
    }
  }

  /** One `snapshot_metadata` entry, `{` to `}`. */
  *entry(s: SnapshotMetadata): Generator<Buffer> {
    yield* this.write(`{"id":${s.id},"hummock_version_id":${s.hummock_version_id},"ssts":[`);
    yield* this.ids(s.ssts);
    yield* this.write(
      `],"format_version":${s.format_version},"remarks":${JSON.stringify(s.remarks)},"state_table_info":{`,
    );
    // Per table only its key is written and its value's bytes copied: a string per table made
    // 100,000 tables most of an entry's time and tens of megabytes of garbage.
    let first = true;
    for (const table in s.state_table_info) {
      const info = s.state_table_info[table]!;
      let byGroup = this.values.get(info.committed_epoch);
      if (byGroup === undefined) {
        byGroup = new Map();
        this.values.set(info.committed_epoch, byGroup);
      }
      let value = byGroup.get(info.compaction_group_id);
      if (value === undefined) {
        value = Buffer.from(
          `:{"committed_epoch":${info.committed_epoch},"compaction_group_id":${info.compaction_group_id}}`,
        );
        byGroup.set(info.compaction_group_id, value);
      }
      const need = table.length * 6 + 3 + value.length;
      if (this.at + need > this.out.length) yield* this.room(need);
      const out = this.out;
      if (!first) out[this.at++] = COMMA;
      first = false;
      if (DIGITS_ONLY.test(table)) {
        out[this.at++] = QUOTE;
        this.at += out.write(table, this.at, 'latin1');
        out[this.at++] = QUOTE;
      } else {
        this.at += out.write(JSON.stringify(table), this.at);
      }
      this.at += value.copy(out, this.at);
    }
    yield* this.write(
      `},"rw_version":${JSON.stringify(s.rw_version)}` +
        (s.created_at === undefined ? '' : `,"created_at":${JSON.stringify(s.created_at)}`) +
        (s.size_bytes === undefined ? '' : `,"size_bytes":${s.size_bytes}`) +
        (s.section_counts === undefined ? '' : `,"section_counts":${JSON.stringify(s.section_counts)}`),
    );
    // Fields this product does not know, as they were read.
    if (s.extra) yield* this.copy(s.extra);
    yield* this.write('}');
  }

  /** What is left: the last piece. */
  rest(): Buffer {
    const last = this.out.subarray(0, this.at);
    this.handedOut += this.at;
    this.out = Buffer.allocUnsafe(0);
    this.at = 0;
    return last;
  }
}

/** The manifest's JSON bytes in one buffer. */
export function serializeManifest(manifest: Manifest): Buffer {
  return Buffer.concat([...manifestChunks(manifest)]);
}
