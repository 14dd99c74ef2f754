// The SST id sets of kept snapshots, as compaction would leave them: neighbours share 90%.

/**
 * The `ssts` of kept snapshot `index` (0 the oldest): a window of `base.length` ids sliding along
 * `base` (ascending) and then `next`, `next + 1`, ... by `churn` ids per snapshot. Each
 * neighbour has the `churn` lowest ids of the one before replaced by new, higher ids, as
 * compaction replaces the oldest SSTs with new objects; the union of K sets is
 * `base.length + (K - 1) * churn` ids. Written into `into` (reused between snapshots).
 */
export function churnedIds(
  base: BigUint64Array,
  next: bigint,
  churn: number,
  index: number,
  into: BigUint64Array = new BigUint64Array(base.length),
): BigUint64Array {
  const from = index * churn;
  let at = 0;
  for (let i = from; i < base.length; i++) into[at++] = base[i]!;
  for (let i = Math.max(0, from - base.length); at < base.length; i++) into[at++] = next + BigInt(i);
  return into;
}
