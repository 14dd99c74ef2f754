// BackupManager against SQLite and PostgreSQL, with fs:// and the real S3 server.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { BackupManager } from '../lib/backup/backup-manager.ts';
import { isBackupError } from '../lib/backup/errors.ts';
import { parseJson64 } from '../lib/backup/json64.ts';
import { decodeSnapshotTables } from '../lib/backup/snapshot-contents.ts';
import type { MetaStore } from '../lib/meta/client.ts';
import { FaultInjectingObjectStore } from '../lib/object-store/fault-injecting-store.ts';
import { unsealStorageUrl } from '../lib/object-store/sealed-secrets.ts';
import { installSstWindow, seededMetaStore, windowIds, type MetaKind } from './support/meta-fixtures.ts';
import { ctlOn } from './support/ctl.ts';
import { freshBucketUrl, freshDirectory } from './support/services.ts';

const support = (file: string) => path.join(import.meta.dirname, 'support', file);
const COMBOS: { kind: MetaKind; storage: 'fs' | 's3' }[] = [
  { kind: 'sqlite', storage: 'fs' },
  { kind: 'postgresql', storage: 's3' },
  { kind: 'sqlite', storage: 's3' },
  { kind: 'postgresql', storage: 'fs' },
];

async function backupLocation(storage: 'fs' | 's3') {
  return {
    url: storage === 'fs' ? `fs://${freshDirectory()}` : await freshBucketUrl(),
    directory: 'hummock_001/backup',
  };
}

async function expectCode(promise: Promise<unknown>, code: string, message?: RegExp) {
  await assert.rejects(
    promise,
    (e: unknown) => isBackupError(e, code as never) && (!message || message.test(e.message)),
  );
}

async function safePoints(meta: MetaStore) {
  return meta.prisma.hummockVersionSafePoint.findMany();
}

