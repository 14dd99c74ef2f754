// Snapshots being read in this process (verify, restore, diff): retention never deletes one
// while it is read. Only this process's readers are known: a verify or restore run by another
// process (a second console, a ctl run) is not seen; the newest snapshot and keep pins still
// hold there. Kept on `process`, which every copy of this module shares (Next.js may load it
// more than once).
import type { MetaSnapshotStorage } from './snapshot-storage.ts';

type Readers = Map<string, number>;

function readers(): Readers {
  const holder = process as NodeJS.Process & { __mbcSnapshotReaders?: Readers };
  holder.__mbcSnapshotReaders ??= new Map();
  return holder.__mbcSnapshotReaders;
}

const locationKey = (storage: Pick<MetaSnapshotStorage, 'store' | 'dir'>) =>
  `${storage.store.displayUrl}\u0000${storage.dir}\u0000`;

/** Runs `read` with the snapshot marked in use; the mark goes when it settles. */
export async function readingSnapshot<T>(
  storage: Pick<MetaSnapshotStorage, 'store' | 'dir'>,
  id: bigint,
  read: () => Promise<T>,
): Promise<T> {
  const key = `${locationKey(storage)}${id}`;
  const all = readers();
  all.set(key, (all.get(key) ?? 0) + 1);
  try {
    return await read();
  } finally {
    const left = (all.get(key) ?? 1) - 1;
    if (left > 0) all.set(key, left);
    else all.delete(key);
  }
}

/** The snapshots of a location this process is reading now. */
export function snapshotsInUse(storage: Pick<MetaSnapshotStorage, 'store' | 'dir'>): Set<bigint> {
  const prefix = locationKey(storage);
  const ids = new Set<bigint>();
  for (const key of readers().keys()) if (key.startsWith(prefix)) ids.add(BigInt(key.slice(prefix.length)));
  return ids;
}
