// The SSTs the snapshots pin (the union over the manifest, from the storage's SST index, built
// once per manifest version), and the garbage collector's filter: which candidate SSTs it may delete.
import type { MetaClient } from '../meta/client.ts';
import { minSafePointVersion } from '../meta/safe-points.ts';
import type { MetaSnapshotStorage } from './snapshot-storage.ts';
import { pageOf, sstSetHoldsEach } from './sst-set.ts';

export interface PinnedSst {
  objectId: bigint;
  snapshotIds: bigint[];
}

export class PinnedSsts {
  /** The exact union of `ssts` over the current manifest, in object id order, a page at a time. */
  async list(
    storage: MetaSnapshotStorage,
    options: { after?: bigint; limit?: number; search?: string; maxAgeMs?: number },
  ): Promise<{ total: number; items: PinnedSst[]; next: bigint | null }> {
    const index = await storage.sstIndex({ maxAgeMs: options.maxAgeMs });
    const { items: objectIds, next } = pageOf(index.pinned.ids, options);
    // Which snapshots hold each id on the page: each snapshot seeks only the blocks the page spans.
    const holders = index.holders(BigUint64Array.from(objectIds));
    return {
      total: index.pinned.ids.length,
      items: objectIds.map((objectId, k) => ({ objectId, snapshotIds: holders[k]! })),
      next,
    };
  }

  /**
   * Of the candidate SST object ids, those garbage collection may delete: pinned by no
   * snapshot, and not part of any version a running backup's safe point holds.
   */
  async gcDeletable(
    storage: MetaSnapshotStorage,
    prisma: MetaClient,
    candidates: readonly bigint[],
  ): Promise<bigint[]> {
    // Pins are read after the candidates were listed, as upstream's full GC does.
    const pinned = (await storage.sstIndex()).pinned.ids;
    const protectedIds = new Set<bigint>();
    const minVersion = await minSafePointVersion(prisma);
    if (minVersion !== null) {
      const current = await prisma.hummockSstableInfo.findMany({ select: { object_id: true } });
      for (const { object_id } of current) protectedIds.add(object_id);
      const deltas = await prisma.hummockVersionDelta.findMany({
        where: { id: { gt: minVersion } },
        select: { removed_object_ids: true },
      });
      for (const delta of deltas) for (const id of delta.removed_object_ids as string[]) protectedIds.add(BigInt(id));
    }
    const held = sstSetHoldsEach(pinned, candidates);
    const seen = new Set<bigint>();
    return candidates.filter((id, k) => {
      if (held[k] || seen.has(id) || protectedIds.has(id)) return false;
      seen.add(id);
      return true;
    });
  }
}
