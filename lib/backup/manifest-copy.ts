// Rewrites a manifest whose layout is known, read from these very bytes (the same ETag): the
// entries that stay go over as byte ranges of the old manifest's stream, not scanned again, so
// a rewrite costs about what writing the bytes costs. It makes what rewriteManifest makes.
import { CLOSE_BRACE, OPEN_BRACE } from '../format/ascii.ts';
import type { SnapshotMetadata } from './manifest.ts';
import type { ScanEvent } from './manifest-scan.ts';
import { ManifestChunkWriter } from './manifest-write.ts';

/** Where a manifest's parts stand in its bytes, as its scan found them. */
export interface ManifestLayout {
  /** The top-level fields in order: the manifest id, the entries, or another field's bytes. */
  fields: ('manifest_id' | 'entries' | Uint8Array)[];
  /** Each entry's `{` and what follows its `}`. */
  entries: { start: number; end: number }[];
  /** The manifest's length in bytes. */
  size: number;
}

/** Gathers a layout from a scan's events. */
export class ManifestLayoutRecorder {
  readonly layout: ManifestLayout = { fields: [], entries: [], size: 0 };

  record(event: ScanEvent): void {
    if (event.kind === 'manifest_id') this.layout.fields.push('manifest_id');
    else if (event.kind === 'entries') this.layout.fields.push('entries');
    else if (event.kind === 'extra') this.layout.fields.push(event.bytes);
    else if (event.kind === 'entry') this.layout.entries.push({ start: event.start, end: event.end });
  }
}

/** The old bytes are not those the layout was read from: the copy is given up, nothing is written. */
export class LayoutMismatch extends Error {
  override readonly name = 'LayoutMismatch';
}

export interface LayoutChange {
  manifestId: bigint;
  /** Whether the entry at this index stays. */
  keep(index: number): boolean;
  append: readonly SnapshotMetadata[];
}

export async function* copyManifest(
  old: AsyncIterable<Uint8Array>,
  layout: ManifestLayout,
  change: LayoutChange,
  /** Filled with the new manifest's layout once it is made, for the next copy. */
  made?: ManifestLayout,
): AsyncGenerator<Uint8Array> {
  const kept = layout.entries.filter((_, index) => change.keep(index));
  const entries: ManifestLayout['entries'] = [];
  const writer = new ManifestChunkWriter();
  // Bytes handed out around the writer: the copied ranges and their commas.
  let copied = 0;
  const list = layout.fields.indexOf('entries');
  function* fields(from: number, to: number): Generator<Uint8Array> {
    for (let i = from; i < to; i++) {
      const field = layout.fields[i]!;
      if (i > 0) yield* writer.write(',');
      if (field === 'manifest_id') yield* writer.write(`"manifest_id":${change.manifestId}`);
      else if (field === 'entries') yield* writer.write('"snapshot_metadata":[');
      else yield* writer.copy(field);
    }
  }
  yield* writer.write('{');
  yield* fields(0, list + 1);
  yield writer.rest();

  let offset = 0;
  let next = 0;
  for await (const chunk of old) {
    const chunkEnd = offset + chunk.length;
    while (next < kept.length && kept[next]!.start < chunkEnd) {
      const { start, end } = kept[next]!;
      const from = Math.max(start, offset);
      const to = Math.min(end, chunkEnd);
      if (start >= offset && chunk[start - offset] !== OPEN_BRACE) throw new LayoutMismatch('no entry starts there');
      if (start >= offset && next > 0) {
        copied++;
        yield Buffer.from(',');
      }
      if (start >= offset)
        entries.push({ start: writer.position + copied, end: writer.position + copied + end - start });
      copied += to - from;
      yield chunk.subarray(from - offset, to - offset);
      if (end > chunkEnd) break;
      if (chunk[end - 1 - offset] !== CLOSE_BRACE) throw new LayoutMismatch('no entry ends there');
      next++;
    }
    offset = chunkEnd;
  }
  if (offset !== layout.size || next !== kept.length)
    throw new LayoutMismatch(`${offset} bytes where the layout has ${layout.size}`);

  for (const [i, entry] of change.append.entries()) {
    if (kept.length + i > 0) yield* writer.write(',');
    const start = writer.position + copied;
    yield* writer.entry(entry);
    entries.push({ start, end: writer.position + copied });
  }
  yield* writer.write(']');
  yield* fields(list + 1, layout.fields.length);
  yield* writer.write('}');
  const size = writer.position + copied;
  yield writer.rest();
  if (made) Object.assign(made, { fields: layout.fields, entries, size });
}
