// The union of many SST id sets with how many hold each id, built one set at a time: memory is
// the union and its counts (plus growing room), never all the sets concatenated as
// `unionWithCounts` does (100 snapshots of a million ids would be 800 MB before sorting).
import { LOW_HALF, u64Halves } from './u64-digits.ts';

// Halves are read at 2i (low) and 2i + 1 (high), as literals: indexing by the imported
// LOW_HALF/HIGH_HALF made the loops about twice as slow. Every platform Node runs on is
// little-endian; this stops a big-endian one from reading wrong ids.
if (LOW_HALF !== 0) throw new Error('SST id halves are read as little-endian');

export interface SstUnion {
  /** Ascending, unique. */
  ids: BigUint64Array;
  /** counts[i]: how many of the added sets hold ids[i]. */
  counts: Uint32Array;
}

/** Throws a TypeError unless `words` (halves of `length` ids) are ascending and unique. */
function assertAscending(words: Uint32Array, length: number): void {
  for (let i = 1; i < length; i++) {
    const high = words[2 * i + 1]!;
    const prevHigh = words[2 * i - 1]!;
    if (high < prevHigh || (high === prevHigh && words[2 * i]! <= words[2 * i - 2]!))
      throw new TypeError(`SST ids are not ascending and unique at index ${i}`);
  }
}

/** How many ids the union (`n` ids as halves) and the set (`m`) both hold. */
function shared(union: Uint32Array, n: number, set: Uint32Array, m: number): number {
  if (n === 0 || m === 0) return 0;
  // From the first union id not below the set's first (a binary search), then side by side.
  const firstLow = set[0]!;
  const firstHigh = set[1]!;
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const high = union[2 * mid + 1]!;
    if (high < firstHigh || (high === firstHigh && union[2 * mid]! < firstLow)) lo = mid + 1;
    else hi = mid;
  }
  let both = 0;
  let i = lo;
  let j = 0;
  while (i < n && j < m) {
    const unionHigh = union[2 * i + 1]!;
    const setHigh = set[2 * j + 1]!;
    if (unionHigh < setHigh) i++;
    else if (unionHigh > setHigh) j++;
    else {
      const unionLow = union[2 * i]!;
      const setLow = set[2 * j]!;
      if (unionLow < setLow) i++;
      else if (unionLow > setLow) j++;
      else {
        both++;
        i++;
        j++;
      }
    }
  }
  return both;
}

/** Unites sets added one by one (`add`), each merged into the running union in place. */
export class SstUnionBuilder {
  private ids = new BigUint64Array(0);
  private words: Uint32Array = new Uint32Array(0);
  private counts = new Uint32Array(0);
  private length = 0;

  /** `capacity`: ids to make room for up front (the expected union saves regrowing). */
  constructor(capacity = 0) {
    if (capacity > 0) this.grow(capacity);
  }

  private grow(capacity: number): void {
    const ids = new BigUint64Array(capacity);
    ids.set(this.ids.subarray(0, this.length));
    const counts = new Uint32Array(capacity);
    counts.set(this.counts.subarray(0, this.length));
    this.ids = ids;
    this.words = u64Halves(ids);
    this.counts = counts;
  }

  /** Adds one set (ascending, unique: else a TypeError and nothing added). */
  add(set: BigUint64Array): void {
    const m = set.length;
    const add = u64Halves(set);
    assertAscending(add, m);
    const n = this.length;
    // Counted first, so the union grows by its new ids only (a set sliding 10% past the last adds
    // a tenth of itself) and the merge below ends with no gap to close.
    const total = n + m - shared(this.words, n, add, m);
    if (total > this.ids.length) this.grow(Math.max(total, Math.ceil(this.ids.length * 1.25)));
    const { words, counts } = this;
    // Merged from the top down into the same arrays: the write index k stays above the union's
    // unread i, and a set of newer SSTs only touches the union's top (the rest is not moved).
    let i = n - 1;
    let j = m - 1;
    let k = total - 1;
    while (j >= 0) {
      const low = add[2 * j]!;
      const high = add[2 * j + 1]!;
      while (i >= 0) {
        const unionHigh = words[2 * i + 1]!;
        const unionLow = words[2 * i]!;
        if (unionHigh < high || (unionHigh === high && unionLow <= low)) break;
        words[2 * k] = unionLow;
        words[2 * k + 1] = unionHigh;
        counts[k--] = counts[i--]!;
      }
      let count = 1;
      if (i >= 0 && words[2 * i + 1] === high && words[2 * i] === low) count += counts[i--]!;
      words[2 * k] = low;
      words[2 * k + 1] = high;
      counts[k--] = count;
      j--;
    }
    // The union's ids below the set were left in place, where the merged ones now follow them.
    this.length = total;
  }

