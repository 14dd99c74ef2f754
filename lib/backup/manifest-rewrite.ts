// Rewrites a manifest by copying: the entries that stay and the fields this product does not
// know go over byte for byte from the old manifest's stream (an entry never changes once
// written), the new entries are written after them, and only `manifest_id` is made anew.
import type { SnapshotMetadata } from './manifest.ts';
import { type EntryBytes, ManifestScanner, type ScanEvent } from './manifest-scan.ts';
import { ManifestChunkWriter } from './manifest-write.ts';

export interface ManifestChange {
  /** The new manifest id, from the old one. */
  manifestId(old: bigint): bigint;
  /** Whether an old entry stays; it may throw to give the rewrite up. */
  keep(entry: SnapshotMetadata): boolean;
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
): AsyncGenerator<Uint8Array> {
  const scanner = new ManifestScanner(where, { ssts: 'decode', keepBytes: true });
  const writer = new ManifestChunkWriter();
  let fields = 0;
  let kept = 0;
  function* write(event: ScanEvent): Generator<Uint8Array> {
    switch (event.kind) {
      case 'manifest_id':
        yield* writer.write(`${fields++ ? ',' : ''}"manifest_id":${change.manifestId(event.manifestId)}`);
        break;
      case 'extra':
        if (fields++) yield* writer.write(',');
        yield* writer.copy(event.bytes);
        break;
      case 'entries':
        yield* writer.write(`${fields++ ? ',' : ''}"snapshot_metadata":[`);
        break;
      case 'entry':
        if (!change.keep(event.metadata)) break;
        if (kept++) yield* writer.write(',');
        yield* copyEntry(writer, event.bytes!);
        break;
      case 'entries_end':
        for (const entry of change.append) {
          if (kept++) yield* writer.write(',');
          yield* writer.entry(entry);
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
  yield writer.rest();
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
