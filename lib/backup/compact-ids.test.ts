import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CompactIds } from './compact-ids.ts';
import { seededRandom } from '../seeded-random.ts';

const MAX = 2n ** 64n - 1n;

/** Ascending unique ids from `start`, gaps mostly small, some around 2^32 and beyond. */
function randomSet(seed: number, n: number, start = 0n): bigint[] {
  const random = seededRandom(seed);
  const gaps = [
    () => 1n,
    () => BigInt(1 + Math.floor(random() * 1000)),
    () => BigInt(Math.floor(random() * 2 ** 31)) * 3n + 1n,
    () => 2n ** 32n - 1n + BigInt(Math.floor(random() * 3)),
    () => 2n ** BigInt(33 + Math.floor(random() * 20)) + BigInt(Math.floor(random() * 1000)),
  ];
  const out: bigint[] = [];
  let id = start;
  for (let i = 0; i < n && id <= MAX; i++) {
    out.push(id);
    const r = random();
    id += gaps[r < 0.6 ? 0 : r < 0.85 ? 1 : r < 0.93 ? 2 : r < 0.97 ? 3 : 4]!();
  }
  return out;
}

/** Ids near and between those of `ids`, and the u64 extremes, ascending. */
function probesOf(ids: readonly bigint[]): bigint[] {
  const probes = new Set<bigint>([0n, 1n, MAX - 1n, MAX]);
  for (const id of ids) for (const p of [id - 1n, id, id + 1n]) if (p >= 0n && p <= MAX) probes.add(p);
  return [...probes].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Checks every reading of `encoded` against the plain `ids`. */
function checkAgainstPlain(ids: readonly bigint[], encoded: CompactIds, label: string): void {
  assert.equal(encoded.length, ids.length, `${label}: length`);
  assert.deepEqual(Array.from(encoded.decode()), ids, `${label}: decode`);
  const set = new Set(ids);
  const probes = probesOf(ids);
  for (const probe of probes) assert.equal(encoded.has(probe), set.has(probe), `${label}: has(${probe})`);
  const expected = Uint8Array.from(probes, (p) => (set.has(p) ? 1 : 0));
  assert.deepEqual(encoded.holdsEach(BigUint64Array.from(probes)), expected, `${label}: holdsEach`);
  // Descending and shuffled queries are still answered right.
  assert.deepEqual(
    encoded.holdsEach(BigUint64Array.from([...probes].reverse())),
    expected.slice().reverse(),
    `${label}: holdsEach descending`,
  );
  for (const after of [undefined, ...probes.filter((_, i) => i % 3 === 0)]) {
    const above = ids.filter((id) => after === undefined || id > after);
    for (const limit of [0, 1, 7, 200]) {
      assert.deepEqual(
        Array.from(encoded.page(after, limit)),
        above.slice(0, limit),
        `${label}: page(${after}, ${limit})`,
      );
    }
  }
}

describe('CompactIds', () => {
  it('round-trips the edges of u64 and of the varint gaps', () => {
    const cases: bigint[][] = [
      [],
      [0n],
      [MAX],
      [0n, MAX],
      [MAX - 1n, MAX],
      [2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n],
      [0n, 2n ** 32n - 1n, 2n ** 33n - 2n],
      [5n, 5n + 2n ** 32n, 5n + 2n ** 33n, 5n + 2n ** 33n + 2n ** 35n],
      [2n ** 32n - 1n, 2n ** 32n, 2n ** 32n + 1n],
      [1n, 2n ** 63n, MAX],
      [0n, 127n, 128n, 128n + 16383n, 128n + 16384n + 16383n, 2n ** 28n, 2n ** 28n + 2n ** 28n - 1n],
      [3n, 3n + 2n ** 56n, 3n + 2n ** 56n + 2n ** 63n],
    ];
    for (const ids of cases) {
      for (const blockSize of [2, 4, 128]) {
        checkAgainstPlain(ids, CompactIds.encode(BigUint64Array.from(ids), blockSize), `${ids} / ${blockSize}`);
      }
    }
  });

  it('matches plain sets on random ids, across block boundaries', () => {
    let seed = 1;
    for (const blockSize of [2, 8, 64, 128, 256]) {
      for (const n of [1, blockSize - 1, blockSize, blockSize + 1, 2 * blockSize, 2 * blockSize + 1, 700]) {
        for (const start of [0n, 2n ** 32n - 300n, 2n ** 53n - 5n, MAX - 2n ** 40n]) {
          const ids = randomSet(seed++, n, start);
          checkAgainstPlain(ids, CompactIds.encode(BigUint64Array.from(ids), blockSize), `seed ${seed - 1}`);
        }
      }
    }
  });

  it('answers holdsEach for sparse queries that skip many blocks', () => {
    const ids = randomSet(99, 20_000, 2n ** 32n - 5000n);
    const encoded = CompactIds.encode(BigUint64Array.from(ids));
    const set = new Set(ids);
    const random = seededRandom(7);
    const queries = new Set<bigint>();
    for (let i = 0; i < 500; i++) {
      const id = ids[Math.floor(random() * ids.length)]!;
      queries.add(random() < 0.5 ? id : id + 1n);
    }
    const sorted = [...queries].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    assert.deepEqual(
      encoded.holdsEach(BigUint64Array.from(sorted)),
      Uint8Array.from(sorted, (id) => (set.has(id) ? 1 : 0)),
    );
    // Each block's first id and the id just before it, from block to block.
    const edges = ids.flatMap((id, i) => (i % 128 === 0 ? [id - 1n, id] : [])).filter((id) => id >= 0n);
    assert.deepEqual(
      encoded.holdsEach(BigUint64Array.from(edges)),
      Uint8Array.from(edges, (id) => (set.has(id) ? 1 : 0)),
    );
  });

  it('holds dense ids in about a byte each, index included', () => {
    const ids = new BigUint64Array(1280);
    for (let i = 0; i < ids.length; i++) ids[i] = 2n ** 40n + BigInt(i);
    const encoded = CompactIds.encode(ids);
    // 10 blocks: 127 one-byte gaps, 8 bytes of first id and 4 of offset each; 4 bytes of end offset.
    assert.equal(encoded.byteLength, 10 * 127 + 10 * 12 + 4);
    assert.equal(CompactIds.EMPTY.length, 0);
    assert.equal(CompactIds.EMPTY.decode().length, 0);
    assert.equal(CompactIds.EMPTY.has(0n), false);
    assert.equal(CompactIds.EMPTY.page(undefined, 10).length, 0);
    assert.deepEqual(CompactIds.EMPTY.holdsEach(BigUint64Array.from([0n, MAX])), new Uint8Array(2));
  });

  it('refuses ids out of order or repeated, and odd block sizes', () => {
    assert.throws(() => CompactIds.encode(BigUint64Array.from([1n, 3n, 2n])), TypeError);
    assert.throws(() => CompactIds.encode(BigUint64Array.from([1n, 2n, 2n])), TypeError);
    assert.throws(() => CompactIds.encode(BigUint64Array.from([2n ** 32n, 5n])), TypeError);
    assert.throws(() => CompactIds.encode(BigUint64Array.from([0n, 1n]), 3), RangeError);
  });

  it('answers no for values that are not u64', () => {
    const encoded = CompactIds.encode(BigUint64Array.from([0n, 1n, MAX]));
    assert.equal(encoded.has(-1n), false);
    assert.equal(encoded.has(2n ** 64n), false);
    assert.deepEqual(Array.from(encoded.page(-5n, 10)), [0n, 1n, MAX]);
    assert.deepEqual(Array.from(encoded.page(MAX, 10)), []);
    assert.deepEqual(Array.from(encoded.page(2n ** 64n, 10)), []);
  });
});
