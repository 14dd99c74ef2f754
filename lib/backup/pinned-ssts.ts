// The SSTs the snapshots pin (the union over the manifest, kept until the manifest changes),
// and the garbage collector's filter: which candidate SSTs it may delete.
import type { MetaClient } from '../meta/client.ts';
import { minSafePointVersion } from '../meta/safe-points.ts';
import type { SnapshotMetadata } from './manifest.ts';
import type { MetaSnapshotStorage } from './snapshot-storage.ts';
import { lowerBound, pageOf, sstSetHas, unionWithCounts } from './sst-set.ts';

export interface PinnedSst {
  objectId: bigint;
  snapshotIds: bigint[];
}

interface PinnedIndex {
  manifestId: bigint;
  url: string;
  dir: string;
  ids: BigUint64Array;
  snapshots: SnapshotMetadata[];
}

export class PinnedSsts {
  private cache: PinnedIndex | undefined;

  /** The union of every snapshot's SSTs, rebuilt when the manifest (or the location) changes. */
  private async index(storage: MetaSnapshotStorage, options: { maxAgeMs?: number }): Promise<PinnedIndex> {
    const manifest = await storage.refreshManifest(options);
    const cache = this.cache;
    if (
      cache &&
      cache.manifestId === manifest.manifest_id &&
      cache.url === storage.store.displayUrl &&
      cache.dir === storage.dir
    )
      return cache;
    const { ids } = unionWithCounts(manifest.snapshot_metadata.map((s) => s.ssts));
    this.cache = {
      manifestId: manifest.manifest_id,
      url: storage.store.displayUrl,
      dir: storage.dir,
      ids,
      snapshots: manifest.snapshot_metadata,
    };
    return this.cache;
  }

  /** The exact union of `ssts` over the current manifest, in object id order, a page at a time. */
  async list(
    storage: MetaSnapshotStorage,
    options: { after?: bigint; limit?: number; search?: string; maxAgeMs?: number },
  ): Promise<{ total: number; items: PinnedSst[]; next: bigint | null }> {
    const index = await this.index(storage, { maxAgeMs: options.maxAgeMs });
    const { items: objectIds, next } = pageOf(index.ids, options);
    // Which snapshots hold each id on the page: one merge walk per snapshot.
    const holders = objectIds.map(() => [] as bigint[]);
    for (const snapshot of index.snapshots) {
      if (!objectIds.length) break;
      let j = lowerBound(snapshot.ssts, objectIds[0]!);
      for (let k = 0; k < objectIds.length && j < snapshot.ssts.length; k++) {
        while (j < snapshot.ssts.length && snapshot.ssts[j]! < objectIds[k]!) j++;
        if (snapshot.ssts[j] === objectIds[k]) holders[k]!.push(snapshot.id);
      }
    }
    return {
      total: index.ids.length,
      items: objectIds.map((objectId, k) => ({ objectId, snapshotIds: holders[k]!.sort((a, b) => (a < b ? -1 : 1)) })),
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
    const pinned = (await this.index(storage, {})).ids;
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
    const seen = new Set<bigint>();
    return candidates.filter((id) => {
      if (seen.has(id) || sstSetHas(pinned, id) || protectedIds.has(id)) return false;
      seen.add(id);
      return true;
    });
  }
}
