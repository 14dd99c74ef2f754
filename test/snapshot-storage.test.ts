// MetaSnapshotStorage on memory, fs:// and the real S3 server: write order under injected
// failures, concurrent manifest writers, manifest_id monotonicity, bad input.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { before, describe, it } from 'node:test';
import { isBackupError } from '../lib/backup/errors.ts';
import { serializeManifest } from '../lib/backup/manifest-write.ts';
import { decodeSnapshot } from '../lib/backup/snapshot-codec.ts';
import {
  type CachedManifest,
  decodeCachedManifest,
  encodeCachedManifest,
} from '../lib/backup/manifest-summary-cache.ts';
import { MetaSnapshotStorage, type Orphan } from '../lib/backup/snapshot-storage.ts';
import { FaultInjectingObjectStore } from '../lib/object-store/fault-injecting-store.ts';
import { isObjectStoreError, type ObjectStore } from '../lib/object-store/index.ts';
import { snapshotBody, snapshotMetadata } from './support/snapshots.ts';
import { storeBackends } from './support/stores.ts';

const run = promisify(execFile);
const DIR = 'backup/cluster-a';

/** Invariant: every manifest entry has its object. */
async function assertEveryEntryHasItsObject(store: ObjectStore, storage: MetaSnapshotStorage) {
  const manifest = await storage.refreshManifest();
  for (const entry of manifest.snapshot_metadata) {
    assert.ok(await store.head(storage.snapshotKey(entry.id)), `manifest entry ${entry.id} has no object`);
  }
}

async function remoteManifestBytes(store: ObjectStore, storage: MetaSnapshotStorage): Promise<string | null> {
  const info = await store.head(storage.manifestKey);
  return info ? new TextDecoder().decode((await store.get(storage.manifestKey)).body) : null;
}

