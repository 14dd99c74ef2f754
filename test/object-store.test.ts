// The ObjectStore contract, on memory, fs:// and the real S3 server.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { isObjectStoreError, listAll, openObjectStore, type ObjectStore } from '../lib/object-store/index.ts';
import { FaultInjectingObjectStore } from '../lib/object-store/fault-injecting-store.ts';
import { S3ObjectStore, type StorageDeadlines } from '../lib/object-store/s3-store.ts';
import { storeBackends } from './support/stores.ts';

async function* chunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function readAll(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

for (const backend of storeBackends) {
  describe(`object store: ${backend.name}`, () => {
    let store: ObjectStore;
    before(async () => {
      store = backend.open(await backend.freshUrl());
    });
    after(() => store.close());

    it('creates an object and refuses to overwrite it', async () => {
      const { etag } = await store.put('d/a.json', '{"v":1}');
      assert.ok(etag);
      await assert.rejects(store.put('d/a.json', '{"v":2}'), (e: unknown) => isObjectStoreError(e, 'ALREADY_EXISTS'));
      const got = await store.get('d/a.json');
      assert.equal(text(got.body), '{"v":1}');
      assert.equal(got.etag, etag);
    });

    it('replaces an object only while its ETag still matches', async () => {
      const first = await store.put('d/m.json', 'one');
      const second = await store.put('d/m.json', 'two', { ifMatch: first.etag });
      assert.notEqual(second.etag, first.etag);
      await assert.rejects(store.put('d/m.json', 'stale', { ifMatch: first.etag }), (e: unknown) =>
        isObjectStoreError(e, 'PRECONDITION_FAILED'),
      );
      await assert.rejects(store.put('d/none.json', 'x', { ifMatch: first.etag }), (e: unknown) =>
        isObjectStoreError(e, 'PRECONDITION_FAILED'),
      );
      assert.equal(text((await store.get('d/m.json')).body), 'two');
      assert.equal((await store.get('d/m.json')).etag, second.etag);
    });

    it('writes a body made in pieces, under the same conditions as a whole one', async () => {
      // Above 16 MiB S3 takes it as a stream; the second body goes as one buffer.
      const bytes = randomBytes(17 * 1024 * 1024 + 17);
      // Chunks of odd sizes, made again for each pass the store takes over them.
      const pieces = (source: Uint8Array) => ({
        *chunks() {
          for (let at = 0; at < source.length; at += 700_001) yield source.subarray(at, at + 700_001);
        },
      });
      const first = await store.put('d/pieces.bin', pieces(bytes));
      assert.ok(Buffer.from((await store.get('d/pieces.bin')).body).equals(bytes));
      await assert.rejects(store.put('d/pieces.bin', pieces(bytes)), (e: unknown) =>
        isObjectStoreError(e, 'ALREADY_EXISTS'),
      );
      const next = randomBytes(1_000_003);
      const second = await store.put('d/pieces.bin', pieces(next), { ifMatch: first.etag });
      await assert.rejects(store.put('d/pieces.bin', pieces(bytes), { ifMatch: first.etag }), (e: unknown) =>
        isObjectStoreError(e, 'PRECONDITION_FAILED'),
      );
      const got = await store.get('d/pieces.bin');
      assert.ok(Buffer.from(got.body).equals(next));
      assert.equal(got.etag, second.etag);
    });

    it('writes a body read once as it is made, and nothing when it fails midway', async () => {
      // Above 16 MiB S3 sends it as a stream from a spooled file; below, as one buffer.
      const bytes = randomBytes(17 * 1024 * 1024 + 5);
      const spools = () => fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith('mbc-put-')).length;
      const spoolsBefore = spools();
      const first = await store.put('d/streamed.bin', { stream: chunksOf(bytes, 999_983) });
      assert.ok(Buffer.from((await store.get('d/streamed.bin')).body).equals(bytes));
      await assert.rejects(store.put('d/streamed.bin', { stream: chunksOf(bytes, 1 << 20) }), (e: unknown) =>
        isObjectStoreError(e, 'ALREADY_EXISTS'),
      );
      const next = randomBytes(2_000_003);
      const failing = (async function* () {
        yield next.subarray(0, 1_000_000);
        throw new Error('the old manifest was cut');
      })();
      await assert.rejects(store.put('d/streamed.bin', { stream: failing }, { ifMatch: first.etag }));
      assert.equal((await store.get('d/streamed.bin')).etag, first.etag, 'a failed body replaces nothing');
      const second = await store.put('d/streamed.bin', { stream: chunksOf(next, 65_536) }, { ifMatch: first.etag });
      await assert.rejects(
        store.put('d/streamed.bin', { stream: chunksOf(bytes, 65_536) }, { ifMatch: first.etag }),
        (e: unknown) => isObjectStoreError(e, 'PRECONDITION_FAILED'),
      );
      const got = await store.get('d/streamed.bin');
      assert.ok(Buffer.from(got.body).equals(next));
      assert.equal(got.etag, second.etag);
      assert.equal(spools(), spoolsBefore, 'no spooled body is left behind');
    });

    it('revalidates a cached copy: nothing while the ETag holds, the new body as a stream once it changed', async () => {
      const streamed = async (body: AsyncIterable<Uint8Array>) => {
        const chunks: Uint8Array[] = [];
        for await (const chunk of body) chunks.push(chunk);
        return text(Buffer.concat(chunks));
      };
      const first = await store.put('d/c.json', 'one');
      const whole = await store.streamIfChanged('d/c.json');
      assert.equal(await streamed(whole!.body), 'one');
      assert.equal(whole!.etag, first.etag);
      assert.equal(await store.streamIfChanged('d/c.json', first.etag), null);
      const second = await store.put('d/c.json', 'two', { ifMatch: first.etag });
      const changed = await store.streamIfChanged('d/c.json', first.etag);
      assert.equal(await streamed(changed!.body), 'two');
      assert.equal(changed!.etag, second.etag);
      assert.equal(await store.streamIfChanged('d/c.json', second.etag), null);
      await assert.rejects(store.streamIfChanged('d/gone.json', second.etag), (e: unknown) =>
        isObjectStoreError(e, 'NOT_FOUND'),
      );
    });

    it('streams a large upload (multipart on S3) and reads it back whole, by range and as a stream', async () => {
      const body = randomBytes(19 * 1024 * 1024 + 123);
      const { size, etag } = await store.upload('d/big.snapshot', chunksOf(body, 1 << 20));
      assert.equal(size, body.length);
      assert.ok(etag);
      assert.equal((await store.head('d/big.snapshot'))?.size, body.length);
      assert.ok(Buffer.from((await store.get('d/big.snapshot')).body).equals(body));
      assert.ok(Buffer.from(await store.getRange('d/big.snapshot', 5, 1_000_005)).equals(body.subarray(5, 1_000_005)));
      assert.ok(
        Buffer.from(await store.getRange('d/big.snapshot', body.length - 8, body.length)).equals(body.subarray(-8)),
      );
      assert.ok((await readAll(await store.stream('d/big.snapshot'))).equals(body));
      await assert.rejects(store.upload('d/big.snapshot', chunksOf(body.subarray(0, 10), 5)), (e: unknown) =>
        isObjectStoreError(e, 'ALREADY_EXISTS'),
      );
    });

    it('leaves nothing behind when an upload body fails midway', async () => {
      const faulty = new FaultInjectingObjectStore(store).inject({ operation: 'upload', afterBytes: 9 * 1024 * 1024 });
      await assert.rejects(
        faulty.upload('d/cut.snapshot', chunksOf(randomBytes(12 * 1024 * 1024), 1 << 20)),
        /injected fault/,
      );
      assert.equal(await store.head('d/cut.snapshot'), null);
      const keys = (await store.listPage('d/')).objects.map((o) => o.key);
      assert.ok(!keys.includes('d/cut.snapshot'));
    });

    it('aborts an upload when its signal fires', async () => {
      const controller = new AbortController();
      async function* slow() {
        yield randomBytes(1024);
        controller.abort();
        yield randomBytes(1024);
      }
      await assert.rejects(store.upload('d/aborted.snapshot', slow(), { signal: controller.signal }), (e: unknown) =>
        isObjectStoreError(e, 'ABORTED'),
      );
      assert.equal(await store.head('d/aborted.snapshot'), null);
    });

    it('reports missing objects as NOT_FOUND and head as null', async () => {
      assert.equal(await store.head('d/missing'), null);
      await assert.rejects(store.get('d/missing'), (e: unknown) => isObjectStoreError(e, 'NOT_FOUND'));
      await assert.rejects(store.stream('d/missing'), (e: unknown) => isObjectStoreError(e, 'NOT_FOUND'));
    });

    it('lists by prefix in key order with pagination', async () => {
      const keys = Array.from({ length: 23 }, (_, i) => `list/k${String(i).padStart(3, '0')}`);
      for (const key of [...keys].reverse()) await store.put(key, key);
      await store.put('listing/other', 'x');
      const pages = [];
      let after: string | undefined;
      do {
        const page = await store.listPage('list/', { after, limit: 5 });
        pages.push(page.objects.map((o) => o.key));
        after = page.next;
      } while (after);
      assert.deepEqual(pages.flat(), keys);
      assert.equal(pages.length, 5);
      const all = [];
      for await (const object of listAll(store, 'list')) all.push(object.key);
      assert.deepEqual(all, [...keys, 'listing/other']);
      const first = (await store.listPage('list/k000')).objects[0]!;
      assert.equal(first.size, 'list/k000'.length);
    });

    it('deletes in batches, ignoring keys that do not exist', async () => {
      const keys = Array.from({ length: 1100 }, (_, i) => `del/${i}`);
      await Promise.all(keys.slice(0, 30).map((key) => store.put(key, 'x')));
      await store.deleteMany([...keys, 'del/never-existed']);
      assert.deepEqual((await store.listPage('del/')).objects, []);
    });

    it('rejects invalid keys', async () => {
      for (const key of ['', '/abs', 'a//b', 'a/../b', './a']) {
        await assert.rejects(store.put(key, 'x'), (e: unknown) => isObjectStoreError(e, 'INVALID_KEY'), key);
      }
    });
  });
}

