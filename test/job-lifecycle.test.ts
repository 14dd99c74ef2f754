// Job leases, heartbeats, verify-after-backup and job logs, on SQLite and PostgreSQL, with an
// injected clock: time moves when the test says, so a 30 s lease takes no 30 s.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { BackupManager } from '../lib/backup/backup-manager.ts';
import { createLogger } from '../lib/log.ts';
import type { MetaStore } from '../lib/meta/client.ts';
import { FaultInjectingObjectStore } from '../lib/object-store/fault-injecting-store.ts';
import { ManualClock } from './support/manual-clock.ts';
import { type MetaKind, seededMetaStore } from './support/meta-fixtures.ts';
import { freshDirectory } from './support/services.ts';

const LEASE_MS = 30_000;

/** A logger whose JSON lines the test reads. */
function capturedLog() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: createLogger({ level: 'info', destination }), lines };
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.fail(`timed out waiting for ${what}`);
}

for (const kind of ['sqlite', 'postgresql'] as MetaKind[]) {
  describe(`job lifecycle on an injected clock: ${kind}`, () => {
    let meta: MetaStore;
    before(async () => {
      meta = await seededMetaStore(kind, { url: `fs://${freshDirectory()}`, directory: 'backup' });
    });
    after(async () => meta.close());

    it('fails a job nobody runs exactly when its lease runs out, and releases its safe point', async () => {
      const clock = new ManualClock();
      const manager = new BackupManager({ meta, clock, leaseMs: LEASE_MS });
      const id = await manager.startBackupJob({ detach: true, remarks: 'orphaned' });
      clock.advance(LEASE_MS - 1);
      assert.deepEqual(await manager.reapStaleJobs(), []);
      assert.equal((await manager.getJob(id))?.status, 'RUNNING');
      clock.advance(2);
      assert.deepEqual(await manager.reapStaleJobs(), [id]);
      const job = await manager.getJob(id);
      assert.equal(job?.status, 'FAILED');
      assert.match(job?.error ?? '', /stopped renewing the lease for 30 s/);
      assert.equal(job?.finishedAt?.getTime(), job?.startedAt.getTime(), 'it ended at its last heartbeat');
      assert.equal(await meta.prisma.hummockVersionSafePoint.count(), 0);
      await manager.close();
    });

    it('keeps a running job alive through its heartbeats, however long it runs', async () => {
      const clock = new ManualClock();
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const runner = new BackupManager({
        meta,
        clock,
        leaseMs: LEASE_MS,
        heartbeatMs: 1_000,
        // The upload waits for the test: the job runs for as long as the clock says.
        wrapStore: (store) => {
          const faulty = new FaultInjectingObjectStore(store);
          const upload = faulty.upload.bind(faulty);
          faulty.upload = async (key, body, options) => {
            await gate;
            return upload(key, body, options);
          };
          return faulty;
        },
      });
      const other = new BackupManager({ meta, clock, leaseMs: LEASE_MS });
      const id = await runner.startBackupJob({ remarks: 'long' });
      for (let second = 1; second <= 3 * (LEASE_MS / 1_000); second++) {
        clock.advance(1_000);
        const beat = clock.now().getTime();
        await until(async () => {
          const row = await meta.prisma.backupJob.findUniqueOrThrow({ where: { id } });
          return row.heartbeat_at.getTime() === beat;
        }, `the heartbeat at ${second} s`);
      }
      assert.deepEqual(await other.reapStaleJobs(), [], 'a job whose heartbeat is fresh is not reaped');
      release();
      assert.equal((await runner.waitForJob(id, { pollMs: 10 })).status, 'SUCCEEDED');
      assert.equal(clock.pending, 0, 'the heartbeat stops with the job');
      await runner.close();
      await other.close();
    });

    it('stores verify on the job: a detached job runner honours it, and a failed verify is recorded and logged', async () => {
      const { log, lines } = capturedLog();
      const starter = new BackupManager({ meta, log });
      const id = await starter.startBackupJob({ detach: true, verify: true, requestId: 'req-verify-1' });
      const row = await meta.prisma.backupJob.findUniqueOrThrow({ where: { id } });
      assert.equal(row.verify, true);
      assert.equal(row.request_id, 'req-verify-1');
      // Another process runs it, knowing nothing of how it was started.
      const worker = new BackupManager({ meta, log });
      await worker.runJob(id);
      const job = await worker.waitForJob(id, { pollMs: 10 });
      assert.equal(job.status, 'SUCCEEDED');
      assert.deepEqual(job.verification, { ok: true, message: null });
      const started = lines.find((l) => l.msg === 'backup job started' && l.jobId === String(id));
      assert.equal(started?.requestId, 'req-verify-1');
      assert.ok(lines.some((l) => l.msg === 'backup job succeeded' && l.requestId === 'req-verify-1'));
      assert.ok(lines.some((l) => l.msg === 'snapshot verified after backup' && l.jobId === String(id)));

      // The read-back is cut short: the job succeeded, its verification did not, and both say so.
      const cut = new BackupManager({
        meta,
        log,
        wrapStore: (store) => new FaultInjectingObjectStore(store).inject({ operation: 'stream', afterBytes: 10 }),
      });
      const bad = await cut.startBackupJob({ verify: true, requestId: 'req-verify-2' });
      const failed = await cut.waitForJob(bad, { pollMs: 10 });
      assert.equal(failed.status, 'SUCCEEDED');
      assert.equal(failed.verification?.ok, false);
      assert.ok(failed.verification?.message, 'the verification says what went wrong');
      const logged = lines.find((l) => l.msg === 'snapshot failed its verify after backup');
      assert.equal(logged?.jobId, String(bad));
      assert.equal(logged?.requestId, 'req-verify-2');
      assert.equal(logged?.level, 50);
      for (const manager of [starter, worker, cut]) await manager.close();
    });

    it('retries a job end the meta store refused, on the clock, without sleeping', async () => {
      const clock = new ManualClock();
      const { log, lines } = capturedLog();
      const manager = new BackupManager({ meta, clock, log });
      const update = meta.prisma.$transaction.bind(meta.prisma);
      let refusals = 2;
      // The next two transactions (the job end) fail as a meta store that went away would.
      const prisma = meta.prisma as unknown as { $transaction: typeof update };
      const id = await manager.startBackupJob({ remarks: 'flaky end' });
      prisma.$transaction = ((...args: Parameters<typeof update>) =>
        refusals-- > 0 ? Promise.reject(new Error('connection reset')) : update(...args)) as typeof update;
      try {
        await until(async () => clock.pending > 0 && refusals < 2, 'the first refused end');
        clock.advance(1_000);
        await until(async () => refusals < 1 && clock.pending > 0, 'the second refused end');
        clock.advance(2_000);
        const job = await manager.waitForJob(id, { pollMs: 10 });
        assert.equal(job.status, 'SUCCEEDED');
      } finally {
        prisma.$transaction = update;
      }
      assert.equal(lines.filter((l) => l.msg === 'recording the job end failed; retrying').length, 2);
      await manager.close();
    });
  });
}
