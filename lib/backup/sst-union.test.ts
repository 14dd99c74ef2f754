import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sstSet, unionWithCounts } from './sst-set.ts';
import { released, SstUnionBuilder, unite } from './sst-union.ts';

// Small random id sets, some beyond 2^53 and sharing a 32-bit half, from a fixed-seed LCG.
function randomIds(seed: number, n: number): bigint[] {
  let x = seed;
  const next = () => (x = (x * 1103515245 + 12345) % 2 ** 31);
  return Array.from({ length: n }, () => {
    const r = next() % 5;
    if (r === 0) return 2n ** 63n + BigInt(next() % 50);
    if (r === 1) return 2n ** 32n * BigInt(next() % 3) + BigInt(next() % 40);
    if (r === 2) return 2n ** 64n - 1n - BigInt(next() % 20);
    return BigInt(next() % 200);
  });
}

/** Sets as kept snapshots hold them: a window of `size` ids sliding by `churn` over `base`. */
function windows(base: BigUint64Array, size: number, churn: number, count: number): BigUint64Array[] {
  return Array.from({ length: count }, (_, k) => base.slice(k * churn, k * churn + size));
}

/** What `released` should give, from plain sets. */
function plainReleased(doomed: BigUint64Array[], sets: BigUint64Array[]): bigint[] {
  const kept = sets.filter((s) => !doomed.includes(s));
  const out = new Set<bigint>();
  for (const set of doomed) for (const id of set) if (!kept.some((s) => s.includes(id))) out.add(id);
  return [...out].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

describe('SST union builder', () => {
  it('unites random sets with the counts unionWithCounts gives, in any order of adding', () => {
    for (let seed = 1; seed <= 25; seed++) {
      const sets = Array.from({ length: 1 + (seed % 6) }, (_, k) => sstSet(randomIds(seed * 10 + k, seed * 4)));
      const expected = unionWithCounts(sets);
      for (const order of [sets, [...sets].reverse()]) {
        const { ids, counts } = unite(order);
        assert.deepEqual(Array.from(ids), Array.from(expected.ids), `seed ${seed}: ids`);
        assert.deepEqual(Array.from(counts), Array.from(expected.counts), `seed ${seed}: counts`);
      }
    }
  });

  it('unites sliding windows, oldest first and newest first, with and without a capacity', () => {
    const base = new BigUint64Array(3000);
    for (let i = 0; i < base.length; i++) base[i] = 2n ** 32n - 1000n + BigInt(i * 3 + (i % 3));
    const sets = windows(base, 1000, 100, 21);
    const expected = unionWithCounts(sets);
    for (const [order, capacity] of [
      [sets, 0],
      [[...sets].reverse(), 0],
      [sets, 1900],
    ] as const) {
      const builder = new SstUnionBuilder(capacity);
      for (const set of order) builder.add(set);
      const { ids, counts } = builder.result();
      assert.deepEqual(ids, expected.ids);
      assert.deepEqual(counts, expected.counts);
    }
  });

  it('takes empty sets, gives an empty union for none, and starts again after result', () => {
    assert.equal(unite([]).ids.length, 0);
    assert.equal(unite([]).counts.length, 0);
    const builder = new SstUnionBuilder();
    builder.add(new BigUint64Array(0));
    builder.add(BigUint64Array.from([4n, 9n]));
    builder.add(new BigUint64Array(0));
    assert.deepEqual(builder.result(), { ids: BigUint64Array.from([4n, 9n]), counts: Uint32Array.from([1, 1]) });
    builder.add(BigUint64Array.from([9n]));
    assert.deepEqual(builder.result(), { ids: BigUint64Array.from([9n]), counts: Uint32Array.from([1]) });
  });

  it('refuses a set out of order and keeps the union as it was', () => {
    const builder = new SstUnionBuilder();
    builder.add(BigUint64Array.from([1n, 2n]));
    assert.throws(() => builder.add(BigUint64Array.from([3n, 3n])), TypeError);
    assert.throws(() => builder.add(BigUint64Array.from([2n ** 32n + 1n, 5n])), TypeError);
    assert.deepEqual(builder.result(), { ids: BigUint64Array.from([1n, 2n]), counts: Uint32Array.from([1, 1]) });
  });
});

describe('released', () => {
  it('gives the ids only the doomed sets hold, as plain sets do', () => {
    for (let seed = 1; seed <= 25; seed++) {
      const sets = Array.from({ length: 2 + (seed % 5) }, (_, k) => sstSet(randomIds(seed * 10 + k, seed * 3)));
      const all = unite(sets);
      for (const doomed of [[sets[0]!], [sets.at(-1)!], sets.filter((_, k) => k % 2 === 0), sets, []]) {
        assert.deepEqual(Array.from(released(doomed, all)), plainReleased(doomed, sets), `seed ${seed}`);
      }
    }
  });

  it('releases the oldest windows of a sliding run', () => {
    const base = new BigUint64Array(5000);
    for (let i = 0; i < base.length; i++) base[i] = BigInt(i * 2);
    const sets = windows(base, 1000, 100, 41);
    const all = unite(sets);
    assert.deepEqual(released([sets[0]!], all), base.slice(0, 100));
    assert.deepEqual(released([sets[0]!, sets[1]!, sets[2]!], all), base.slice(0, 300));
    assert.deepEqual(released([sets[1]!], all), new BigUint64Array(0));
  });

  it('takes sets away as if they had never been added, and goes on from a union it copies', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const sets = Array.from({ length: 6 }, (_, k) => sstSet(randomIds(seed * 10 + k, 5 + ((seed * k) % 60))));
      const all = unite(sets);
      const builder = SstUnionBuilder.from(all);
      builder.remove(sets[1]!);
      builder.remove(sets[4]!);
      builder.add(sets[1]!);
      builder.remove(sets[0]!);
      assert.deepEqual(builder.result(), unite([sets[2]!, sets[3]!, sets[5]!, sets[1]!]), `seed ${seed}`);
      assert.deepEqual(all, unite(sets), 'the union it went on from is left as it was');
    }
    const builder = SstUnionBuilder.from(unite([sstSet([1n, 2n])]));
    assert.throws(() => builder.remove(sstSet([2n, 3n])), RangeError);
    assert.throws(() => builder.remove(BigUint64Array.of(2n, 1n)), TypeError);
    assert.deepEqual(builder.result(), unite([sstSet([1n, 2n])]), 'a refused set takes nothing away');
  });

  it('refuses a doomed id the union lacks', () => {
    const all = unite([BigUint64Array.from([1n, 5n])]);
    assert.throws(() => released([BigUint64Array.from([1n, 3n])], all), RangeError);
    assert.throws(() => released([BigUint64Array.from([1n]), BigUint64Array.from([1n])], all), RangeError);
  });
});