for (const { kind, storage } of COMBOS) {
  describe(`backup manager: ${kind} + ${storage}`, () => {
    let meta: MetaStore;
    let manager: BackupManager;
    before(async () => {
      meta = await seededMetaStore(kind, await backupLocation(storage));
      manager = new BackupManager({ meta, heartbeatMs: 100 });
    });
    after(async () => {
      await manager.close();
      await meta.close();
    });

    it('runs a job to SUCCEEDED and records it as history and as a manifest entry', async () => {
      const versionBefore = (await meta.prisma.hummockVersion.findUniqueOrThrow({ where: { id: 1 } })).version_id;
      const id = await manager.startBackupJob({ remarks: '  nightly ü  ', startedBy: 'alice' });
      assert.equal(id, 1n);
      const job = await manager.waitForJob(id, { pollMs: 20 });
      assert.equal(job.status, 'SUCCEEDED');
      assert.equal(job.remarks, 'nightly ü');
      assert.equal(job.startedBy, 'alice');
      assert.ok(job.finishedAt && job.snapshotBytes && job.snapshotBytes > 0n);
      assert.equal(job.bytesWritten, job.snapshotBytes);
      assert.ok(job.rowsWritten > 100n);
      assert.deepEqual(await safePoints(meta), []);
      const entry = await manager.getSnapshot(id);
      assert.equal(entry.hummock_version_id, versionBefore);
      assert.equal(entry.remarks, 'nightly ü');
      assert.equal(entry.size_bytes, job.snapshotBytes);
      const current = (
        await meta.prisma.hummockSstableInfo.findMany({ select: { object_id: true }, orderBy: { object_id: 'asc' } })
      ).map((s) => s.object_id);
      assert.equal(entry.sst_count, current.length);
      assert.deepEqual(Array.from(await manager.snapshotSstIds(id)), current);
      const tables = await meta.prisma.hummockStateTableInfo.findMany();
      assert.equal(entry.state_table_count, tables.length);
      // The manifest itself lists every state table with its epoch and group.
      const storage = await manager.storage();
      const { parseManifest } = await import('../lib/backup/manifest-parse.ts');
      const written = parseManifest((await storage.store.get(storage.manifestKey)).body).snapshot_metadata[0]!;
      assert.deepEqual(
        written.state_table_info,
        Object.fromEntries(
          tables.map((t) => [
            String(t.table_id),
            { committed_epoch: t.committed_epoch, compaction_group_id: t.compaction_group_id },
          ]),
        ),
      );
      assert.equal((await meta.prisma.hummockSequence.findUniqueOrThrow({ where: { name: 'meta_backup' } })).seq, 2n);
      assert.deepEqual(await manager.getJobStatus(id), { id, status: 'SUCCEEDED', message: '' });
      assert.deepEqual(await manager.getJobStatus(999n), { id: 999n, status: 'NOT_FOUND', message: '' });
    });

    it('decodes a snapshot back to exactly the rows it was built from', async () => {
      const id = await manager.startBackupJob({ remarks: 'rows' });
      await manager.waitForJob(id, { pollMs: 20 });
      const rows = new Map<string, unknown[]>();
      await decodeSnapshotTables(await (await manager.storage()).stream(id), {
        row: (table, json) => void (rows.get(table) ?? rows.set(table, []).get(table)!).push(parseJson64(json)),
      });
      const ssts = await meta.prisma.hummockSstableInfo.findMany({ orderBy: { sst_id: 'asc' } });
      assert.deepEqual(
        rows.get('hummock_sstable_info'),
        ssts.map((s) => ({
          ...s,
          object_id: s.object_id,
          sst_id: s.sst_id,
          file_size: Number(s.file_size),
          compaction_group_id: Number(s.compaction_group_id),
        })),
      );
      const workers = await meta.prisma.worker.findMany({ orderBy: { worker_id: 'asc' } });
      assert.deepEqual(
        rows.get('worker'),
        workers.map((w) => ({ ...w, started_at: w.started_at?.toISOString() ?? null })),
      );
      assert.equal(rows.get('user')!.length, 2);
      assert.equal((rows.get('relation') as { relation_id: number }[]).length, await meta.prisma.relation.count());
    });

    it('refuses a second job while one runs, and bad remarks', async () => {
      const slow = new BackupManager({
        meta,
        heartbeatMs: 100,
        wrapStore: (s) => new FaultInjectingObjectStore(s).inject({ operation: 'upload', delayMs: 150 }),
      });
      const id = await slow.startBackupJob({ remarks: 'slow' });
      await expectCode(
        manager.startBackupJob(),
        'CONCURRENT_JOB',
        new RegExp(`^concurrent backup job is not supported: existent job ${id}$`),
      );
      await expectCode(slow.startBackupJob(), 'CONCURRENT_JOB');
      assert.equal((await slow.waitForJob(id, { pollMs: 20 })).status, 'SUCCEEDED');
      await slow.close();
      await expectCode(manager.startBackupJob({ remarks: 'x'.repeat(501) }), 'INVALID_INPUT', /at most 500/);
      await expectCode(manager.startBackupJob({ remarks: 'bell \u0007' }), 'INVALID_INPUT', /control characters/);
    });

    it('cancels a running job: no manifest entry, no object, safe point released', async () => {
      const slow = new BackupManager({
        meta,
        heartbeatMs: 50,
        wrapStore: (s) => new FaultInjectingObjectStore(s).inject({ operation: 'upload', delayMs: 400 }),
      });
      const before = await manager.manifest();
      const id = await slow.startBackupJob({ remarks: 'cancel me' });
      assert.equal((await safePoints(meta)).length, 1);
      // Cancelled from another instance (as from another process): through the database.
      const cancelling = await manager.cancelJob(id);
      assert.equal(cancelling.cancelRequested, true);
      const job = await slow.waitForJob(id, { pollMs: 20 });
      assert.equal(job.status, 'CANCELLED');
      assert.match(job.error!, /cancelled/);
      await slow.close();
      const afterCancel = await manager.manifest();
      assert.deepEqual(
        afterCancel.snapshot_metadata.map((s) => s.id),
        before.snapshot_metadata.map((s) => s.id),
      );
      assert.equal(await (await manager.storage()).store.head(`hummock_001/backup/${id}.snapshot`), null);
      assert.deepEqual(await safePoints(meta), []);
      await expectCode(manager.cancelJob(id), 'INVALID_INPUT', /not running \(CANCELLED\)/);
      await expectCode(manager.cancelJob(424242n), 'NOT_FOUND');
    });

    it('keeps every job as history, newest first', async () => {
      const jobs = await manager.listJobs();
      assert.deepEqual(
        jobs.map((j) => j.status),
        ['CANCELLED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED'],
      );
      assert.deepEqual(
        jobs.map((j) => j.id),
        [4n, 3n, 2n, 1n],
      );
      assert.deepEqual(
        (await manager.listJobs({ before: 3n, limit: 1 })).map((j) => j.id),
        [2n],
      );
    });

    it('lists pinned SSTs as the exact union over the manifest, and releases them on delete', async () => {
      const first = (await manager.manifest()).snapshot_metadata.map((s) => s.id);
      const { simulateStep } = await import('../lib/meta/demo-cluster.ts');
      const step = await simulateStep(meta.prisma, { relations: 1, flush: 4, compact: 6 });
      const id = await manager.startBackupJob({ remarks: 'after compaction' });
      await manager.waitForJob(id, { pollMs: 20 });
      const manifest = await manager.manifest();
      const union = new Set<bigint>();
      for (const s of manifest.snapshot_metadata) for (const sst of await manager.snapshotSstIds(s.id)) union.add(sst);
      const lastSsts = await manager.snapshotSstIds(id);
      const page1 = await manager.listPinnedSsts({ limit: 7 });
      assert.equal(page1.total, union.size);
      const all = [...page1.items];
      for (let next = page1.next; next !== null; ) {
        const page = await manager.listPinnedSsts({ after: next, limit: 7 });
        all.push(...page.items);
        next = page.next;
      }
      assert.deepEqual(
        all.map((p) => p.objectId),
        [...union].sort((a, b) => (a < b ? -1 : 1)),
      );
      for (const removed of step.removed) assert.deepEqual(all.find((p) => p.objectId === removed)!.snapshotIds, first);
      for (const added of step.added) assert.deepEqual(all.find((p) => p.objectId === added)!.snapshotIds, [id]);

      // GC may delete an SST only when no snapshot pins it.
      const candidates = [...step.removed, 12345n, 12345n];
      assert.deepEqual(await manager.gcDeletableSsts(candidates), [12345n]);
      await manager.deleteSnapshots([...first, 777777n]);
      assert.deepEqual(await manager.gcDeletableSsts(candidates), [...step.removed, 12345n]);
      const after = await manager.listPinnedSsts({ limit: 100_000 });
      assert.deepEqual(
        after.items.map((p) => p.objectId),
        [...lastSsts],
      );
      await expectCode(manager.deleteSnapshots([]), 'INVALID_INPUT');
    });

    it('protects the SSTs of a version a running backup holds from GC', async () => {
      const id = 900n;
      await manager.deleteSnapshots((await manager.manifest()).snapshot_metadata.map((s) => s.id)); // no pins
      const { registerSafePoint, releaseSafePoint } = await import('../lib/meta/safe-points.ts');
      await registerSafePoint(meta.prisma, `test-${id}`);
      const { simulateStep } = await import('../lib/meta/demo-cluster.ts');
      const step = await simulateStep(meta.prisma, { relations: 0, flush: 1, compact: 2 });
      assert.deepEqual(await manager.gcDeletableSsts(step.removed), []);
      await releaseSafePoint(meta.prisma, `test-${id}`);
      assert.deepEqual(await manager.gcDeletableSsts(step.removed), step.removed);
    });

    it('reads a running job again after a tenth of a second, and a finished one once', async () => {
      const id = await manager.startBackupJob({ remarks: 'polled', detach: true });
      const first = (await manager.getJob(id))!;
      assert.equal(first.rowsWritten, 0n);
      // Polls right after share that read; progress its runner writes shows once it is 100 ms old.
      assert.equal(await manager.getJob(id), first);
      await meta.prisma.backupJob.update({ where: { id }, data: { rows_written: 42n } });
      await new Promise((resolve) => setTimeout(resolve, 150));
      assert.equal((await manager.getJob(id))!.rowsWritten, 42n);
      // This process's own runner ends the job: its polls see that at once.
      await manager.runJob(id);
      const finished = (await manager.getJob(id))!;
      assert.equal(finished.status, 'SUCCEEDED');
      // Nothing writes a finished job's row (a write here stands in for a bug that would): polls
      // are answered from memory, while a process that never read it sees the row.
      await meta.prisma.backupJob.update({ where: { id }, data: { remarks: 'rewritten' } });
      assert.equal((await manager.getJob(id))!.remarks, 'polled');
      const other = new BackupManager({ meta });
      assert.equal((await other.getJob(id))!.remarks, 'rewritten');
      await other.close();
    });
  });
}

