// Parses a manifest held in one buffer: the streaming scanner (manifest-scan.ts) fed at once,
// its entries gathered. Fields this product does not know are kept as bytes.
import { COMMA } from '../format/ascii.ts';
import { type Manifest, type SnapshotMetadata, StateTableInfoPool } from './manifest.ts';
import { ManifestScanner } from './manifest-scan.ts';

export function parseManifest(bytes: Uint8Array | string, where = 'manifest.json'): Manifest {
  const gathered = new GatheredManifest(where);
  gathered.feed(typeof bytes === 'string' ? Buffer.from(bytes) : bytes);
  return gathered.finish();
}

/**
 * The same, from a stream of chunks as the store hands them out: the text is never held whole,
 * only the entries (their ids as sorted 64-bit arrays). A manifest beyond what one buffer or
 * string can hold is read so.
 */
export async function parseManifestStream(
  chunks: AsyncIterable<Uint8Array>,
  where = 'manifest.json',
): Promise<Manifest> {
  const gathered = new GatheredManifest(where);
  for await (const chunk of chunks) gathered.feed(chunk);
  return gathered.finish();
}

class GatheredManifest {
  private readonly scanner: ManifestScanner;
  private manifestId = 0n;
  private readonly entries: SnapshotMetadata[] = [];
  private readonly extra: Uint8Array[] = [];

  constructor(where: string) {
    this.scanner = new ManifestScanner(where, { ssts: 'decode', keepBytes: false, pool: new StateTableInfoPool() });
  }

  feed(chunk: Uint8Array): void {
    this.scanner.feed(chunk);
    this.gather();
  }

  finish(): Manifest {
    this.scanner.finish();
    this.gather();
    const manifest: Manifest = { manifest_id: this.manifestId, snapshot_metadata: this.entries };
    if (this.extra.length > 0) manifest.extra = Buffer.concat(this.extra);
    return manifest;
  }

  private gather(): void {
    for (const event of this.scanner.take()) {
      if (event.kind === 'manifest_id') this.manifestId = event.manifestId;
      else if (event.kind === 'entry') this.entries.push(event.metadata);
      else if (event.kind === 'extra') this.extra.push(Buffer.of(COMMA), event.bytes);
    }
  }
}