describe('object store: unreachable S3 endpoint', () => {
  it('fails with UNAVAILABLE and a masked URL', async () => {
    const store = openObjectStore('minio://key:topsecret@127.0.0.1:1/bucket');
    await assert.rejects(
      store.get('x'),
      (e: unknown) =>
        isObjectStoreError(e, 'UNAVAILABLE') &&
        e.message.includes('minio://key:****@127.0.0.1:1/bucket') &&
        !e.message.includes('topsecret'),
    );
    await store.close();
  });
});

describe('object store: an endpoint that is not an S3 server', () => {
  it("is refused, and a web page's 404 is never read as a missing object", async () => {
    // What the console's own port answers: an HTML 404 page to every path.
    const web = http.createServer((_req, res) =>
      res.writeHead(404, { 'content-type': 'text/html' }).end('<!DOCTYPE html><h1>404</h1>'),
    );
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    // And one that accepts connections and resets them.
    const resetting = net.createServer((socket) => socket.resetAndDestroy());
    await new Promise<void>((resolve) => resetting.listen(0, '127.0.0.1', resolve));
    const portOf = (server: net.Server) => (server.address() as net.AddressInfo).port;
    const closedPort = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    // And what an API answers without a session: a JSON 401 (the SDK fails parsing it as XML).
    const api = http.createServer((_req, res) =>
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{"code":"UNAUTHORIZED"}}'),
    );
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    const stores = [portOf(web), portOf(resetting), closedPort, portOf(api)].map((port) =>
      openObjectStore(`minio://k:secret@127.0.0.1:${port}/bucket`),
    );
    const [page, reset, closed, json] = stores as [ObjectStore, ObjectStore, ObjectStore, ObjectStore];
    try {
      const notS3 = (e: unknown) =>
        isObjectStoreError(e, 'UNAVAILABLE') && /does not answer as an S3 server/.test((e as Error).message);
      for (const store of [page, json]) {
        await assert.rejects(store.get('backup/manifest.json'), notS3);
        await assert.rejects(store.head('backup/manifest.json'), notS3);
        await assert.rejects(store.checkLocation('backup/'), notS3);
        await assert.rejects(store.listPage('backup/'), notS3);
      }
      // Refused and reset read the same: the errors do not map which ports are open.
      const messageOf = async (store: ObjectStore) => {
        const error = await store.get('backup/manifest.json').then(
          () => assert.fail('read a manifest from nowhere'),
          (e: unknown) => e as Error,
        );
        assert.ok(isObjectStoreError(error, 'UNAVAILABLE'), error.message);
        return error.message.replace(/127\.0\.0\.1:\d+/, 'HOST');
      };
      assert.equal(await messageOf(reset), await messageOf(closed));
      assert.match(await messageOf(closed), /no S3 server answered$/);
    } finally {
      for (const store of stores) await store.close();
      web.close();
      resetting.close();
      api.close();
    }
  });
});

