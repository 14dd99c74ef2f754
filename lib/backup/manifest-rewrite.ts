// Rewrites a manifest by copying: the entries that stay and the fields this product does not
// know go over byte for byte from the old manifest's stream (an entry never changes once
// written), the new entries are written after them, and only `manifest_id` is made anew.
import type { SnapshotMetadata, SnapshotSummary } from './manifest.ts';
import { type EntryBytes, ManifestScanner, type ScanEvent } from './manifest-scan.ts';
import type { ManifestLayout } from './manifest-copy.ts';
import { ManifestChunkWriter } from './manifest-write.ts';

export interface ManifestChange {
  /** The new manifest id, from the old one. */
  manifestId(old: bigint): bigint;
  /** Whether an old entry stays (its ids counted, not read); it may throw to give the rewrite up. */
  keep(entry: SnapshotSummary): boolean;
  /** Written after the entries that stay. */
  append: readonly SnapshotMetadata[];
}

/**
 * The new manifest's bytes, a megabyte at a time, made as the old one's arrive. The old manifest
 * is checked to its last byte before the new one's last piece is handed out: a corrupt or cut
 * one throws CORRUPT_MANIFEST from the iteration, never ends a shorter manifest.
 */
export async function* rewriteManifest(
  old: AsyncIterable<Uint8Array>,
  change: ManifestChange,
  where = 'manifest.json',
  /** Filled with the new manifest's layout once it is made, for a later copy of it. */
  layout?: ManifestLayout,
): AsyncGenerator<Uint8Array> {
  const made: ManifestLayout = { fields: [], entries: [], size: 0 };
  // Ids are checked, not decoded: a kept entry's array is copied as text.
  const scanner = new ManifestScanner(where, { ssts: 'skip', stateTables: 'count', keepBytes: true });
  const writer = new ManifestChunkWriter();
  let fields = 0;
  let kept = 0;
  function* write(event: ScanEvent): Generator<Uint8Array> {
    switch (event.kind) {
      case 'manifest_id':
        made.fields.push('manifest_id');
        yield* writer.write(`${fields++ ? ',' : ''}"manifest_id":${change.manifestId(event.manifestId)}`);
        break;
      case 'extra':
        made.fields.push(event.bytes);
        if (fields++) yield* writer.write(',');
        yield* writer.copy(event.bytes);
        break;
      case 'entries':
        made.fields.push('entries');
        yield* writer.write(`${fields++ ? ',' : ''}"snapshot_metadata":[`);
        break;
      case 'entry': {
        const { ssts: _, state_table_info: __, ...fields } = event.metadata;
        if (!change.keep({ ...fields, sst_count: event.sstCount, state_table_count: event.stateTableCount })) break;
        if (kept++) yield* writer.write(',');
        const start = writer.position;
        yield* copyEntry(writer, event.bytes!);
        made.entries.push({ start, end: writer.position });
        break;
      }
      case 'entries_end':
        for (const entry of change.append) {
          if (kept++) yield* writer.write(',');
          const start = writer.position;
          yield* writer.entry(entry);
          made.entries.push({ start, end: writer.position });
        }
        yield* writer.write(']');
        break;
    }
  }
  yield* writer.write('{');
  for await (const chunk of old) {
    scanner.feed(chunk);
    for (const event of scanner.take()) yield* write(event);
  }
  scanner.finish();
  for (const event of scanner.take()) yield* write(event);
  yield* writer.write('}');
  made.size = writer.position;
  yield writer.rest();
  if (layout) Object.assign(layout, made);
}

function* copyEntry(writer: ManifestChunkWriter, bytes: EntryBytes): Generator<Uint8Array> {
  yield* writer.copy(bytes.before);
  if (bytes.ssts instanceof BigUint64Array) {
    yield* writer.write('[');
    yield* writer.ids(bytes.ssts);
    yield* writer.write(']');
  } else if (bytes.ssts) {
    yield* writer.copy(bytes.ssts);
  }
  yield* writer.copy(bytes.after);
}