for (const backend of storeBackends) {
  describe(`snapshot storage: ${backend.name}`, () => {
    let url: string;
    let store: ObjectStore;
    before(async () => {
      url = await backend.freshUrl();
      store = backend.open(url);
    });

    it('starts from the empty manifest, creates, reads and deletes snapshots', async () => {
      const storage = await MetaSnapshotStorage.open(store, `${DIR}/basic`);
      assert.deepEqual(storage.manifest(), { manifest_id: 0n, snapshot_metadata: [] });
      const { size, manifest } = await storage.create(1n, snapshotBody(1n), snapshotMetadata(1n));
      assert.equal(manifest.manifest_id, 1n);
      assert.equal(manifest.snapshot_metadata[0]!.size_bytes, BigInt(size));
      assert.equal(manifest.snapshot_metadata[0]!.sst_count, 2);
      assert.deepEqual(Array.from(await storage.sstsOf(1n)), [2n ** 53n + 1n, 2n ** 60n + 1n]);
      await storage.create(2n, snapshotBody(2n), snapshotMetadata(2n));

      const reopened = await MetaSnapshotStorage.open(store, `${DIR}/basic/`);
      assert.deepEqual(reopened.manifest(), storage.manifest());
      const decoded = await decodeSnapshot(await reopened.stream(2n));
      assert.equal(decoded.header.id, 2n);
      assert.equal((await reopened.get(1n)).length, size);

      const afterDelete = await storage.delete([1n, 999n]);
      assert.equal(afterDelete.manifest_id, 3n);
      assert.deepEqual(
        afterDelete.snapshot_metadata.map((s) => s.id),
        [2n],
      );
      assert.equal(await store.head(storage.snapshotKey(1n)), null);
      await assert.rejects(storage.get(1n), (e: unknown) => isBackupError(e, 'NOT_FOUND'));
    });

    it('a delete of ids the manifest does not have writes nothing and removes no object', async () => {
      const storage = await MetaSnapshotStorage.open(store, `${DIR}/noop-delete`);
      await storage.create(1n, snapshotBody(1n), snapshotMetadata(1n));
      // An object no entry names yet: what a running job is uploading looks like this.
      await store.put(storage.snapshotKey(12345n), 'a running upload');
      const before = await remoteManifestBytes(store, storage);
      const unknownOnly = await storage.delete([12345n, 777n]);
      assert.equal(unknownOnly.manifest_id, 1n);
      assert.equal(await remoteManifestBytes(store, storage), before);
      assert.ok(
        await store.head(storage.snapshotKey(12345n)),
        'the object of an id the manifest does not name is left alone',
      );
      await store.deleteMany([storage.snapshotKey(12345n)]);
    });

    it('keeps its SST index in step with its own writes, as a fresh read of the manifest gives it', async () => {
      const dir = `${DIR}/index`;
      const storage = await MetaSnapshotStorage.open(store, dir);
      const ssts = (id: bigint) => Array.from({ length: 40 }, (_, i) => 2n ** 60n + id * 10n + BigInt(i));
      for (const id of [1n, 2n, 3n]) await storage.create(id, snapshotBody(id), snapshotMetadata(id, ssts(id)));
      assert.equal((await storage.sstIndex()).manifest.manifest_id, 3n);
      await storage.create(4n, snapshotBody(4n), snapshotMetadata(4n, ssts(4n)));
      await storage.delete([1n, 3n]);
      await storage.create(5n, snapshotBody(5n), snapshotMetadata(5n, ssts(5n)));
      const kept = await storage.sstIndex();
      const fresh = await (await MetaSnapshotStorage.open(store, dir)).sstIndex();
      assert.equal(kept.manifest.manifest_id, 6n);
      assert.deepEqual(kept.manifest, fresh.manifest);
      assert.deepEqual(kept.pinned, fresh.pinned);
      assert.deepEqual(Array.from(kept.pinned.ids), [...new Set([2n, 4n, 5n].flatMap(ssts))].sort());
      for (const id of [2n, 4n, 5n]) assert.deepEqual(kept.ssts(id), fresh.ssts(id));
    });

    it('takes a summary kept for the remote ETag instead of reading the manifest, and only for that ETag', async () => {
      const dir = `${DIR}/summary-cache`;
      const kept = new Map<string, string>();
      const cache = {
        get: async (etag: string) => decodeCachedManifest(kept.get(etag) ?? ''),
        put: async (etag: string, cached: CachedManifest) => void kept.set(etag, encodeCachedManifest(cached)),
      };
      let bodies = 0;
      const counting = new Proxy(store, {
        get(target, key, receiver) {
          if (key !== 'streamIfChanged') return Reflect.get(target, key, receiver);
          return async (k: string, etag?: string) => {
            const object = await target.streamIfChanged(k, etag);
            if (object && k.endsWith('manifest.json')) bodies++;
            return object;
          };
        },
      });
      const writer = await MetaSnapshotStorage.open(store, dir, { cache });
      for (const id of [1n, 2n, 3n]) await writer.create(id, snapshotBody(id), snapshotMetadata(id));

      const next = await MetaSnapshotStorage.open(counting, dir, { cache });
      assert.equal(bodies, 0, 'a new process with the summary of the remote ETag reads no manifest');
      assert.deepEqual(next.manifest(), writer.manifest());
      await next.delete([2n]);
      assert.equal(bodies, 1, 'the delete streams the manifest once, to copy it');
      const fresh = await MetaSnapshotStorage.open(store, dir);
      assert.deepEqual(fresh.manifest(), next.manifest());
      assert.deepEqual(
        fresh.manifest().snapshot_metadata.map((s) => s.id),
        [1n, 3n],
      );

      // Another writer, with no cache: the kept ETag is no longer the remote one.
      await fresh.create(4n, snapshotBody(4n), snapshotMetadata(4n));
      bodies = 0;
      const after = await MetaSnapshotStorage.open(counting, dir, { cache });
      assert.equal(bodies, 1, 'a summary of another ETag is not taken');
      assert.deepEqual(after.manifest(), fresh.manifest());

      // What cannot be decoded is read again.
      for (const etag of kept.keys()) kept.set(etag, '{"manifest":1}');
      bodies = 0;
      const again = await MetaSnapshotStorage.open(counting, dir, { cache });
      assert.equal(bodies, 1);
      assert.deepEqual(again.manifest(), fresh.manifest());
    });

    it('refuses to call snapshot objects orphans when the manifest next to them is missing', async () => {
      const storage = await MetaSnapshotStorage.open(store, `${DIR}/lost-manifest`);
      await storage.create(1n, snapshotBody(1n), snapshotMetadata(1n));
      await storage.create(2n, snapshotBody(2n), snapshotMetadata(2n));
      assert.deepEqual(await storage.listOrphans(), []);
      await store.deleteMany([storage.manifestKey]);
      const lost = (e: unknown) =>
        isBackupError(e, 'CORRUPT_MANIFEST') && /manifest was lost/.test((e as Error).message);
      // A new process refuses to open it as an empty store (no "no snapshots", no ids from 1),
      await assert.rejects(MetaSnapshotStorage.open(store, `${DIR}/lost-manifest`), lost);
      // and the orphan sweep of a process that opened it before the loss does not offer them.
      await assert.rejects(storage.listOrphans(), (e: unknown) => isBackupError(e, 'MANIFEST_REGRESSED'));
      assert.ok(await store.head(storage.snapshotKey(1n)));
      // A crashed job's object beside a manifest that exists is an orphan as before.
      const fresh = await MetaSnapshotStorage.open(store, `${DIR}/orphan-ok`);
      await fresh.create(1n, snapshotBody(1n), snapshotMetadata(1n));
      await store.put(fresh.snapshotKey(9n), 'left by a crash');
      assert.deepEqual(
        (await fresh.listOrphans()).map((o) => o.key),
        [fresh.snapshotKey(9n)],
      );
    });

    it('the orphan sweep finds unfinished uploads of a killed process, and removes them', async () => {
      if (backend.name === 'memory') return; // a memory store's writes are never partial
      const dir = `${DIR}/killed-upload`;
      const storage = await MetaSnapshotStorage.open(store, dir);
      await storage.create(1n, snapshotBody(1n), snapshotMetadata(1n));
      const key = storage.snapshotKey(7n);
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', path.join(import.meta.dirname, 'support/killed-upload.ts'), url, key],
        { env: process.env, stdio: ['ignore', 'pipe', 'inherit'] },
      );
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (data: Buffer) => data.includes('uploading') && resolve());
        child.on('exit', (code) => reject(new Error(`the uploader exited with ${code} before uploading`)));
      });
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      let unfinished: Orphan[] = [];
      for (let waited = 0; waited < 10_000; waited += 100) {
        unfinished = (await storage.listOrphans({ unfinishedIdleMs: 0 })).filter((o) => o.kind === 'unfinished upload');
        if (unfinished.some((o) => o.size >= 8 * 1024 * 1024)) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.equal(unfinished.length, 1, 'the killed upload is listed');
      assert.ok(unfinished[0]!.size >= 8 * 1024 * 1024, `it holds what was sent (${unfinished[0]!.size} bytes)`);
      assert.equal(await store.head(key), null);
      // Not while it may still be going on (recent), nor when it is a running job's,
      assert.deepEqual(await storage.listOrphans(), []);
      assert.deepEqual(await storage.listOrphans({ unfinishedIdleMs: 0, writing: key }), []);
      // nor from another storage directory of the same store.
      const neighbour = await MetaSnapshotStorage.open(store, `${DIR}/killed-upload-neighbour`);
      assert.deepEqual(await neighbour.listOrphans({ unfinishedIdleMs: 0 }), []);
      await storage.deleteOrphans(unfinished);
      assert.deepEqual(await storage.listOrphans({ unfinishedIdleMs: 0 }), []);
      assert.deepEqual(
        (await storage.refreshManifest()).snapshot_metadata.map((s) => s.id),
        [1n],
      );
      // A handle that names no unfinished upload is refused, not taken as a path.
      await assert.rejects(store.abortIncompleteUploads(['../../etc/passwd']), (e: unknown) =>
        isObjectStoreError(e, 'INVALID_KEY'),
      );
    });

    it('refuses a snapshot id that already has an object, changing nothing', async () => {
      const storage = await MetaSnapshotStorage.open(store, `${DIR}/dup`);
      await storage.create(5n, snapshotBody(5n), snapshotMetadata(5n));
      const before = await remoteManifestBytes(store, storage);
      await assert.rejects(storage.create(5n, snapshotBody(5n), snapshotMetadata(5n)), (e: unknown) =>
        isBackupError(e, 'INVALID_INPUT'),
      );
      assert.equal(await remoteManifestBytes(store, storage), before);
    });

    it("keeps a newer RisingWave's fields through every backup and delete, byte for byte", async () => {
      const storage = await MetaSnapshotStorage.open(store, `${DIR}/newer-fields`);
      await storage.create(1n, snapshotBody(1n), snapshotMetadata(1n));
      await storage.create(2n, snapshotBody(2n), snapshotMetadata(2n));
      const written = (await remoteManifestBytes(store, storage))!;
      // A newer writer added a top-level field and fields in an entry (spaced its own way).
      const topField = '"cluster_hint" : {"zone":[1, 2.5e3, null],"note":"ünï \\"q\\""}';
      const entryField = '"max_committed_epoch":\n 18446744073709551615';
      const newer = written
        .replace('{"manifest_id":', `{${topField},"manifest_id":`)
        .replace('"id":1,', `"id":1,${entryField},`);
      assert.notEqual(newer, written);
      const { etag } = await store.get(storage.manifestKey);
      await store.put(storage.manifestKey, newer, { ifMatch: etag });
      await storage.refreshManifest();
      await storage.create(3n, snapshotBody(3n), snapshotMetadata(3n));
      await storage.delete([2n]);
      const after = (await remoteManifestBytes(store, storage))!;
      assert.ok(after.includes(topField), after.slice(0, 300));
      assert.ok(after.includes(entryField), after.slice(0, 300));
      const manifest = await storage.refreshManifest();
      assert.deepEqual(
        manifest.snapshot_metadata.map((s) => s.id),
        [1n, 3n],
      );
      assert.equal(manifest.manifest_id, 4n);
    });

    it('a manifest that went backwards is refused and never overwritten', async () => {
      const a = await MetaSnapshotStorage.open(store, `${DIR}/backwards`);
      for (let id = 1n; id <= 10n; id++) await a.create(id, snapshotBody(id), snapshotMetadata(id));
      const viewer = await MetaSnapshotStorage.open(store, `${DIR}/backwards`);
      assert.equal(viewer.manifest().manifest_id, 10n);
      // Someone puts back a valid older copy naming one snapshot.
      const older = new TextDecoder().decode(
        serializeManifest({ manifest_id: 1n, snapshot_metadata: [snapshotMetadata(1n)] }),
      );
      const { etag } = await store.get(a.manifestKey);
      await store.put(a.manifestKey, older, { ifMatch: etag });
      const regressed = (e: unknown) =>
        isBackupError(e, 'MANIFEST_REGRESSED') &&
        /went backwards/.test((e as Error).message) &&
        /id 1, lower than the 10/.test((e as Error).message);
      // Readers do not keep showing the old list as if nothing happened,
      await assert.rejects(viewer.refreshManifest(), regressed);
      // and no mutation writes over it, not even a delete of an unknown id.
      await assert.rejects(a.delete([999n]), regressed);
      await assert.rejects(a.delete([3n]), regressed);
      await assert.rejects(a.create(11n, snapshotBody(11n), snapshotMetadata(11n)), regressed);
      assert.equal(await remoteManifestBytes(store, a), older);
      assert.ok(await store.head(a.snapshotKey(3n)), 'no object of the entries the old copy lost is removed');
      await assert.rejects(a.listOrphans(), regressed);
      // The newest copy put back: everything works again.
      const current = await store.get(a.manifestKey);
      await store.put(
        a.manifestKey,
        serializeManifest({
          manifest_id: 10n,
          snapshot_metadata: [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n, 10n].map((id) => snapshotMetadata(id)),
        }),
        { ifMatch: current.etag },
      );
      assert.equal((await viewer.refreshManifest()).snapshot_metadata.length, 10);
      // A lost manifest is a regression too for a process that has seen one.
      await store.deleteMany([a.manifestKey]);
      await assert.rejects(
        a.refreshManifest(),
        (e: unknown) => isBackupError(e, 'MANIFEST_REGRESSED') && /is missing/.test((e as Error).message),
      );
      await assert.rejects(a.create(12n, snapshotBody(12n), snapshotMetadata(12n)), (e: unknown) =>
        isBackupError(e, 'MANIFEST_REGRESSED'),
      );
      assert.equal(await store.head(a.manifestKey), null, 'nothing wrote a manifest with ids restarting at 1');
      // and a new process refuses it as lost while snapshot objects are there.
      await assert.rejects(
        MetaSnapshotStorage.open(store, `${DIR}/backwards`),
        (e: unknown) => isBackupError(e, 'CORRUPT_MANIFEST') && /manifest was lost/.test((e as Error).message),
      );
    });

    it('a read that began before this instance wrote is not taken for a regression', async () => {
      const slow = new FaultInjectingObjectStore(store);
      const storage = await MetaSnapshotStorage.open(slow, `${DIR}/read-race`);
      await storage.create(1n, snapshotBody(1n), snapshotMetadata(1n));
      // A page's read starts, is slow, and returns manifest 1 after the backup below wrote 2.
      slow.inject({ operation: 'get', key: /manifest\.json$/, delayMs: 300, times: 1 });
      const staleRead = storage.refreshManifest();
      await new Promise((resolve) => setTimeout(resolve, 50));
      await storage.create(2n, snapshotBody(2n), snapshotMetadata(2n));
      const seen = await staleRead;
      assert.equal(seen.manifest_id, 2n, 'the cached manifest stays the newer one');
    });

    it('writes no entry when the uploaded object is gone before the manifest write', async () => {
      const faulty = new FaultInjectingObjectStore(store);
      const storage = await MetaSnapshotStorage.open(faulty, `${DIR}/dir-removed`);
      await storage.create(1n, snapshotBody(1n), snapshotMetadata(1n));
      const before = await remoteManifestBytes(store, storage);
      // The object vanishes between its upload and the manifest write (its directory removed):
      // the check after the upload is held back until the object is gone.
      faulty.inject({ operation: 'head', key: /2\.snapshot$/, delayMs: 100, times: 1 });
      const removal = (async () => {
        for (
          let waited = 0;
          waited < 5000 && !faulty.calls.some((c) => c.operation === 'head' && c.key.endsWith('2.snapshot'));
          waited += 5
        )
          await new Promise((r) => setTimeout(r, 5));
        await store.deleteMany([storage.snapshotKey(2n)]);
      })();
      await assert.rejects(
        storage.create(2n, snapshotBody(2n), snapshotMetadata(2n)),
        (e: unknown) =>
          isBackupError(e, 'STORAGE_UNAVAILABLE') && /gone right after its upload/.test((e as Error).message),
      );
      await removal;
      assert.equal(await remoteManifestBytes(store, storage), before);
      await assertEveryEntryHasItsObject(store, storage);
    });

    it('reads the manifest fresh unless a caller accepts one confirmed recently, and shares that read', async () => {
      const counted = new FaultInjectingObjectStore(store);
      const manifestReads = () =>
        counted.calls.filter((c) => c.operation === 'get' && c.key.endsWith('manifest.json')).length;
      const viewer = await MetaSnapshotStorage.open(counted, `${DIR}/max-age`);
      const writer = await MetaSnapshotStorage.open(store, `${DIR}/max-age`);
      await writer.create(1n, snapshotBody(1n), snapshotMetadata(1n));
      // Another process's change: a page accepting a minute-old manifest does not see it yet…
      const readsBefore = manifestReads();
      assert.equal((await viewer.refreshManifest({ maxAgeMs: 60_000 })).snapshot_metadata.length, 0);
      assert.equal(manifestReads(), readsBefore, 'no request for a manifest confirmed within the age');
      // …a fresh read (as the garbage collector's) does, and confirms it for the pages.
      assert.equal((await viewer.refreshManifest()).snapshot_metadata.length, 1);
      assert.equal((await viewer.refreshManifest({ maxAgeMs: 60_000 })).snapshot_metadata.length, 1);
      // Once the age has passed, concurrent page reads share one request.
      await writer.create(2n, snapshotBody(2n), snapshotMetadata(2n));
      await new Promise((resolve) => setTimeout(resolve, 30));
      const readsBeforeShared = manifestReads();
      const seen = await Promise.all(Array.from({ length: 5 }, () => viewer.refreshManifest({ maxAgeMs: 20 })));
      assert.deepEqual(
        seen.map((m) => m.snapshot_metadata.length),
        [2, 2, 2, 2, 2],
      );
      assert.equal(manifestReads(), readsBeforeShared + 1);
      // Fresh reads are never shared: each starts after its call.
      await Promise.all([viewer.refreshManifest(), viewer.refreshManifest()]);
      assert.equal(manifestReads(), readsBeforeShared + 3);
      // This instance's own write shows at once, whatever the age.
      await viewer.delete([1n]);
      assert.deepEqual(
        (await viewer.refreshManifest({ maxAgeMs: 60_000 })).snapshot_metadata.map((s) => s.id),
        [2n],
      );
    });

    it('never leaves a manifest entry without its object, whichever step fails', async () => {
      const faulty = new FaultInjectingObjectStore(store);
      const storage = await MetaSnapshotStorage.open(faulty, `${DIR}/faults`);
      await storage.create(1n, snapshotBody(1n), snapshotMetadata(1n));
      const steps = [
        { name: 'upload refused', fault: { operation: 'upload', times: 1 } as const, objectLeft: false },
        {
          name: 'upload cut midway',
          fault: { operation: 'upload', afterBytes: 20, times: 1 } as const,
          objectLeft: false,
        },
        {
          name: 'manifest write fails',
          fault: { operation: 'put', key: /manifest\.json$/, times: 1 } as const,
          objectLeft: true,
        },
      ];
      let id = 10n;
      for (const step of steps) {
        id++;
        const before = await remoteManifestBytes(store, storage);
        faulty.inject(step.fault);
        await assert.rejects(storage.create(id, snapshotBody(id), snapshotMetadata(id)), step.name);
        faulty.clear();
        assert.equal(await remoteManifestBytes(store, storage), before, `${step.name}: manifest unchanged`);
        assert.equal(
          Boolean(await store.head(storage.snapshotKey(id))),
          step.objectLeft,
          `${step.name}: object left as orphan`,
        );
        await assertEveryEntryHasItsObject(store, storage);
      }
      assert.deepEqual(
        (await storage.listOrphans()).map((o) => o.key),
        [storage.snapshotKey(13n)],
      );

      // Delete: the manifest goes first; if it fails, nothing is deleted.
      const before = await remoteManifestBytes(store, storage);
      faulty.inject({ operation: 'put', key: /manifest\.json$/, times: 1 });
      await assert.rejects(storage.delete([1n]));
      faulty.clear();
      assert.equal(await remoteManifestBytes(store, storage), before);
      assert.ok(await store.head(storage.snapshotKey(1n)));
      // If the object deletion fails, the entry is gone and the object is an orphan.
      faulty.inject({ operation: 'deleteMany', times: 1 });
      await assert.rejects(
        storage.delete([1n]),
        (e: unknown) => isBackupError(e, 'STORAGE_UNAVAILABLE') && /orphans/.test(e.message),
      );
      faulty.clear();
      assert.deepEqual((await storage.refreshManifest()).snapshot_metadata, []);
      assert.ok(await store.head(storage.snapshotKey(1n)));
      await assertEveryEntryHasItsObject(store, storage);
      assert.deepEqual(
        (await storage.listOrphans()).map((o) => o.key).sort(),
        [storage.snapshotKey(1n), storage.snapshotKey(13n)].sort(),
      );
    });

    it('reports a corrupt manifest clearly and writes nothing', async () => {
      const dir = `${DIR}/corrupt`;
      for (const garbage of [
        '{"manifest_id": 1, "snapshot_metadata": [{"id": "x"}]}',
        '{not json',
        '{"manifest_id": -1, "snapshot_metadata": []}',
      ]) {
        await store.deleteMany([`${dir}/manifest.json`]);
        await store.put(`${dir}/manifest.json`, garbage);
        await assert.rejects(
          MetaSnapshotStorage.open(store, dir),
          (e: unknown) => isBackupError(e, 'CORRUPT_MANIFEST') && e.message.includes('manifest.json'),
        );
      }
      const storage = await MetaSnapshotStorage.open(store, `${DIR}/corrupt-later`);
      await store.put(storage.manifestKey, '[]');
      await assert.rejects(storage.create(1n, snapshotBody(1n), snapshotMetadata(1n)), (e: unknown) =>
        isBackupError(e, 'CORRUPT_MANIFEST'),
      );
      assert.equal(await store.head(storage.snapshotKey(1n)), null);
      assert.equal(await remoteManifestBytes(store, storage), '[]');
    });

    it('rejects bad storage directories', async () => {
      for (const dir of ['', '/', 'a/../b', 'a//b', './x']) {
        await assert.rejects(
          MetaSnapshotStorage.open(store, dir),
          (e: unknown) => isBackupError(e, 'INVALID_CONFIG'),
          dir,
        );
      }
    });

    it('loses no update when writers race on one manifest', async () => {
      const dir = `${DIR}/race`;
      if (backend.name === 'memory') {
        // One process: two instances with their own caches.
        const [a, b] = await Promise.all([MetaSnapshotStorage.open(store, dir), MetaSnapshotStorage.open(store, dir)]);
        await Promise.all([
          ...[1n, 2n, 3n, 4n, 5n, 6n].map((id) => a.create(id, snapshotBody(id), snapshotMetadata(id))),
          ...[11n, 12n, 13n, 14n, 15n, 16n].map((id) => b.create(id, snapshotBody(id), snapshotMetadata(id))),
        ]);
        const manifest = await a.refreshManifest();
        assert.deepEqual(
          manifest.snapshot_metadata.map((s) => s.id).sort((x, y) => Number(x - y)),
          [1n, 2n, 3n, 4n, 5n, 6n, 11n, 12n, 13n, 14n, 15n, 16n],
        );
        assert.equal(manifest.manifest_id, 12n);
        return;
      }
      const writer = path.join(import.meta.dirname, 'support/manifest-writer.ts');
      const count = 24;
      const startAt = String(Date.now() + 3000);
      await Promise.all(
        [100, 200, 300].map((first) =>
          run(process.execPath, ['--import', 'tsx', writer, url, dir, String(first), String(count), startAt], {
            env: process.env,
          }),
        ),
      );
      const storage = await MetaSnapshotStorage.open(store, dir);
      const manifest = storage.manifest();
      const expected = [100, 200, 300].flatMap((first) =>
        Array.from({ length: count }, (_, i) => BigInt(first + i)).filter((_, i) => i % 2 === 0),
      );
      assert.deepEqual(
        manifest.snapshot_metadata.map((s) => s.id).sort((x, y) => Number(x - y)),
        expected,
      );
      // Every create and every delete bumped the id exactly once.
      assert.equal(manifest.manifest_id, BigInt(3 * (count + 1)));
      await assertEveryEntryHasItsObject(store, storage);
    });
  });
}
