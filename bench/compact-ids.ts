// CompactIds and SstUnionBuilder at manifest scale: N snapshots of a million SST ids, each a window
// sliding by 10% over one run of ids (dense, then with random gaps of 1 to 1000).
// node --import tsx bench/compact-ids.ts [--sets 100] [--size 1000000] [--block 128] [--only dense|gaps]
import { parseArgs } from 'node:util';
import { CompactIds } from '../lib/backup/compact-ids.ts';
import { sstSetHas } from '../lib/backup/sst-set.ts';
import { released, SstUnionBuilder } from '../lib/backup/sst-union.ts';
import { HIGH_HALF, LOW_HALF, u64Halves } from '../lib/backup/u64-digits.ts';
import { seededRandom } from '../lib/seeded-random.ts';

const { values } = parseArgs({
  options: {
    sets: { type: 'string', default: '100' },
    size: { type: 'string', default: '1000000' },
    block: { type: 'string', default: '128' },
    only: { type: 'string' },
  },
});
const SETS = Number(values.sets);
const SIZE = Number(values.size);
const BLOCK = Number(values.block);
const CHURN = Math.floor(SIZE / 10);

/** `count` ascending ids from just below 2^32 (so sets cross a high half), gaps of 1 or 1 to 1000. */
function idRun(count: number, gaps: boolean): BigUint64Array {
  const ids = new BigUint64Array(count);
  const words = u64Halves(ids);
  const random = seededRandom(42);
  let id = 2 ** 32 - count / 2;
  for (let i = 0; i < count; i++) {
    words[2 * i + LOW_HALF] = id % 2 ** 32;
    words[2 * i + HIGH_HALF] = Math.floor(id / 2 ** 32);
    id += gaps ? 1 + Math.floor(random() * 1000) : 1;
  }
  return ids;
}

/** The fastest of `runs` timings of `work`, in ms. */
function best(runs: number, work: () => void): number {
  let fastest = Number.POSITIVE_INFINITY;
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    work();
    fastest = Math.min(fastest, performance.now() - start);
  }
  return fastest;
}

/** Mean and median of per-set timings (the first sets run before the JIT has optimized the loops). */
function perSet(times: number[]): string {
  const sorted = [...times].sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  return `${ms(mean)} a set (median ${ms(sorted[Math.floor(sorted.length / 2)]!)})`;
}

/** `count` ids picked at random from `ids`, ascending; `miss` shifts half of them by one. */
function sample(ids: BigUint64Array, count: number, seed: number, miss = false): BigUint64Array {
  const random = seededRandom(seed);
  const out = new BigUint64Array(count);
  for (let i = 0; i < count; i++) out[i] = ids[Math.floor(random() * ids.length)]! + (miss && i % 2 ? 1n : 0n);
  return out.sort();
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 0)} ms`;

function run(gaps: boolean): void {
  console.log(`\n${gaps ? 'gaps 1-1000' : 'dense'}: ${SETS} sets of ${SIZE} ids, 10% churn, block ${BLOCK}`);
  const union = idRun(SIZE + (SETS - 1) * CHURN, gaps);
  const sets = Array.from({ length: SETS }, (_, k) => union.subarray(k * CHURN, k * CHURN + SIZE));

  // The union first, while little else is held: RSS grows by what the builder holds.
  globalThis.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const builder = new SstUnionBuilder();
  const addMs = sets.map((set) => {
    const ms = best(1, () => builder.add(set));
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    return ms;
  });
  const unionMs = addMs.reduce((a, b) => a + b, 0);
  const all = builder.result();
  rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  if (all.ids.length !== union.length || all.counts.reduce((a, b) => a + b, 0) !== SETS * SIZE)
    throw new Error('the union is wrong');
  // Room made up front (the union plus a set) saves the regrowing copies.
  const sized = new SstUnionBuilder(union.length);
  const sizedMs = best(1, () => {
    for (const set of sets) sized.add(set);
  });
  sized.result();
  const releasedMs = best(3, () => released([sets[0]!], all));
  console.log(
    `  union of ${all.ids.length} ids: ${ms(unionMs)}, ${perSet(addMs)}, RSS ${mb(rssBefore)} -> peak ${mb(rssPeak)} (+${mb(rssPeak - rssBefore)}; ids + counts ${mb(all.ids.length * 12)})`,
  );
  console.log(`  union with its capacity given up front: ${ms(sizedMs)}, ${ms(sizedMs / SETS)} a set`);
  console.log(`  released(oldest set): ${ms(releasedMs)} (${released([sets[0]!], all).length} ids)`);

  const encodeMs: number[] = [];
  const compact = sets.map((set) => {
    const start = performance.now();
    const encoded = CompactIds.encode(set, BLOCK);
    encodeMs.push(performance.now() - start);
    return encoded;
  });
  const bytes = compact.reduce((total, c) => total + c.byteLength, 0);
  console.log(
    `  encode: ${perSet(encodeMs)}; ${(bytes / (SETS * SIZE)).toFixed(3)} bytes an id, ${mb(bytes)} for all (BigUint64Array: ${mb(SETS * SIZE * 8)})`,
  );
  const decodeMs = compact.map((c) => best(1, () => c.decode()));
  const check = compact[SETS - 1]!.decode();
  if (check.length !== SIZE || check[0] !== sets[SETS - 1]![0] || check[SIZE - 1] !== sets[SETS - 1]![SIZE - 1])
    throw new Error('decode is wrong');
  console.log(`  decode: ${perSet(decodeMs)}`);

  // A console page: 1,000 consecutive union ids; and 1,000 spread over the whole union.
  const middle = Math.floor(union.length / 2);
  for (const [label, query] of [
    ['a page of 1,000 union ids', union.slice(middle, middle + 1000)],
    ['1,000 random union ids', sample(union, 1000, 7)],
  ] as const) {
    let hits = 0;
    const holdsMs = best(20, () => {
      hits = 0;
      for (const c of compact) for (const held of c.holdsEach(query)) hits += held;
    });
    console.log(`  holdsEach(${label}) x ${SETS} sets: ${ms(holdsMs)} (${hits} hits)`);
  }

  // has() on the whole union held compact, against a binary search of the BigUint64Array.
  const unionCompact = CompactIds.encode(all.ids, BLOCK);
  const probes = sample(union, 10_000, 9, true);
  let found = 0;
  const compactHasMs = best(5, () => {
    found = 0;
    for (const id of probes) if (unionCompact.has(id)) found++;
  });
  let plainFound = 0;
  const plainHasMs = best(5, () => {
    plainFound = 0;
    for (const id of probes) if (sstSetHas(all.ids, id)) plainFound++;
  });
  if (found !== plainFound) throw new Error('has() disagrees with the binary search');
  console.log(
    `  has() x 10,000 on the union (${mb(unionCompact.byteLength)} compact, ${mb(all.ids.byteLength)} plain): compact ${ms(compactHasMs)}, BigUint64Array binary search ${ms(plainHasMs)} (${found} found)`,
  );
  console.log(`  RSS now ${mb(process.memoryUsage().rss)}`);
}

if (values.only !== 'gaps') run(false);
if (values.only !== 'dense') run(true);