describe('object store: an S3 endpoint that stops answering', () => {
  /**
   * Runs `use` on a store whose server accepts connections and reads requests but never answers
   * (as a full Ceph cluster, or a SIGSTOPped radosgw, does); closes both afterwards.
   */
  async function withSilentStore(
    deadlines: Partial<StorageDeadlines>,
    use: (store: S3ObjectStore, port: number) => Promise<void>,
  ) {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('data', () => undefined).on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const store = new S3ObjectStore({
      bucket: 'silent',
      displayUrl: `minio://127.0.0.1:${port}/silent`,
      endpoint: `http://127.0.0.1:${port}`,
      credentials: { accessKeyId: 'k', secretAccessKey: 's' },
      deadlines,
    });
    try {
      await use(store, port);
    } finally {
      await store.close();
      for (const socket of sockets) socket.destroy();
      server.close();
    }
  }

  it('fails the request once the connection has been silent for the idle timeout, instead of hanging', async () => {
    await withSilentStore({ idleMs: 300, callMs: 60_000 }, async (store, port) => {
      await assert.rejects(
        store.put('manifest.json', 'x'),
        (e: unknown) =>
          isObjectStoreError(e, 'UNAVAILABLE') &&
          e.message.startsWith(`cannot write manifest.json in minio://127.0.0.1:${port}/silent: `),
      );
    });
  });

  it('gives every call a deadline, retries included, and names it', async () => {
    await withSilentStore({ idleMs: 60_000, callMs: 400 }, async (store) => {
      for (const [call, what] of [
        [() => store.get('manifest.json'), 'a read of manifest.json'],
        [() => store.head('a.snapshot'), 'a stat of a.snapshot'],
        [() => store.listPage('dir/'), 'a listing of dir/'],
        [() => store.deleteMany(['a.snapshot']), 'a delete in a.snapshot'],
        [() => store.put('manifest.json', 'x'), 'a write of manifest.json'],
      ] as const) {
        const started = performance.now();
        await assert.rejects(
          call(),
          (e: unknown) =>
            isObjectStoreError(e, 'UNAVAILABLE') && e.message.includes(`did not answer ${what} within 0.4 s`),
          what,
        );
        assert.ok(
          performance.now() - started < 3000,
          `${what} ended after ${Math.round(performance.now() - started)} ms`,
        );
      }
    });
  });

  it('ends an upload at once when it is cancelled, whatever the server does', async () => {
    await withSilentStore({ idleMs: 60_000, callMs: 60_000 }, async (store) => {
      const controller = new AbortController();
      async function* body() {
        for (let i = 0; i < 4; i++) yield new Uint8Array(4 * 1024 * 1024);
      }
      const started = performance.now();
      const upload = store.upload('1.snapshot', body(), { signal: controller.signal });
      setTimeout(() => controller.abort(), 200);
      await assert.rejects(upload, (e: unknown) => isObjectStoreError(e, 'ABORTED'));
      assert.ok(
        performance.now() - started < 3000,
        `the cancelled upload ended after ${Math.round(performance.now() - started)} ms`,
      );
    });
  });
});
