// A separate process that adds and removes snapshots on a shared storage location, for the
// concurrent manifest writer test: node --import tsx manifest-writer.ts URL DIR FIRST_ID COUNT START_AT_MS
import { MetaSnapshotStorage } from '../../lib/backup/snapshot-storage.ts';
import { openObjectStore } from '../../lib/object-store/index.ts';
import { snapshotBody, snapshotMetadata } from './snapshots.ts';

const [url, dir, first, count, startAt] = process.argv.slice(2);
const store = openObjectStore(url!);
const storage = await MetaSnapshotStorage.open(store, dir!);
// Start together with the other writers, so their manifest updates overlap.
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
const ids = Array.from({ length: Number(count) }, (_, i) => BigInt(first!) + BigInt(i));
// Two at a time within the process too; every other one is deleted again afterwards.
for (let i = 0; i < ids.length; i += 2) {
  await Promise.all(ids.slice(i, i + 2).map((id) => storage.create(id, snapshotBody(id), snapshotMetadata(id))));
}
await storage.delete(ids.filter((_, i) => i % 2 === 1));
await store.close();
