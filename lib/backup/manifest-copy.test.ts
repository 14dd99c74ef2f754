import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SnapshotMetadata } from './manifest.ts';
import { copyManifest, LayoutMismatch, type ManifestLayout, ManifestLayoutRecorder } from './manifest-copy.ts';
import { rewriteManifest } from './manifest-rewrite.ts';
import { readManifest } from './manifest-stream.ts';

// Spaced and ordered as another writer might, with fields this product does not know.
const OLD = Buffer.from(
  '{ "future_top" : [1,{"a":"]}"}] ,\n "snapshot_metadata" : [\n' +
    '  {"id":1,"hummock_version_id":2,"ssts":[1,5,18446744073709551615],"format_version":2,"remarks":null,"x":{"y":[]}} ,\n' +
    '  { "ssts" : [ 3 , 3,1 ] , "id" : 18446744073709551615 , "hummock_version_id" : 9007199254740993 }  ,' +
    '{"id":7,"hummock_version_id":7,"ssts":[]}\n ] , "manifest_id" : 41 ,\t"trailing" :-1.5e3 }',
);
const ADDED: SnapshotMetadata = {
  id: 8n,
  hummock_version_id: 8n,
  ssts: new BigUint64Array([2n, 2n ** 60n]),
  format_version: 2,
  remarks: 'new',
  state_table_info: { '3': { committed_epoch: 2n ** 53n + 1n, compaction_group_id: 2n } },
  rw_version: null,
};

async function* chunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const chunk of chunks) out.push(Buffer.from(chunk));
  return Buffer.concat(out);
}

async function layoutOf(bytes: Uint8Array, size = 1 << 20): Promise<ManifestLayout> {
  const recorder = new ManifestLayoutRecorder();
  for await (const _ of readManifest(chunksOf(bytes, size), { ssts: 'skip', layout: recorder })) {
  }
  return recorder.layout;
}

describe('manifest copy by layout', () => {
  it('makes what the scanning rewrite makes, for any entries kept, any new ones and chunks cut anywhere', async () => {
    const layout = await layoutOf(OLD, 5);
    assert.equal(layout.size, OLD.length);
    assert.equal(layout.entries.length, 3);
    for (const stays of [[], [0], [1], [2], [0, 2], [0, 1, 2]]) {
      for (const append of [[], [ADDED]]) {
        const ids = [1n, 2n ** 64n - 1n, 7n];
        const rewritten = await collect(
          rewriteManifest(chunksOf(OLD, 1 << 20), {
            manifestId: (old) => old + 1n,
            keep: (entry) => stays.includes(ids.indexOf(entry.id)),
            append,
          }),
        );
        for (let size = 1; size <= OLD.length; size += size < 20 ? 1 : 17) {
          const made: ManifestLayout = { fields: [], entries: [], size: 0 };
          const copied = await collect(
            copyManifest(
              chunksOf(OLD, size),
              layout,
              { manifestId: 42n, keep: (i) => stays.includes(i), append },
              made,
            ),
          );
          assert.equal(
            copied.toString(),
            rewritten.toString(),
            `kept ${stays}, ${append.length} added, chunks of ${size}`,
          );
          // The layout it hands back is what a scan of its output finds.
          assert.deepEqual(made, await layoutOf(copied, 3));
        }
      }
    }
  });

  it('gives the copy up when the bytes are not those the layout was read from', async () => {
    const layout = await layoutOf(OLD);
    const copy = (bytes: Uint8Array) =>
      collect(copyManifest(chunksOf(bytes, 7), layout, { manifestId: 42n, keep: () => true, append: [] }));
    const isMismatch = (e: unknown) => e instanceof LayoutMismatch;
    await assert.rejects(copy(OLD.subarray(0, OLD.length - 1)), isMismatch);
    await assert.rejects(copy(Buffer.concat([OLD, Buffer.from(' ')])), isMismatch);
    await assert.rejects(copy(Buffer.concat([Buffer.from(' '), OLD.subarray(0, OLD.length - 1)])), isMismatch);
    assert.ok((await copy(OLD)).length > 0);
  });

  it('the scanning rewrite hands back its output layout too', async () => {
    const made: ManifestLayout = { fields: [], entries: [], size: 0 };
    const out = await collect(
      rewriteManifest(
        chunksOf(OLD, 9),
        { manifestId: (old) => old + 1n, keep: (e) => e.id !== 1n, append: [ADDED] },
        'm',
        made,
      ),
    );
    assert.deepEqual(made, await layoutOf(out, 4));
  });
});
