import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isBackupError } from './errors.ts';
import type { SnapshotMetadata } from './manifest.ts';
import { manifestBody } from './manifest-write.ts';
import { SstIndex } from './sst-index.ts';
import { sstSet } from './sst-set.ts';

// Snapshots whose SST sets overlap, some ids beyond 2^53 and at 2^64 - 1, checked against plain Sets.
function randomSnapshots(seed: number, count: number): SnapshotMetadata[] {
  let x = seed;
  const next = () => (x = (x * 1103515245 + 12345) % 2 ** 31);
  return Array.from({ length: count }, (_, k) => {
    const ids: bigint[] = [];
    for (let i = 0; i < 50 + (next() % 400); i++) {
      const r = next() % 10;
      ids.push(
        r === 0
          ? 2n ** 64n - 1n - BigInt(next() % 5)
          : r === 1
            ? 2n ** 53n + BigInt(next() % 300)
            : BigInt(next() % 900),
      );
    }
    return {
      id: BigInt(k * 3 + 1),
      hummock_version_id: BigInt(k),
      ssts: sstSet(ids),
      format_version: 2,
      remarks: null,
      state_table_info: {},
      rw_version: null,
    };
  });
}

async function* chunksOf(bytes: Iterable<Uint8Array>, size: number): AsyncGenerator<Uint8Array> {
  const whole = Buffer.concat([...bytes]);
  for (let at = 0; at < whole.length; at += size) yield whole.subarray(at, at + size);
}

const indexOf = (entries: SnapshotMetadata[], chunk = 101) =>
  SstIndex.read(chunksOf(manifestBody({ manifest_id: 9n, snapshot_metadata: entries }).chunks(), chunk), 'test');

describe('SST index', () => {
  it("gives back every snapshot's ids, the union with its counts, the holders and what a delete releases", async () => {
    for (const seed of [1, 7, 42]) {
      const entries = randomSnapshots(seed, 6);
      const index = await indexOf(entries, 13 * seed);
      assert.equal(index.manifest.manifest_id, 9n);
      assert.deepEqual(
        index.manifest.snapshot_metadata.map((s) => [s.id, s.sst_count]),
        entries.map((s) => [s.id, s.ssts.length]),
      );
      for (const entry of entries) assert.deepEqual(index.ssts(entry.id), entry.ssts);

      const holders = new Map<bigint, bigint[]>();
      for (const entry of entries) for (const id of entry.ssts) holders.set(id, [...(holders.get(id) ?? []), entry.id]);
      const union = [...holders.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      assert.deepEqual(Array.from(index.pinned.ids), union);
      assert.deepEqual(
        Array.from(index.pinned.counts),
        union.map((id) => holders.get(id)!.length),
      );
      assert.deepEqual(
        index.holders(BigUint64Array.from(union)),
        union.map((id) => holders.get(id)),
      );

      const doomed = [entries[0]!.id, entries[3]!.id];
      const expected = union.filter((id) => holders.get(id)!.every((holder) => doomed.includes(holder)));
      assert.ok(expected.length > 0, `seed ${seed}: some ids are released`);
      assert.deepEqual(Array.from(index.released(doomed)), expected);
    }
  });

  it('goes on to the next manifest version as a fresh read of it would', async () => {
    const entries = randomSnapshots(11, 7);
    const index = await indexOf(entries.slice(0, 5));
    const manifest = (await indexOf(entries.slice(1, 3).concat(entries.slice(4)))).manifest;
    const next = index.next(manifest, [entries[0]!.id, entries[3]!.id], entries.slice(5));
    const fresh = await indexOf([entries[1]!, entries[2]!, entries[4]!, entries[5]!, entries[6]!]);
    assert.deepEqual(next.pinned, fresh.pinned);
    for (const entry of [entries[1]!, entries[2]!, entries[4]!, entries[5]!, entries[6]!])
      assert.deepEqual(next.ssts(entry.id), entry.ssts);
    assert.throws(
      () => next.ssts(entries[0]!.id),
      (e: unknown) => isBackupError(e, 'NOT_FOUND'),
    );
    // The old version's index is left as it was, for readers still holding it.
    assert.deepEqual(index.pinned, (await indexOf(entries.slice(0, 5))).pinned);
  });

  it('is empty for an empty manifest, and names an unknown snapshot', async () => {
    const index = await indexOf([]);
    assert.equal(index.pinned.ids.length, 0);
    assert.deepEqual(index.holders(new BigUint64Array(0)), []);
    assert.throws(
      () => index.ssts(1n),
      (e: unknown) => isBackupError(e, 'NOT_FOUND'),
    );
    assert.equal(SstIndex.empty().manifest.snapshot_metadata.length, 0);
  });

  it('refuses a cut manifest as the reader does', async () => {
    const bytes = Buffer.concat([
      ...manifestBody({ manifest_id: 1n, snapshot_metadata: randomSnapshots(3, 2) }).chunks(),
    ]);
    await assert.rejects(SstIndex.read(chunksOf([bytes.subarray(0, bytes.length - 3)], 64), 'test'), (e: unknown) =>
      isBackupError(e, 'CORRUPT_MANIFEST'),
    );
  });
});