  /** A builder that goes on from `union` (copied: whoever holds it may still be reading it). */
  static from(union: SstUnion, room = 0): SstUnionBuilder {
    const builder = new SstUnionBuilder(union.ids.length + room);
    builder.ids.set(union.ids);
    builder.counts.set(union.counts);
    builder.length = union.ids.length;
    return builder;
  }

  /**
   * Takes away one set that was added (ascending, unique; else a TypeError and nothing taken):
   * its ids' counts go down, and ids no set holds any more leave the union.
   */
  remove(set: BigUint64Array): void {
    const m = set.length;
    const gone = u64Halves(set);
    assertAscending(gone, m);
    const n = this.length;
    const { words, counts } = this;
    // Found first, so a set that was never added changes nothing.
    const at = new Uint32Array(m);
    let i = 0;
    for (let j = 0; j < m; j++) {
      const low = gone[2 * j]!;
      const high = gone[2 * j + 1]!;
      while (i < n && (words[2 * i + 1]! < high || (words[2 * i + 1] === high && words[2 * i]! < low))) i++;
      if (i === n || words[2 * i + 1] !== high || words[2 * i] !== low)
        throw new RangeError(`id ${set[j]} is not in the union`);
      at[j] = i;
    }
    let emptied = 0;
    for (let j = 0; j < m; j++) if (--counts[at[j]!]! === 0) emptied++;
    if (emptied === 0) return;
    let k = at[0]!;
    for (let r = k; r < n; r++) {
      if (counts[r] === 0) continue;
      words[2 * k] = words[2 * r]!;
      words[2 * k + 1] = words[2 * r + 1]!;
      counts[k++] = counts[r]!;
    }
    this.length = n - emptied;
  }

  /** The union so far; hands its arrays over and starts again empty. */
  result(): SstUnion {
    const n = this.length;
    let { ids, counts } = this;
    // Spare room beyond an eighth is given back (a copy); less stays, as views.
    if (ids.length - n > n / 8) {
      ids = ids.slice(0, n);
      counts = counts.slice(0, n);
    } else {
      ids = ids.subarray(0, n);
      counts = counts.subarray(0, n);
    }
    this.ids = new BigUint64Array(0);
    this.words = new Uint32Array(0);
    this.counts = new Uint32Array(0);
    this.length = 0;
    return { ids, counts };
  }
}

/** The union of `sets` with counts (as `unionWithCounts`, a set at a time). */
export function unite(sets: Iterable<BigUint64Array>): SstUnion {
  const builder = new SstUnionBuilder();
  for (const set of sets) builder.add(set);
  return builder.result();
}

/**
 * The ids that only `doomed` sets hold: each doomed set is one of the sets `all` was built from,
 * and an id is released when as many doomed sets hold it as `all.counts` says sets do.
 */
export function released(doomed: readonly BigUint64Array[], all: SstUnion): BigUint64Array {
  if (doomed.length === 0) return new BigUint64Array(0);
  // One doomed set has counts of 1; several are united first (memory ∝ the doomed sets only).
  const own: { ids: BigUint64Array; counts: Uint32Array | undefined } =
    doomed.length === 1 ? { ids: doomed[0]!, counts: undefined } : unite(doomed);
  const mine = u64Halves(own.ids);
  const union = u64Halves(all.ids);
  const total = all.ids.length;
  if (own.counts === undefined) assertAscending(mine, own.ids.length);
  const out = new BigUint64Array(own.ids.length);
  const words = u64Halves(out);
  let n = 0;
  let i = 0;
  for (let j = 0; j < own.ids.length; j++) {
    const low = mine[2 * j]!;
    const high = mine[2 * j + 1]!;
    // Galloping: sets hold runs of the union, and skips over the rest cost a log each.
    let step = 1;
    let lo = i;
    let hi = i;
    while (hi < total) {
      const unionHigh = union[2 * hi + 1]!;
      if (unionHigh > high || (unionHigh === high && union[2 * hi]! >= low)) break;
      lo = hi + 1;
      hi += step;
      step *= 2;
    }
    if (hi > total) hi = total;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const unionHigh = union[2 * mid + 1]!;
      if (unionHigh < high || (unionHigh === high && union[2 * mid]! < low)) lo = mid + 1;
      else hi = mid;
    }
    i = lo;
    if (i === total || union[2 * i + 1] !== high || union[2 * i] !== low)
      throw new RangeError(`doomed id ${own.ids[j]} is not in the union`);
    const count = own.counts === undefined ? 1 : own.counts[j]!;
    const held = all.counts[i]!;
    if (held < count)
      throw new RangeError(`doomed id ${own.ids[j]} has a count of ${held} in the union, below ${count}`);
    if (held === count) {
      words[2 * n] = low;
      words[2 * n + 1] = high;
      n++;
    }
    i++;
  }
  return out.slice(0, n);
}
