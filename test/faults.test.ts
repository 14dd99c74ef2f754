// The fault suite: faults injected as a tester would, into the real S3 server's connections (a
// TCP proxy that refuses, stalls, cuts, answers 500s or slows), the real PostgreSQL (a backend
// killed mid-read) and a real file system (made read-only, filled up), and into the processes
// (SIGKILL, SIGTERM). After each fault the storage comes back and one invariant checker runs:
// every manifest entry has its object and verifies; no succeeded job is missing from the
// manifest; manifest_id only grew; no job is left RUNNING; the console's reads answer. Prints a
// table of fault × outcome.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { after, describe, it } from 'node:test';

// Short deadlines, so a stalled server fails a job in seconds here (the defaults: 10 s idle, 20 s per call).
process.env.STORAGE_IDLE_TIMEOUT_MS = '1500';
process.env.STORAGE_CALL_TIMEOUT_MS = '4000';

const { BackupManager } = await import('../lib/backup/backup-manager.ts');
const { isBackupError } = await import('../lib/backup/errors.ts');
const { checkStorageHealth } = await import('../lib/backup/storage-health.ts');
const { installSstWindow, seededMetaStore } = await import('./support/meta-fixtures.ts');
const { freshBucketUrl, freshDirectory, withPgClient } = await import('./support/services.ts');
const { TcpProxy } = await import('./support/tcp-proxy.ts');

type Manager = InstanceType<typeof BackupManager>;
type Meta = Awaited<ReturnType<typeof seededMetaStore>>;

const table: string[] = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

after(() => {
  console.log(`fault suite: ${table.length} faults, each followed by the invariant checker\n${table.join('\n')}`);
});

