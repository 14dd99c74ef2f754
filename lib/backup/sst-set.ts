// Sets of SST object ids as sorted, duplicate-free BigUint64Arrays: 8 bytes an id instead of a
// BigInt object and a Set slot each, native sorting, and merges instead of hash lookups. A
// manifest of 100 snapshots of 100,000 SSTs holds 10 million of them.
import { u64Halves } from './u64-digits.ts';

/** Sorts in place and drops duplicates; returns the (possibly shorter) view. */
export function sortUnique(ids: BigUint64Array): BigUint64Array {
  const sorted = ids.sort();
  // Compared and moved as 32-bit halves: reading an element makes a BigInt (a million ids, at
  // the end of every large backup, made about 10 MB of garbage).
  const words = u64Halves(sorted);
  let kept = 0;
  for (let i = 0; i < sorted.length; i++) {
    const lo = words[2 * i]!;
    const hi = words[2 * i + 1]!;
    if (kept > 0 && lo === words[2 * kept - 2] && hi === words[2 * kept - 1]) continue;
    words[2 * kept] = lo;
    words[2 * kept + 1] = hi;
    kept++;
  }
  return kept === sorted.length ? sorted : sorted.subarray(0, kept);
}

export function sstSet(ids: Iterable<bigint>): BigUint64Array {
  return sortUnique(BigUint64Array.from(ids));
}

/** The index of the first id not below `id` (binary search). */
export function lowerBound(ids: BigUint64Array, id: bigint): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ids[mid]! < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function sstSetHas(ids: BigUint64Array, id: bigint): boolean {
  const at = lowerBound(ids, id);
  return at < ids.length && ids[at] === id;
}

/**
 * For each of `ids`, whether `set` holds it: binary searches on the set's 32-bit halves, so no
 * BigInt is made per step (the garbage collector's 10,000 candidates against 11 million pins).
 */
export function sstSetHoldsEach(set: BigUint64Array, ids: readonly bigint[]): Uint8Array {
  const words = u64Halves(set);
  const held = new Uint8Array(ids.length);
  for (let k = 0; k < ids.length; k++) {
    const id = ids[k]!;
    if (id < 0n || id > 0xffff_ffff_ffff_ffffn) continue;
    const high = Number(id >> 32n);
    const low = Number(id & 0xffff_ffffn);
    let lo = 0;
    let hi = set.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const midHigh = words[2 * mid + 1]!;
      if (midHigh < high || (midHigh === high && words[2 * mid]! < low)) lo = mid + 1;
      else hi = mid;
    }
    held[k] = lo < set.length && words[2 * lo + 1] === high && words[2 * lo] === low ? 1 : 0;
  }
  return held;
}

/** The ids of `a` that `b` lacks. */
export function difference(a: BigUint64Array, b: BigUint64Array): BigUint64Array {
  const out = new BigUint64Array(a.length);
  let n = 0;
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    const id = a[i]!;
    while (j < b.length && b[j]! < id) j++;
    if (j === b.length || b[j] !== id) out[n++] = id;
  }
  return out.slice(0, n);
}

/** The union of several sets, with how many of them hold each id. */
export function unionWithCounts(sets: readonly BigUint64Array[]): { ids: BigUint64Array; counts: Uint32Array } {
  let total = 0;
  for (const set of sets) total += set.length;
  const all = new BigUint64Array(total);
  let at = 0;
  for (const set of sets) {
    all.set(set, at);
    at += set.length;
  }
  all.sort();
  const counts = new Uint32Array(total);
  let kept = 0;
  for (let i = 0; i < total; i++) {
    if (kept > 0 && all[i] === all[kept - 1]) counts[kept - 1] = counts[kept - 1]! + 1;
    else {
      all[kept] = all[i]!;
      counts[kept++] = 1;
    }
  }
  return { ids: all.slice(0, kept), counts: counts.slice(0, kept) };
}

/** A page of a sorted id set: ids after `after` whose decimal form contains `search`. */
export function pageOf(
  ids: BigUint64Array,
  options: { after?: bigint; limit?: number; search?: string },
): { items: bigint[]; next: bigint | null } {
  const limit = Math.min(Math.max(options.limit ?? 1000, 1), 100_000);
  const start = options.after === undefined ? 0 : lowerBound(ids, options.after + 1n);
  if (!options.search) {
    const items = Array.from(ids.subarray(start, start + limit));
    return { items, next: start + limit < ids.length ? items.at(-1)! : null };
  }
  const items: bigint[] = [];
  for (let i = start; i < ids.length; i++) {
    if (!ids[i]!.toString().includes(options.search)) continue;
    if (items.length === limit) return { items, next: items.at(-1)! };
    items.push(ids[i]!);
  }
  return { items, next: null };
}