for (const { kind, storage } of COMBOS.slice(0, 2)) {
  describe(`backup manager under load and failure: ${kind} + ${storage}`, () => {
    it('never mixes two states of a meta store that changes during the backup', async () => {
      const meta = await seededMetaStore(kind, await backupLocation(storage));
      const size = 30_000;
      await installSstWindow(meta, size);
      const writer = spawn(process.execPath, ['--import', 'tsx', support('window-writer.ts'), meta.url, String(size)], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const lines = readline.createInterface({ input: writer.stdout! })[Symbol.asyncIterator]();
      assert.equal((await lines.next()).value, 'ready');
      const manager = new BackupManager({ meta, heartbeatMs: 100 });
      try {
        const ids = [];
        for (let i = 0; i < 3; i++) {
          const versionAtStart = (await meta.prisma.hummockVersion.findUniqueOrThrow({ where: { id: 1 } })).version_id;
          const id = await manager.startBackupJob({ remarks: `under load ${i}` });
          assert.equal((await manager.waitForJob(id, { pollMs: 20 })).status, 'SUCCEEDED');
          const versionAtEnd = (await meta.prisma.hummockVersion.findUniqueOrThrow({ where: { id: 1 } })).version_id;
          assert.ok(versionAtEnd > versionAtStart + 1n, 'the writer committed while the backup ran');
          ids.push(id);
        }
        for (const id of ids) {
          let version: bigint | undefined;
          let catalog: bigint | undefined;
          const ssts: bigint[] = [];
          await decodeSnapshotTables(await (await manager.storage()).stream(id), {
            row(table, json) {
              const row = parseJson64(json) as Record<string, unknown>;
              if (table === 'hummock_version') version = BigInt(row.version_id as number);
              if (table === 'catalog_version' && row.name === 'catalog') catalog = BigInt(row.version as number);
              if (table === 'hummock_sstable_info') ssts.push(BigInt(row.object_id as bigint));
            },
          });
          assert.equal(catalog, version, `snapshot ${id}: catalog and Hummock versions come from one state`);
          assert.deepEqual(
            ssts,
            windowIds(version!, size),
            `snapshot ${id}: the SSTs are exactly those of version ${version}`,
          );
          const entry = await manager.getSnapshot(id);
          assert.equal(entry.hummock_version_id, version);
          assert.deepEqual(Array.from(await manager.snapshotSstIds(id)), ssts);
        }
      } finally {
        writer.kill('SIGTERM');
        await new Promise((resolve) => writer.once('exit', resolve));
        await manager.close();
        await meta.close();
      }
    });

    it('a job whose process gets SIGTERM mid-upload ends FAILED at once, with no manifest entry and its safe point released', async () => {
      const meta = await seededMetaStore(kind, await backupLocation(storage));
      await installSstWindow(meta, 20_000);
      const child: ChildProcess = spawn(
        process.execPath,
        ['--import', 'tsx', support('slow-backup.ts'), meta.url, 'sigterm'],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      const lines = readline.createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
      const id = BigInt(String((await lines.next()).value).replace('started ', ''));
      const manager = new BackupManager({ meta }); // the default 30 s lease: no waiting it out
      try {
        for (;;) {
          const job = (await manager.getJob(id))!;
          assert.equal(job.status, 'RUNNING', 'the job is still uploading');
          if (job.bytesWritten > 0n) break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        const signalled = Date.now();
        child.kill('SIGTERM');
        const code = await new Promise((resolve) => child.once('exit', resolve));
        assert.equal(code, 0, 'the process exits by itself');
        assert.ok(Date.now() - signalled < 5_000, `shut down in ${Date.now() - signalled} ms`);
        const job = (await manager.getJob(id))!;
        assert.equal(job.status, 'FAILED');
        assert.match(job.error!, /its process shut down/);
        assert.deepEqual(await safePoints(meta), []);
        assert.deepEqual((await manager.manifest()).snapshot_metadata, []);
      } finally {
        child.kill('SIGKILL');
        await manager.close();
        await meta.close();
      }
    });

    it('a job killed with SIGKILL mid-upload leaves no manifest entry and is FAILED with its safe point released after the lease', async () => {
      const meta = await seededMetaStore(kind, await backupLocation(storage));
      await installSstWindow(meta, 20_000);
      const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', support('slow-backup.ts'), meta.url], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const lines = readline.createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
      const started = String((await lines.next()).value);
      const id = BigInt(started.replace('started ', ''));
      const manager = new BackupManager({ meta, leaseMs: 1_500 });
      try {
        for (;;) {
          const job = (await manager.getJob(id))!;
          assert.equal(job.status, 'RUNNING', 'the job is still uploading');
          if (job.bytesWritten > 0n) break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        child.kill('SIGKILL');
        await new Promise((resolve) => child.once('exit', resolve));
        assert.equal((await manager.getJob(id))!.status, 'RUNNING', 'within the lease it still looks alive');
        await new Promise((resolve) => setTimeout(resolve, 1_700));
        // Someone looks a while after the lease ran out: the job ended at its last heartbeat.
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        const job = (await manager.getJob(id))!;
        assert.equal(job.status, 'FAILED');
        assert.match(job.error!, /interrupted/);
        assert.equal(job.finishedAt!.getTime(), job.heartbeatAt.getTime(), 'a reaped job ends at its last heartbeat');
        assert.ok(
          job.durationMs < Date.now() - job.startedAt.getTime() - 2_000,
          `its duration (${job.durationMs} ms) stopped when its process did`,
        );
        assert.deepEqual(await safePoints(meta), []);
        assert.deepEqual((await manager.manifest()).snapshot_metadata, []);
        // The next job runs normally.
        const next = await manager.startBackupJob({ remarks: 'after the crash' });
        assert.equal((await manager.waitForJob(next, { pollMs: 20 })).status, 'SUCCEEDED');
      } finally {
        child.kill('SIGKILL');
        await manager.close();
        await meta.close();
      }
    });
  });
}

for (const kind of ['postgresql', 'sqlite'] as const) {
  describe(`backup manager: two processes racing, ${kind}`, () => {
    it('get exactly one job each time, 50 times', async () => {
      const meta = await seededMetaStore(kind, await backupLocation('fs'), { relations: 5, ssts: 20 });
      const racers = [0, 1].map(() => {
        const child = spawn(process.execPath, ['--import', 'tsx', support('start-racer.ts'), meta.url], {
          stdio: ['pipe', 'pipe', 'inherit'],
        });
        return { child, answers: readline.createInterface({ input: child.stdout! })[Symbol.asyncIterator]() };
      });
      const manager = new BackupManager({ meta, maxSnapshots: 100 });
      try {
        for (let round = 1; round <= 50; round++) {
          for (const racer of racers) racer.child.stdin!.write('start\n');
          const answers = await Promise.all(
            racers.map(async (r) => JSON.parse(String((await r.answers.next()).value))),
          );
          const winners = answers.filter((a) => a.won);
          assert.equal(winners.length, 1, `round ${round}: ${JSON.stringify(answers)}`);
          const loser = answers.find((a) => !a.won);
          assert.equal(loser.code, 'CONCURRENT_JOB', JSON.stringify(loser));
          assert.equal(loser.message, `concurrent backup job is not supported: existent job ${winners[0].id}`);
          await manager.runJob(BigInt(winners[0].id));
          assert.equal((await manager.getJob(BigInt(winners[0].id)))!.status, 'SUCCEEDED');
        }
        const jobs = await manager.listJobs({ limit: 100 });
        assert.equal(jobs.length, 50);
        assert.deepEqual(
          jobs.map((j) => j.id).reverse(),
          Array.from({ length: 50 }, (_, i) => BigInt(i + 1)),
        );
        assert.equal((await manager.manifest()).snapshot_metadata.length, 50);
      } finally {
        for (const racer of racers) racer.child.stdin!.end();
        await Promise.all(racers.map((r) => new Promise((resolve) => r.child.once('exit', resolve))));
        await manager.close();
        await meta.close();
      }
    });
  });
}

describe('backup manager: the snapshot limit', () => {
  it('allows the 100th snapshot and refuses the 101st start, on its boundary', async () => {
    const meta = await seededMetaStore('sqlite', await backupLocation('fs'), { relations: 2, ssts: 5 });
    const manager = new BackupManager({ meta });
    try {
      for (let i = 1; i <= 99; i++) await manager.waitForJob(await manager.startBackupJob(), { pollMs: 5 });
      assert.equal((await manager.manifest()).snapshot_metadata.length, 99);
      const hundredth = await manager.startBackupJob({ remarks: 'the 100th' });
      assert.equal((await manager.waitForJob(hundredth, { pollMs: 5 })).status, 'SUCCEEDED');
      assert.equal((await manager.manifest()).snapshot_metadata.length, 100);
      await expectCode(
        manager.startBackupJob(),
        'TOO_MANY_SNAPSHOTS',
        /^too many existent meta snapshots, expect at most 100$/,
      );
      assert.equal((await manager.listJobs({ limit: 1 }))[0]!.id, 100n, 'a refused start leaves no job behind');
      await manager.deleteSnapshots([1n]);
      const next = await manager.startBackupJob();
      assert.equal(next, 101n);
      assert.equal((await manager.waitForJob(next, { pollMs: 5 })).status, 'SUCCEEDED');
    } finally {
      await manager.close();
      await meta.close();
    }
  });
});

for (const { kind, storage } of COMBOS.slice(0, 2)) {
  describe(`backup manager: storage configuration, ${kind} + ${storage}`, () => {
    it('swaps the store live for every instance, and keeps the old one when the new one fails', async () => {
      const location = await backupLocation(storage);
      const meta = await seededMetaStore(kind, location);
      const a = new BackupManager({ meta });
      const b = new BackupManager({ meta }); // another process, in effect
      try {
        await a.waitForJob(await a.startBackupJob({ remarks: 'in the first location' }), { pollMs: 20 });
        assert.equal((await b.manifest()).snapshot_metadata.length, 1);

        const swapped = await a.setConfig({ directory: 'elsewhere/backup' });
        assert.deepEqual(swapped, {
          displayUrl: location.url.replace(/:[^:@/]+@/, ':****@'),
          directory: 'elsewhere/backup',
          snapshots: 0,
        });
        assert.equal((await b.manifest()).snapshot_metadata.length, 0, 'the other instance picked the change up');
        assert.equal((await b.listPinnedSsts()).total, 0, 'snapshots in the old location are no longer pinned');
        await b.waitForJob(await b.startBackupJob({ remarks: 'in the second location' }), { pollMs: 20 });
        assert.deepEqual(
          (await a.manifest()).snapshot_metadata.map((s) => s.remarks),
          ['in the second location'],
        );

        await expectCode(a.setConfig({ url: 'minio://key:secret@127.0.0.1:1/bucket' }), 'INVALID_CONFIG');
        await expectCode(a.setConfig({ url: 'gcs://bucket' }), 'INVALID_CONFIG', /unsupported storage scheme/);
        await expectCode(a.setConfig({ directory: '../escape' }), 'INVALID_CONFIG');
        const config = await b.getConfig();
        // As stored: the secret sealed, the same location.
        assert.deepEqual(
          { ...config, url: unsealStorageUrl(config.url) },
          { url: location.url, displayUrl: location.url.replace(/:[^:@/]+@/, ':****@'), directory: 'elsewhere/backup' },
        );
        if (storage === 's3')
          assert.ok(!config.url.includes(process.env.S3_SECRET_KEY!), 'the secret is not stored in clear');
        assert.equal((await a.manifest()).snapshot_metadata.length, 1, 'the old store stays');

        await a.setConfig({ directory: location.directory });
        assert.deepEqual(
          (await b.manifest()).snapshot_metadata.map((s) => s.remarks),
          ['in the first location'],
        );
        await a.probeStorage({ url: location.url, directory: 'probe/dir' });
        await expectCode(
          a.probeStorage({ url: 'minio://key:secret@127.0.0.1:1/bucket', directory: 'x' }),
          'INVALID_CONFIG',
        );
      } finally {
        await a.close();
        await b.close();
        await meta.close();
      }
    });
  });
}

describe('ctl', () => {
  it('exits 0 on success, 1 on failure, 2 on bad usage, with --json on stdout and errors on stderr', async () => {
    const meta = await seededMetaStore('sqlite', await backupLocation('fs'), { relations: 3, ssts: 10 });
    await meta.close();
    const ctl = ctlOn(meta.url);
    const backup = await ctl('backup', '--remarks', 'from the cli', '--wait', '--json');
    assert.equal(backup.code, 0, backup.stderr);
    const job = JSON.parse(backup.stdout);
    assert.equal(job.status, 'SUCCEEDED');
    assert.equal(job.id, '1');
    assert.equal(job.remarks, 'from the cli');

    const verified = await ctl('backup', '--wait', '--verify', '--json');
    assert.equal(verified.code, 0, verified.stderr);
    assert.deepEqual(JSON.parse(verified.stdout).verification, { ok: true, message: null });

    // Detached, the worker process verifies: `verify` travels on the job row.
    const detached = await ctl('backup', '--verify', '--json');
    assert.equal(detached.code, 0, detached.stderr);
    assert.deepEqual(JSON.parse(detached.stdout), { job_id: '3', status: 'RUNNING' });
    for (let i = 0; ; i++) {
      const status = JSON.parse((await ctl('status', '3', '--json')).stdout);
      if (status.status === 'SUCCEEDED') break;
      assert.equal(status.status, 'RUNNING');
      assert.ok(i < 100, 'the detached job ends');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    for (let i = 0; ; i++) {
      const [newest] = JSON.parse((await ctl('jobs', '--limit', '1', '--json')).stdout);
      assert.equal(newest.verify, true);
      if (newest.verification) {
        assert.deepEqual(newest.verification, { ok: true, message: null });
        break;
      }
      assert.ok(i < 100, 'the detached job verifies its snapshot');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }

    const snapshots = JSON.parse((await ctl('snapshots', '--json')).stdout);
    assert.deepEqual(
      snapshots.snapshot_metadata.map((s: { id: string }) => s.id),
      ['1', '2', '3'],
    );
    assert.equal(typeof snapshots.snapshot_metadata[0].hummock_version_id, 'string');
    assert.equal(snapshots.snapshot_metadata[0].sst_count, 10);
    const show = await ctl('show', '1', '--json');
    assert.equal(JSON.parse(show.stdout).remarks, 'from the cli');
    const pinned = JSON.parse((await ctl('pinned-ssts', '--json')).stdout);
    assert.equal(pinned.total, 10);
    assert.deepEqual(
      JSON.parse((await ctl('jobs', '--json')).stdout).map((j: { id: string }) => j.id),
      ['3', '2', '1'],
    );
    const config = JSON.parse((await ctl('config', 'get', '--json')).stdout);
    assert.equal(config.directory, 'hummock_001/backup');

    const missing = await ctl('status', '99', '--json');
    assert.equal(missing.code, 1);
    assert.equal(JSON.parse(missing.stdout).status, 'NOT_FOUND');
    const notFound = await ctl('show', '99', '--json');
    assert.equal(notFound.code, 1);
    assert.deepEqual(JSON.parse(notFound.stderr), {
      error: { code: 'NOT_FOUND', message: 'snapshot id 99 not found' },
    });
    assert.equal(notFound.stdout, '');
    const badConfig = await ctl('config', 'set', '--url', 'minio://k:hunter2@127.0.0.1:1/b');
    assert.equal(badConfig.code, 1);
    assert.match(badConfig.stderr, /^error: .*minio:\/\/k:\*\*\*\*@127\.0\.0\.1:1\/b/);
    assert.doesNotMatch(badConfig.stderr, /hunter2/);
    for (const args of [['status', 'abc'], ['frobnicate'], [], ['delete'], ['backup', '--bogus']]) {
      const usage = await ctl(...args);
      assert.equal(usage.code, 2, args.join(' '));
      assert.match(usage.stderr, /usage: npm run --silent ctl/);
    }
    const deleted = await ctl('delete', '1', '5', '--json');
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.equal(JSON.parse(deleted.stdout).remaining, 2);
  });
});

for (const kind of ['sqlite', 'postgresql'] as const) {
  describe(`backup manager: storage secrets at rest, ${kind}`, () => {
    it('keeps the storage secret sealed in the meta store and out of every snapshot, and a restore carries the sealed reference', async () => {
      const secret = process.env.S3_SECRET_KEY!;
      const meta = await seededMetaStore(
        kind,
        { url: `fs://${freshDirectory()}`, directory: 'backup' },
        { relations: 3, ssts: 10 },
      );
      const manager = new BackupManager({ meta });
      try {
        // The state store holds a secret too, as a cluster on MinIO has it.
        const bucketUrl = await freshBucketUrl();
        await meta.prisma.systemParameter.update({
          where: { name: 'state_store' },
          data: { value: `hummock+${bucketUrl}` },
        });
        await manager.setConfig({ url: bucketUrl, directory: 'secrets/backup' });
        const stored = (await meta.prisma.systemParameter.findUniqueOrThrow({ where: { name: 'backup_storage_url' } }))
          .value!;
        assert.ok(!stored.includes(secret), `the meta store holds ${stored}`);
        assert.match(stored, /^minio:\/\/[^:]+:mbcsealed\.v1\./);
        // It still works, here and for another process reading the same parameters.
        const id = await manager.startBackupJob({ remarks: 'sealed' });
        assert.equal((await manager.waitForJob(id, { pollMs: 20 })).status, 'SUCCEEDED');
        const other = new BackupManager({ meta });
        assert.equal((await other.manifest()).snapshot_metadata.length, 1);
        await other.close();

        const chunks: Buffer[] = [];
        for await (const chunk of await (await manager.storage()).stream(id)) chunks.push(chunk as Buffer);
        const bytes = Buffer.concat(chunks);
        assert.equal(bytes.indexOf(secret), -1, 'the secret is nowhere in the snapshot');
        const params = new Map<string, string>();
        await decodeSnapshotTables(Readable.from([bytes]), {
          row(table, json) {
            if (table === 'system_parameter') {
              const p = parseJson64(json) as { name: string; value: string };
              params.set(p.name, p.value);
            }
          },
        });
        for (const name of ['backup_storage_url', 'state_store']) {
          assert.match(params.get(name)!, /mbcsealed\.v1\./, `${name} is sealed in the snapshot`);
          assert.ok(unsealStorageUrl(params.get(name)!).includes(secret), `${name} opens again with the key`);
        }
        // Verify with integrity reads the sealed state store of the snapshot.
        assert.equal((await manager.verifySnapshot(id, { validateIntegrity: true })).integrityChecked, true);
      } finally {
        await manager.close();
        await meta.close();
      }
    });
  });
}