function record(fault: string, outcome: string, started: number) {
  // The cause matters in a table, not the job id or the (masked) location before it.
  const short = outcome.replace(/failed backup job \d+: /g, '').replace(/ in (?:minio|fs|s3):\/\/\S+?: /g, ': ');
  table.push(
    `${fault.padEnd(54)} ${short.slice(0, 150).padEnd(150)} ${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s`,
  );
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const until = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (performance.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** Every invariant of the store and the job table, after a fault has passed. */
class InvariantChecker {
  private lastManifestId = 0n;
  constructor(
    private readonly manager: Manager,
    private readonly meta: Meta,
  ) {}

  async check(fault: string): Promise<string[]> {
    const manifest = await this.manager.manifest();
    assert.ok(
      manifest.manifest_id >= this.lastManifestId,
      `${fault}: manifest_id went from ${this.lastManifestId} to ${manifest.manifest_id}`,
    );
    this.lastManifestId = manifest.manifest_id;
    for (const entry of manifest.snapshot_metadata) {
      const result = await this.manager.verifySnapshot(entry.id);
      assert.ok(result.ok, `${fault}: snapshot ${entry.id} does not verify: ${result.problems.join('; ')}`);
    }
    const jobs = await this.meta.prisma.backupJob.findMany({
      select: { id: true, state: true, storage_url: true, storage_directory: true },
    });
    const listed = new Set(manifest.snapshot_metadata.map((s) => s.id));
    const here = await this.manager.getConfig();
    for (const job of jobs) {
      assert.notEqual(job.state, 'RUNNING', `${fault}: job ${job.id} is left RUNNING`);
      const inThisLocation = job.storage_url === here.displayUrl && job.storage_directory === here.directory;
      if (job.state === 'SUCCEEDED' && inThisLocation)
        assert.ok(listed.has(job.id), `${fault}: succeeded job ${job.id} is not in the manifest (a lost update)`);
    }
    // What the pages read.
    await this.manager.listJobs();
    await this.manager.listPinnedSsts({ limit: 10 });
    return (await this.manager.listOrphans()).map((o) => `${o.kind}`);
  }
}

async function backupOk(manager: Manager, remarks: string): Promise<bigint> {
  const id = await manager.startBackupJob({ remarks });
  const job = await manager.waitForJob(id, { pollMs: 20 });
  assert.equal(job.status, 'SUCCEEDED', `${remarks}: ${job.error}`);
  return id;
}

/** Starts a job and waits until its upload is under way (about 12 MiB produced). */
async function startMidUpload(manager: Manager, remarks: string): Promise<bigint> {
  const id = await manager.startBackupJob({ remarks });
  await waitFor('the upload to be under way', async () => {
    const job = (await manager.getJob(id))!;
    assert.equal(job.status, 'RUNNING', `${remarks}: ended before the fault (${job.error})`);
    return job.bytesWritten > 12n * 1024n * 1024n;
  });
  return id;
}

describe('fault suite: the S3 server (radosgw behind a TCP proxy), PostgreSQL meta store', () => {
  it('survives the S3 server stopped, stalled, failing, slow and cutting connections', async () => {
    {
      const direct = new URL((await freshBucketUrl()).replace(/^minio:/, 'http:'));
      const proxy = await TcpProxy.start({ host: direct.hostname, port: Number(direct.port) });
      const url = `minio://${direct.username}:${direct.password}@127.0.0.1:${proxy.port}${direct.pathname}`;
      const meta = await seededMetaStore(
        'postgresql',
        { url, directory: 'faults/backup' },
        { relations: 20, ssts: 100 },
      );
      // About 20 MB per snapshot: several 8 MiB parts, so a fault can land mid-upload.
      await installSstWindow(meta, 80_000);
      const manager = new BackupManager({ meta, heartbeatMs: 200 });
      const checker = new InvariantChecker(manager, meta);
      try {
        let started = performance.now();
        await backupOk(manager, 'before any fault');
        await checker.check('baseline');
        record('(baseline) a backup through the proxy', 'SUCCEEDED', started);

        // Stopped before a job: refused at once, no job row.
        started = performance.now();
        proxy.setMode('refuse');
        proxy.cutAll(); // kept-alive connections too
        const jobsBefore = await meta.prisma.backupJob.count();
        await assert.rejects(manager.startBackupJob({ remarks: 'storage down' }), (e: unknown) =>
          isBackupError(e, 'STORAGE_UNAVAILABLE'),
        );
        assert.equal(await meta.prisma.backupJob.count(), jobsBefore, 'no job was started');
        const health = await checkStorageHealth(manager);
        assert.equal(health.ok, false);
        proxy.setMode('forward');
        await backupOk(manager, 'after the restart');
        await checker.check('stopped before a job');
        record(
          'S3 stopped before a job, then started',
          `refused at start (STORAGE_UNAVAILABLE), no job; health: down`,
          started,
        );

        // Stopped during the upload.
        started = performance.now();
        proxy.setMode({ delayMs: 2 });
        let id = await startMidUpload(manager, 'stopped mid-upload');
        proxy.setMode('refuse');
        proxy.cutAll();
        let job = await manager.waitForJob(id, { pollMs: 20 });
        assert.equal(job.status, 'FAILED');
        const failedAfter = (performance.now() - started) / 1000;
        proxy.setMode('forward');
        await backupOk(manager, 'after the restart');
        let orphans = await checker.check('stopped during the upload');
        record(
          'S3 stopped during the upload, then started',
          `FAILED after ${failedAfter.toFixed(1)} s: ${job.error}; orphans: ${orphans.join(', ') || 'none'}`,
          started,
        );

        // Stopped between the upload and the manifest write.
        started = performance.now();
        const snapshotsBefore = (await manager.manifest()).snapshot_metadata.length;
        const armed = { on: true };
        const hooked = new BackupManager({
          meta,
          wrapStore: (store) =>
            new Proxy(store, {
              get(target, prop, receiver) {
                const value = Reflect.get(target, prop, receiver);
                if (prop !== 'put' || typeof value !== 'function')
                  return typeof value === 'function' ? value.bind(target) : value;
                return async (key: string, ...rest: unknown[]) => {
                  if (armed.on && key.endsWith('manifest.json')) {
                    armed.on = false;
                    proxy.setMode('refuse');
                    proxy.cutAll();
                  }
                  return (value as (...args: unknown[]) => unknown).call(target, key, ...rest);
                };
              },
            }),
        });
        try {
          id = await hooked.startBackupJob({ remarks: 'stopped before the manifest write' });
          job = await hooked.waitForJob(id, { pollMs: 20 });
        } finally {
          await hooked.close();
        }
        assert.equal(job.status, 'FAILED');
        proxy.setMode('forward');
        assert.equal((await manager.manifest()).snapshot_metadata.length, snapshotsBefore, 'no entry was written');
        orphans = await checker.check('stopped between upload and manifest write');
        assert.ok(orphans.includes('object'), 'the uploaded object is named by the orphan sweep');
        await manager.deleteOrphans((await manager.listOrphans()).map((o) => o.key));
        record(
          'S3 stopped between upload and manifest write',
          `FAILED: ${job.error}; its object left as an orphan, swept`,
          started,
        );

        // Stalled (accepts, never answers) mid-upload: the deadlines end the job.
        started = performance.now();
        proxy.setMode({ delayMs: 2 });
        id = await startMidUpload(manager, 'stalled mid-upload');
        proxy.setMode('stall');
        const stalledAt = performance.now();
        const healthStarted = performance.now();
        const stalledHealth = await checkStorageHealth(manager);
        const healthSeconds = (performance.now() - healthStarted) / 1000;
        assert.equal(stalledHealth.ok, false);
        assert.ok(healthSeconds < 6, `health answered after ${healthSeconds} s`);
        job = await manager.waitForJob(id, { pollMs: 50 });
        const stallSeconds = (performance.now() - stalledAt) / 1000;
        assert.equal(job.status, 'FAILED');
        assert.ok(stallSeconds < 30, `the stalled job ended after ${stallSeconds} s`);
        proxy.setMode('forward');
        proxy.cutAll();
        await backupOk(manager, 'after the stall');
        await checker.check('stalled mid-upload');
        record(
          'S3 stalled mid-upload (connections held silent)',
          `FAILED ${stallSeconds.toFixed(1)} s into the stall; health down in ${healthSeconds.toFixed(1)} s: ${job.error}`,
          started,
        );

        // Stalled, and cancelled: cancel ends it at once.
        started = performance.now();
        proxy.setMode({ delayMs: 2 });
        id = await startMidUpload(manager, 'stalled, then cancelled');
        proxy.setMode('stall');
        await sleep(300);
        const cancelledAt = performance.now();
        await manager.cancelJob(id);
        job = await manager.waitForJob(id, { pollMs: 20 });
        const cancelSeconds = (performance.now() - cancelledAt) / 1000;
        assert.equal(job.status, 'CANCELLED');
        assert.ok(cancelSeconds < 7, `cancel took ${cancelSeconds} s`);
        proxy.setMode('forward');
        proxy.cutAll();
        await checker.check('stalled, then cancelled');
        record(
          'S3 stalled mid-upload, job cancelled',
          `CANCELLED ${cancelSeconds.toFixed(1)} s after the cancel`,
          started,
        );

        // Answering 500s.
        started = performance.now();
        proxy.setMode('http500');
        proxy.cutAll();
        await assert.rejects(
          manager.startBackupJob({ remarks: '500s' }),
          (e: unknown) => isBackupError(e, 'STORAGE_UNAVAILABLE') && /500|Internal/i.test((e as Error).message),
        );
        proxy.setMode({ delayMs: 2 });
        id = await startMidUpload(manager, '500s mid-upload');
        proxy.setMode('http500');
        proxy.cutAll();
        job = await manager.waitForJob(id, { pollMs: 20 });
        assert.equal(job.status, 'FAILED');
        proxy.setMode('forward');
        await backupOk(manager, 'after the 500s');
        await checker.check('answering 500s');
        record(
          'S3 answering HTTP 500 (before and mid-upload)',
          `refused at start; mid-upload FAILED: ${job.error}`,
          started,
        );

        // Slow.
        started = performance.now();
        proxy.setMode({ delayMs: 3 });
        await backupOk(manager, 'slow server');
        proxy.setMode('forward');
        await checker.check('slow');
        record('S3 answering slowly (3 ms per chunk each way)', 'SUCCEEDED', started);

        // Connections cut once mid-upload: the parts are retried.
        started = performance.now();
        proxy.setMode({ delayMs: 2 });
        id = await startMidUpload(manager, 'connections cut');
        proxy.cutAll();
        proxy.setMode('forward');
        job = await manager.waitForJob(id, { pollMs: 20 });
        await checker.check('connections cut');
        record(
          'S3 connections cut once mid-upload',
          job.status === 'SUCCEEDED' ? 'SUCCEEDED (parts retried)' : `${job.status}: ${job.error}`,
          started,
        );
      } finally {
        proxy.setMode('forward');
        await manager.close();
        await meta.close();
        await proxy.close();
      }
    }
  });
});

describe('fault suite: PostgreSQL', () => {
  it('a backend killed mid-read fails the job, names the database, and leaves the process alive', async () => {
    const started = performance.now();
    const meta = await seededMetaStore(
      'postgresql',
      { url: `fs://${freshDirectory()}`, directory: 'backup' },
      { relations: 20, ssts: 100 },
    );
    await installSstWindow(meta, 80_000);
    // Slow uploads keep the COPY open long enough to kill its backend.
    const { FaultInjectingObjectStore } = await import('../lib/object-store/fault-injecting-store.ts');
    const manager = new BackupManager({
      meta,
      wrapStore: (store) => new FaultInjectingObjectStore(store).inject({ operation: 'upload', delayMs: 20 }),
    });
    const checker = new InvariantChecker(new BackupManager({ meta }), meta);
    try {
      const id = await manager.startBackupJob({ remarks: 'backend killed' });
      const killed = await waitFor('the reader backend', async () => {
        const rows = await withPgClient(meta.url, (client) =>
          client.query<{ pid: number }>(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND query ILIKE 'COPY%'",
          ),
        );
        if (rows.rows.length === 0) return false;
        await withPgClient(meta.url, (client) => client.query('SELECT pg_terminate_backend($1)', [rows.rows[0]!.pid]));
        return true;
      });
      assert.ok(killed);
      const job = await manager.waitForJob(id, { pollMs: 20 });
      assert.equal(job.status, 'FAILED');
      assert.doesNotMatch(job.error!, /backup storage/i, 'the storage is not blamed');
      assert.match(job.error!, /meta store/);
      await backupOk(new BackupManager({ meta }), 'after the kill');
      await checker.check('backend killed');
      record('PostgreSQL backend of the reader killed mid-read', `FAILED: ${job.error}`, started);
    } finally {
      await manager.close();
      await meta.close();
    }
  });
});

describe('fault suite: PostgreSQL stopped', () => {
  it('a meta store that goes away mid-backup, then comes back: the job ends FAILED, nothing is half-written', async () => {
    const started = performance.now();
    const parent = freshDirectory('mbc-fault-pg-');
    fs.chmodSync(parent, 0o755); // the server runs as the postgres user
    const dir = path.join(parent, 'pg');
    const script = path.join(import.meta.dirname, '../scripts/services/postgres.sh');
    const startPg = () =>
      /DATABASE_URL=(\S+)/.exec(
        execFileSync('bash', [script, 'start', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
      )![1]!;
    const url = startPg();
    const { migrateMetaStore } = await import('../lib/meta/migrate.ts');
    const { openMetaStore } = await import('../lib/meta/client.ts');
    const { seedDemoCluster } = await import('../lib/meta/demo-cluster.ts');
    const { FaultInjectingObjectStore } = await import('../lib/object-store/fault-injecting-store.ts');
    await migrateMetaStore(url);
    const meta = openMetaStore(url);
    const location = { url: await freshBucketUrl(), directory: 'backup' };
    await seedDemoCluster(meta.prisma, {
      relations: 20,
      ssts: 100,
      backupStorageUrl: location.url,
      backupStorageDirectory: location.directory,
    });
    await installSstWindow(meta, 80_000);
    const manager = new BackupManager({
      meta,
      leaseMs: 1_500,
      heartbeatMs: 200,
      wrapStore: (store) => new FaultInjectingObjectStore(store).inject({ operation: 'upload', delayMs: 20 }),
    });
    try {
      const id = await startMidUpload(manager, 'meta store stopped');
      const snapshotsBefore = (await manager.manifest()).snapshot_metadata.length;
      execFileSync('bash', [script, 'stop', dir], { stdio: 'pipe' });
      await sleep(2_000);
      const again = startPg();
      assert.equal(again, url, 'PostgreSQL came back on its port');
      const job = await waitFor('the job to end', async () => {
        const j = await manager.getJob(id).catch(() => null);
        return j && j.status !== 'RUNNING' ? j : false;
      });
      assert.equal(job.status, 'FAILED');
      assert.equal((await manager.manifest()).snapshot_metadata.length, snapshotsBefore, 'no entry for the failed job');
      await backupOk(new BackupManager({ meta }), 'after PostgreSQL came back');
      await new InvariantChecker(new BackupManager({ meta }), meta).check('PostgreSQL stopped');
      record('PostgreSQL stopped mid-backup, then started', `FAILED: ${job.error}`, started);
    } finally {
      await manager.close().catch(() => undefined);
      await meta.close();
      execFileSync('bash', [script, 'stop', dir], { stdio: 'pipe' });
    }
  });
});

describe('fault suite: the fs:// store', () => {
  it('made unwritable mid-backup and before a job, and full', async (t) => {
    // The tests run as root, where permission bits stop nothing: the immutable attribute does.
    const root = freshDirectory('mbc-fault-fs-');
    const backupDir = path.join(root, 'backup');
    fs.mkdirSync(backupDir);
    const chattr = (flag: '+i' | '-i') => execFileSync('chattr', [flag, backupDir], { stdio: 'pipe' });
    const mount = (...args: string[]) => execFileSync('mount', args, { stdio: 'pipe' });
    try {
      chattr('+i');
      chattr('-i');
    } catch (error) {
      t.skip(`chattr does not work here (${(error as Error).message.split('\n')[0]})`);
      record('fs store unwritable / full', 'SKIPPED: chattr is not supported on this file system', performance.now());
      return;
    }
    const meta = await seededMetaStore(
      'sqlite',
      { url: `fs://${root}`, directory: 'backup' },
      { relations: 20, ssts: 100 },
    );
    await installSstWindow(meta, 80_000);
    const { FaultInjectingObjectStore } = await import('../lib/object-store/fault-injecting-store.ts');
    const slowManager = new BackupManager({
      meta,
      wrapStore: (store) => new FaultInjectingObjectStore(store).inject({ operation: 'upload', delayMs: 100 }),
    });
    const manager = new BackupManager({ meta });
    const checker = new InvariantChecker(manager, meta);
    try {
      let started = performance.now();
      await backupOk(manager, 'before the faults');
      // Unwritable mid-backup.
      const id = await startMidUpload(slowManager, 'unwritable mid-backup');
      chattr('+i');
      let job = await slowManager.waitForJob(id, { pollMs: 20 });
      chattr('-i');
      assert.equal(job.status, 'FAILED');
      assert.match(job.error!, /EPERM|operation not permitted/i, 'the cause is named, not a failed cleanup');
      let orphans = await checker.check('unwritable mid-backup');
      record(
        'fs store made unwritable mid-backup (chattr +i)',
        `FAILED: ${job.error}; orphans: ${orphans.join(', ') || 'none'}`,
        started,
      );
      // Unwritable before a job: noticed before the snapshot is streamed.
      started = performance.now();
      chattr('+i');
      const before = await manager.startBackupJob({ remarks: 'unwritable before' });
      job = await manager.waitForJob(before, { pollMs: 20 });
      chattr('-i');
      assert.equal(job.status, 'FAILED');
      assert.ok(job.bytesWritten < 1024n * 1024n, `noticed only after ${job.bytesWritten} bytes`);
      orphans = await checker.check('unwritable before a job');
      record('fs store unwritable before a job', `FAILED after ${job.bytesWritten} bytes: ${job.error}`, started);
    } finally {
      try {
        chattr('-i');
      } catch {
        // already writable
      }
    }

    // Full: a 4 MiB tmpfs for a ~20 MB snapshot.
    const small = freshDirectory('mbc-fault-full-');
    try {
      mount('-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', small);
    } catch (error) {
      record(
        'fs store full',
        `SKIPPED: cannot mount a tmpfs here (${(error as Error).message.split('\n')[0]})`,
        performance.now(),
      );
      await manager.close();
      await slowManager.close();
      await meta.close();
      return;
    }
    try {
      const started = performance.now();
      await manager.setConfig({ url: `fs://${small}`, directory: 'backup' });
      const id = await manager.startBackupJob({ remarks: 'disk full' });
      const job = await manager.waitForJob(id, { pollMs: 20 });
      assert.equal(job.status, 'FAILED');
      assert.match(job.error!, /ENOSPC|no space left/i);
      const leftovers = fs.readdirSync(path.join(small, '.mbc-tmp')).length;
      assert.equal(leftovers, 0, 'the partial temp file was removed');
      // Another location: its manifest ids start again.
      const orphans = await new InvariantChecker(manager, meta).check('disk full');
      record(
        'fs store full (4 MiB tmpfs, ~20 MB snapshot)',
        `FAILED: ${job.error}; temp files left: ${leftovers}; orphans: ${orphans.length}`,
        started,
      );
    } finally {
      await manager.close();
      await slowManager.close();
      await meta.close();
      execFileSync('umount', [small]);
    }
  });
});

describe('fault suite: processes', () => {
  for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
    it(`a backup process getting ${signal} mid-upload, then a new process`, async () => {
      const started = performance.now();
      const meta = await seededMetaStore('postgresql', { url: await freshBucketUrl(), directory: 'backup' });
      await installSstWindow(meta, 20_000);
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          path.join(import.meta.dirname, 'support/slow-backup.ts'),
          meta.url,
          ...(signal === 'SIGTERM' ? ['sigterm'] : []),
        ],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      const lines = readline.createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
      const id = BigInt(String((await lines.next()).value).replace('started ', ''));
      const manager = new BackupManager({ meta, leaseMs: 1_500 });
      const checker = new InvariantChecker(manager, meta);
      try {
        await waitFor('bytes', async () => (await manager.getJob(id))!.bytesWritten > 0n);
        child.kill(signal);
        const exited = performance.now();
        await new Promise((resolve) => child.once('exit', resolve));
        const job = await waitFor('the job to end', async () => {
          const j = (await manager.getJob(id))!;
          return j.status !== 'RUNNING' ? j : false;
        });
        const ended = (performance.now() - exited) / 1000;
        assert.equal(job.status, 'FAILED');
        await backupOk(manager, `after ${signal}`);
        const orphans = await checker.check(signal);
        record(
          `backup process ${signal} mid-upload, then a new one`,
          `FAILED ${ended.toFixed(1)} s after the signal: ${job.error}; orphans: ${orphans.join(', ') || 'none'}`,
          started,
        );
      } finally {
        child.kill('SIGKILL');
        await manager.close();
        await meta.close();
      }
    });
  }
});
