// Parses a manifest held in one buffer: the streaming scanner (manifest-scan.ts) fed at once,
// its entries gathered. Fields this product does not know are kept as bytes.
import { type Manifest, type SnapshotMetadata, StateTableInfoPool } from './manifest.ts';
import { ManifestScanner } from './manifest-scan.ts';

export function parseManifest(bytes: Uint8Array | string, where = 'manifest.json'): Manifest {
  const scanner = new ManifestScanner(where, { ssts: 'decode', keepBytes: false, pool: new StateTableInfoPool() });
  scanner.feed(typeof bytes === 'string' ? Buffer.from(bytes) : bytes);
  scanner.finish();
  let manifestId = 0n;
  const entries: SnapshotMetadata[] = [];
  const extra: Uint8Array[] = [];
  for (const event of scanner.take()) {
    if (event.kind === 'manifest_id') manifestId = event.manifestId;
    else if (event.kind === 'entry') entries.push(event.metadata);
    else if (event.kind === 'extra') extra.push(Buffer.of(0x2c), event.bytes);
  }
  const manifest: Manifest = { manifest_id: manifestId, snapshot_metadata: entries };
  if (extra.length > 0) manifest.extra = Buffer.concat(extra);
  return manifest;
}
