// Reads a manifest as a stream: entries come out as their bytes arrive, and memory holds one
// entry at a time, however many snapshots the manifest lists.
import type { SnapshotMetadata, SnapshotSummary } from './manifest.ts';
import type { ManifestLayoutRecorder } from './manifest-copy.ts';
import { type EntryBytes, ManifestScanner } from './manifest-scan.ts';

export type ManifestEvent<Entry> =
  | { kind: 'manifest_id'; manifestId: bigint }
  /** `stateTableCount`: how many state tables the entry lists (its `state_table_info` is empty when only counted). */
  | { kind: 'entry'; index: number; metadata: Entry; stateTableCount: number; bytes: EntryBytes | null };

export interface ReadManifestOptions {
  /** Names the manifest in errors. */
  where?: string;
  /** 'skip' checks the ids without keeping them, for a reader that needs the other fields only. */
  ssts?: 'decode' | 'skip';
  /** 'count' checks the state tables without making them; the default with `ssts: 'skip'`. */
  stateTables?: 'parse' | 'count';
  /** Each entry's exact bytes too (`bytes`), to copy it somewhere. */
  keepBytes?: boolean;
  /** Where the manifest's parts stand, for a later copy of these bytes (manifest-copy.ts). */
  layout?: ManifestLayoutRecorder;
}

/**
 * The manifest id (where it stands in the text, usually first) and each entry in order, checked
 * as `parseManifest` checks them. A corrupt or cut manifest throws CORRUPT_MANIFEST from the
 * iteration, at the latest after the last entry: act on what was read only once it is done.
 */
export function readManifest(
  chunks: AsyncIterable<Uint8Array>,
  options: ReadManifestOptions & { ssts: 'skip' },
): AsyncGenerator<ManifestEvent<SnapshotSummary>>;
export function readManifest(
  chunks: AsyncIterable<Uint8Array>,
  options?: ReadManifestOptions & { ssts?: 'decode' },
): AsyncGenerator<ManifestEvent<SnapshotMetadata>>;
export async function* readManifest(
  chunks: AsyncIterable<Uint8Array>,
  options: ReadManifestOptions = {},
): AsyncGenerator<ManifestEvent<SnapshotMetadata | SnapshotSummary>> {
  const skip = options.ssts === 'skip';
  const scanner = new ManifestScanner(options.where ?? 'manifest.json', {
    ssts: skip ? 'skip' : 'decode',
    // A summary counts the state tables; a whole entry has them.
    stateTables: options.stateTables ?? (skip ? 'count' : 'parse'),
    keepBytes: options.keepBytes ?? false,
  });
  const handOut = function* (): Generator<ManifestEvent<SnapshotMetadata | SnapshotSummary>> {
    for (const event of scanner.take()) {
      options.layout?.record(event);
      if (event.kind === 'manifest_id') yield event;
      else if (event.kind === 'entry') {
        const { index, metadata, bytes, stateTableCount } = event;
        if (!skip) {
          yield { kind: 'entry', index, metadata, stateTableCount, bytes };
          continue;
        }
        // A skipped entry has no `ssts` at all: nothing can mistake it for an empty set.
        const { ssts: _, state_table_info: __, ...fields } = metadata;
        const summary = { ...fields, sst_count: event.sstCount, state_table_count: event.stateTableCount };
        yield { kind: 'entry', index, metadata: summary, stateTableCount, bytes };
      }
    }
  };
  let size = 0;
  for await (const chunk of chunks) {
    size += chunk.length;
    scanner.feed(chunk);
    yield* handOut();
  }
  scanner.finish();
  yield* handOut();
  if (options.layout) options.layout.layout.size = size;
}

/** The manifest id and entries, read to the end: for a small manifest or a test. */
export async function readWholeManifest(
  chunks: AsyncIterable<Uint8Array>,
  where?: string,
): Promise<{ manifestId: bigint; entries: SnapshotMetadata[] }> {
  let manifestId = 0n;
  const entries: SnapshotMetadata[] = [];
  for await (const event of readManifest(chunks, { where, ssts: 'decode' })) {
    if (event.kind === 'manifest_id') manifestId = event.manifestId;
    else entries.push(event.metadata);
  }
  return { manifestId, entries };
}
