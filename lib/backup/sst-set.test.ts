import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { difference, lowerBound, sstSet, sstSetHas, sstSetHoldsEach, unionWithCounts } from './sst-set.ts';

// Small random id sets, some beyond 2^53, checked against plain Sets.
function randomIds(seed: number, n: number): bigint[] {
  let x = seed;
  const next = () => (x = (x * 1103515245 + 12345) % 2 ** 31);
  return Array.from({ length: n }, () => (next() % 4 === 0 ? 2n ** 63n + BigInt(next() % 50) : BigInt(next() % 60)));
}
const sorted = (ids: Iterable<bigint>) => [...new Set(ids)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

describe('SST id sets', () => {
  it('sorts, drops duplicates, searches and subtracts like Sets do', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const a = randomIds(seed, seed * 3);
      const b = randomIds(seed + 100, seed * 2);
      const setA = sstSet(a);
      assert.deepEqual(Array.from(setA), sorted(a));
      const setB = sstSet(b);
      assert.deepEqual(
        Array.from(difference(setA, setB)),
        sorted(a).filter((id) => !b.includes(id)),
      );
      const probes = [...a, ...b, 2n ** 64n - 1n, 0n, 2n ** 32n, 2n ** 32n - 1n, -1n, 2n ** 64n];
      assert.deepEqual(
        Array.from(sstSetHoldsEach(setA, probes)),
        probes.map((id) => (a.includes(id) ? 1 : 0)),
      );
      for (const probe of [...a, ...b, 2n ** 64n - 1n, 0n]) {
        assert.equal(sstSetHas(setA, probe), a.includes(probe));
        assert.equal(lowerBound(setA, probe), sorted(a).filter((id) => id < probe).length);
      }
    }
  });

  it('keeps ids that share one 32-bit half and drops only whole duplicates', () => {
    const ids = [
      5n,
      2n ** 32n + 5n,
      5n,
      2n ** 32n,
      2n ** 32n + 5n,
      2n ** 64n - 1n,
      2n ** 64n - 2n ** 32n + 5n,
      2n ** 64n - 1n,
    ];
    assert.deepEqual(Array.from(sstSet(ids)), sorted(ids));
  });

  it('unites several sets and counts the holders of each id', () => {
    const sets = [1, 2, 3, 4].map((seed) => sstSet(randomIds(seed, 40)));
    const { ids, counts } = unionWithCounts(sets);
    assert.deepEqual(Array.from(ids), sorted(sets.flatMap((s) => [...s])));
    for (const [i, id] of ids.entries()) assert.equal(counts[i], sets.filter((s) => s.includes(id)).length);
    assert.equal(unionWithCounts([]).ids.length, 0);
  });
});
