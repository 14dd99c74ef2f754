// Writes a manifest's JSON bytes in RisingWave's field order, a megabyte at a time.
import { COMMA, QUOTE } from '../format/ascii.ts';
import type { ChunkedBody } from '../object-store/types.ts';
import type { Manifest } from './manifest.ts';
import { MAX_ID_BYTES, SortedIdsWriter } from './manifest-id-text.ts';

const DIGITS_ONLY = /^\d+$/;

/** The manifest's bytes are made in pieces of about this size. */
const MANIFEST_CHUNK_BYTES = 1 << 20;
const IDS_PER_SLICE = Math.floor(MANIFEST_CHUNK_BYTES / MAX_ID_BYTES);

/**
 * The manifest's JSON bytes, in RisingWave's field order, made a megabyte at a time: at 100
 * snapshots of 100,000 SSTs the text is 170 MB, which a writer need not hold at once.
 */
export function manifestBody(manifest: Manifest): ChunkedBody {
  return { chunks: () => manifestChunks(manifest) };
}

function* manifestChunks(manifest: Manifest): Generator<Buffer> {
  /** A state table's value as JSON bytes, `:{...}` included, by committed epoch and group: a version's tables share a few. */
  const values = new Map<bigint, Map<bigint, Buffer>>();
  let out = Buffer.allocUnsafe(MANIFEST_CHUNK_BYTES);
  let at = 0;
  /** Room for `bytes` more, handing out the current chunk first when it is short of it. */
  function* room(bytes: number): Generator<Buffer> {
    if (at + bytes <= out.length) return;
    if (at > 0) yield out.subarray(0, at);
    out = Buffer.allocUnsafe(Math.max(MANIFEST_CHUNK_BYTES, bytes));
    at = 0;
  }
  function* write(piece: string): Generator<Buffer> {
    yield* room(Buffer.byteLength(piece));
    at += out.write(piece, at);
  }

  yield* write(`{"manifest_id":${manifest.manifest_id},"snapshot_metadata":[`);
  for (const [index, s] of manifest.snapshot_metadata.entries()) {
    yield* write(`${index ? ',' : ''}{"id":${s.id},"hummock_version_id":${s.hummock_version_id},"ssts":[`);
    const ids = new SortedIdsWriter(s.ssts);
    while (ids.next < s.ssts.length) {
      yield* room(IDS_PER_SLICE * MAX_ID_BYTES);
      at = ids.write(IDS_PER_SLICE, out, at);
    }
    yield* write(`],"format_version":${s.format_version},"remarks":${JSON.stringify(s.remarks)},"state_table_info":{`);
    // Per table only its key is written and its value's bytes copied: a string per table made
    // 100,000 tables most of an entry's time and tens of megabytes of garbage.
    let first = true;
    for (const table in s.state_table_info) {
      const info = s.state_table_info[table]!;
      let byGroup = values.get(info.committed_epoch);
      if (byGroup === undefined) {
        byGroup = new Map();
        values.set(info.committed_epoch, byGroup);
      }
      let value = byGroup.get(info.compaction_group_id);
      if (value === undefined) {
        value = Buffer.from(
          `:{"committed_epoch":${info.committed_epoch},"compaction_group_id":${info.compaction_group_id}}`,
        );
        byGroup.set(info.compaction_group_id, value);
      }
      const need = table.length * 6 + 3 + value.length;
      if (at + need > out.length) yield* room(need);
      if (!first) out[at++] = COMMA;
      first = false;
      if (DIGITS_ONLY.test(table)) {
        out[at++] = QUOTE;
        at += out.write(table, at, 'latin1');
        out[at++] = QUOTE;
      } else {
        at += out.write(JSON.stringify(table), at);
      }
      at += value.copy(out, at);
    }
    yield* write(
      `},"rw_version":${JSON.stringify(s.rw_version)}` +
        (s.created_at === undefined ? '' : `,"created_at":${JSON.stringify(s.created_at)}`) +
        (s.size_bytes === undefined ? '' : `,"size_bytes":${s.size_bytes}`) +
        (s.section_counts === undefined ? '' : `,"section_counts":${JSON.stringify(s.section_counts)}`) +
        '}',
    );
  }
  yield* write(']}');
  yield out.subarray(0, at);
}

/** The manifest's JSON bytes in one buffer. */
export function serializeManifest(manifest: Manifest): Buffer {
  return Buffer.concat([...manifestChunks(manifest)]);
}
