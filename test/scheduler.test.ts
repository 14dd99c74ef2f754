// Scheduled backups, on SQLite and PostgreSQL, with an injected clock: a run fires at its cron
// time and not before, is skipped (not queued) while a job runs, is caught up once after
// downtime, never fires while disabled, follows its time zone, and fires exactly once when two
// processes share the meta store, the lease passing on when its holder is killed.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BackupManager } from '../lib/backup/backup-manager.ts';
import { createLogger } from '../lib/log.ts';
import { FaultInjectingObjectStore } from '../lib/object-store/fault-injecting-store.ts';
import type { ObjectStore } from '../lib/object-store/types.ts';
import type { MetaStore } from '../lib/meta/client.ts';
import { Scheduler, SCHEDULER_LEASE_ID } from '../lib/schedule/scheduler.ts';
import { Watchdog } from '../lib/schedule/watchdog.ts';
import { Alerts } from '../lib/alerts/alerts.ts';
import { ScheduleStore } from '../lib/schedule/schedules.ts';
import type { ScheduleCreateInput } from '../lib/schedule/validation.ts';
import { ManualClock } from './support/manual-clock.ts';
import { type MetaKind, seededMetaStore } from './support/meta-fixtures.ts';
import { freshDirectory } from './support/services.ts';

const START = new Date('2026-01-01T00:00:00Z');
const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const quiet = createLogger({ level: 'silent' });

async function freshStore(kind: MetaKind): Promise<MetaStore> {
  return seededMetaStore(kind, { url: `fs://${freshDirectory()}`, directory: 'backup' }, { relations: 3, ssts: 10 });
}

/** A scheduler of this process on `meta`, ticking every second on `clock`. */
async function startScheduler(
  meta: MetaStore,
  clock: ManualClock,
  options: { jobLeaseMs?: number; wrapStore?: (store: ObjectStore) => ObjectStore } = {},
) {
  const manager = new BackupManager({
    meta,
    clock,
    log: quiet,
    leaseMs: options.jobLeaseMs,
    ...(options.wrapStore ? { wrapStore: options.wrapStore } : {}),
  });
  const scheduler = new Scheduler({ meta, manager, clock, log: quiet, tickMs: SECOND, leaseMs: 10 * SECOND });
  scheduler.start();
  await scheduler.idle();
  return {
    manager,
    scheduler,
    /** Moves the clock to `at` and lets the ticks on the way do their database work. */
    async advanceTo(at: Date) {
      clock.advance(at.getTime() - clock.now().getTime());
      await scheduler.idle();
    },
    async close() {
      await scheduler.stop();
      for (const job of await manager.listJobs())
        if (job.status === 'RUNNING') await manager.waitForJob(job.id, { pollMs: 10 });
      await manager.close();
    },
  };
}

const at = (iso: string) => new Date(iso);

async function addSchedule(meta: MetaStore, clock: ManualClock, input: ScheduleCreateInput) {
  return new ScheduleStore(meta).create(input, { now: clock.now(), by: 'test' });
}

/** Each test starts on its own clock: no schedule, no run, no lease left by the one before. */
async function reset(meta: MetaStore) {
  await meta.prisma.backupScheduleRun.deleteMany();
  await meta.prisma.backupSchedule.deleteMany();
  await meta.prisma.schedulerLease.deleteMany();
}

const runsOf = (meta: MetaStore, scheduleId: number) =>
  meta.prisma.backupScheduleRun.findMany({ where: { schedule_id: scheduleId }, orderBy: { due_at: 'asc' } });

for (const kind of ['sqlite', 'postgresql'] as MetaKind[]) {
  describe(`scheduler: ${kind}`, () => {
    let meta: MetaStore;
    before(async () => {
      meta = await freshStore(kind);
    });
    after(async () => meta.close());

    it('fires at the cron time and not before, once, with the rendered remarks and verify', async () => {
      await reset(meta);
      const clock = new ManualClock(START);
      const schedule = await addSchedule(meta, clock, {
        name: 'nightly',
        cron: '30 0 * * *',
        verify: true,
        remarks: 'scheduled {name} {date} {time}',
      });
      const s = await startScheduler(meta, clock);
      try {
        await s.advanceTo(at('2026-01-01T00:29:59Z'));
        assert.deepEqual(await runsOf(meta, schedule.id), [], 'nothing fires before its time');
        assert.equal(await meta.prisma.backupJob.count(), 0);
        await s.advanceTo(at('2026-01-01T00:30:00Z'));
        const [run, ...more] = await runsOf(meta, schedule.id);
        assert.equal(more.length, 0);
        assert.equal(run?.outcome, 'STARTED');
        assert.equal(run?.due_at.toISOString(), '2026-01-01T00:30:00.000Z');
        assert.equal(run?.fired_at.toISOString(), '2026-01-01T00:30:00.000Z');
        assert.equal(run?.catch_up, false);
        const job = await s.manager.waitForJob(run!.job_id!, { pollMs: 10 });
        assert.equal(job.status, 'SUCCEEDED');
        assert.equal(job.startedBy, 'schedule:nightly');
        assert.equal(job.remarks, 'scheduled nightly 2026-01-01 00:30');
        assert.equal(job.verify, true);
        assert.equal(job.requestId, 'schedule:nightly@2026-01-01T00:30:00.000Z');
        await s.advanceTo(at('2026-01-01T12:00:00Z'));
        assert.equal((await runsOf(meta, schedule.id)).length, 1, 'a run fires once');
        await s.advanceTo(at('2026-01-02T00:30:00Z'));
        assert.equal((await runsOf(meta, schedule.id)).length, 2, 'and the next day again');
      } finally {
        await s.close();
      }
    });

    it('records a run that finds a job running as skipped, and does not queue it', async () => {
      await reset(meta);
      const clock = new ManualClock(START);
      const schedule = await addSchedule(meta, clock, { name: 'every-minute', cron: '* * * * *' });
      // A job lease longer than the test: the running job is not reaped under it.
      const s = await startScheduler(meta, clock, { jobLeaseMs: 24 * HOUR });
      try {
        const alerts: { kind: string; details: unknown }[] = [];
        s.manager.alerts.bus.on((event) => void alerts.push({ kind: event.kind, details: event.details }));
        const running = await s.manager.startBackupJob({ detach: true, remarks: 'by hand' });
        const jobsBefore = await meta.prisma.backupJob.count();
        await s.advanceTo(at('2026-01-01T00:01:00Z'));
        const [skipped] = await runsOf(meta, schedule.id);
        assert.equal(skipped?.outcome, 'SKIPPED');
        // Operators are told: a schedule.skipped alert naming the schedule and the due run.
        const alert = alerts.find((a) => a.kind === 'schedule.skipped')?.details as Record<string, string> | undefined;
        assert.deepEqual([alert?.schedule, alert?.due], ['every-minute', '2026-01-01T00:01:00.000Z']);
        assert.equal(skipped?.job_id, null);
        assert.match(skipped?.message ?? '', new RegExp(`existent job ${running}`));
        assert.equal(await meta.prisma.backupJob.count(), jobsBefore, 'no job started');
        await s.manager.runJob(running);
        await s.advanceTo(at('2026-01-01T00:01:59Z'));
        assert.equal((await runsOf(meta, schedule.id)).length, 1, 'the skipped run is not fired once the job ends');
        await s.advanceTo(at('2026-01-01T00:02:00Z'));
        const runs = await runsOf(meta, schedule.id);
        assert.deepEqual(
          runs.map((r) => r.outcome),
          ['SKIPPED', 'STARTED'],
        );
        assert.equal((await s.manager.waitForJob(runs[1]!.job_id!, { pollMs: 10 })).status, 'SUCCEEDED');
      } finally {
        await s.close();
      }
    });

    it('after downtime fires the latest due run once and records the missed ones once', async () => {
      await reset(meta);
      const clock = new ManualClock(START);
      const schedule = await addSchedule(meta, clock, { name: 'hourly', cron: '0 * * * *' });
      // No scheduler runs from 00:00 to 05:30: the 01:00 … 05:00 runs were not fired.
      clock.advance(5 * HOUR + 30 * MINUTE);
      const s = await startScheduler(meta, clock);
      try {
        const runs = await runsOf(meta, schedule.id);
        assert.deepEqual(
          runs.map((r) => [r.outcome, r.due_at.toISOString(), r.missed_count, r.missed_until?.toISOString() ?? null]),
          [
            ['MISSED', '2026-01-01T01:00:00.000Z', 4, '2026-01-01T04:00:00.000Z'],
            ['STARTED', '2026-01-01T05:00:00.000Z', null, null],
          ],
        );
        assert.equal(runs[1]!.catch_up, true);
        assert.equal(runs[1]!.fired_at.toISOString(), '2026-01-01T05:30:00.000Z');
        assert.equal(await meta.prisma.backupJob.count({ where: { started_by: 'schedule:hourly' } }), 1);
        await s.manager.waitForJob(runs[1]!.job_id!, { pollMs: 10 });
        // A second scheduler coming up later records nothing again.
        await s.scheduler.stop();
        const other = await startScheduler(meta, clock);
        await other.advanceTo(at('2026-01-01T05:59:59Z'));
        assert.equal((await runsOf(meta, schedule.id)).length, 2);
        await other.advanceTo(at('2026-01-01T06:00:00Z'));
        const next = (await runsOf(meta, schedule.id))[2];
        assert.equal(next?.outcome, 'STARTED');
        assert.equal(next?.catch_up, false);
        await other.close();
      } finally {
        await s.close();
      }
    });

    it('a drill schedule drills the newest snapshot; with none it fails and alerts; one due while its drill runs is skipped', async () => {
      const own = await freshStore(kind);
      const clock = new ManualClock(START);
      let store: FaultInjectingObjectStore | undefined;
      const s = await startScheduler(own, clock, {
        wrapStore: (inner) => {
          store = new FaultInjectingObjectStore(inner);
          return store;
        },
      });
      const alerts: { kind: string; details: Record<string, unknown> }[] = [];
      s.manager.alerts.bus.on((event) => void alerts.push({ kind: event.kind, details: event.details }));
      const schedule = await addSchedule(own, clock, { name: 'drills', kind: 'drill', cron: '0 * * * *' });
      const runAt = async (iso: string) => (await runsOf(own, schedule.id)).find((r) => r.due_at.toISOString() === iso);
      try {
        await s.advanceTo(at('2026-01-01T01:00:00Z'));
        await s.scheduler.drillsDone();
        const none = await runAt('2026-01-01T01:00:00.000Z');
        assert.equal(none?.outcome, 'FAILED');
        assert.match(none?.message ?? '', /no snapshot to drill/);
        assert.equal(await own.prisma.backupJob.count(), 0, 'a drill schedule never starts a backup');
        assert.equal(alerts.find((a) => a.kind === 'schedule.skipped')?.details.schedule, 'drills');

        const jobId = await s.manager.startBackupJob({ startedBy: 'test' });
        await s.manager.waitForJob(jobId, { pollMs: 10 });
        await s.advanceTo(at('2026-01-01T02:00:00Z'));
        await s.scheduler.drillsDone();
        const passed = await runAt('2026-01-01T02:00:00.000Z');
        assert.equal(passed?.outcome, 'PASSED', passed?.message ?? '');
        const drill = await own.prisma.restoreDrill.findUniqueOrThrow({ where: { id: passed!.drill_id! } });
        assert.equal(drill.state, 'PASSED');
        assert.equal(drill.snapshot_id, jobId, 'the newest snapshot');
        assert.equal(drill.started_by, 'schedule:drills');
        assert.equal(drill.request_id, 'schedule:drills@2026-01-01T02:00:00.000Z');

        // The next drill stalls on reading the snapshot (real time, not the test clock): the run due
        // meanwhile is skipped, not queued, and the stalled one still ends PASSED.
        for (const operation of ['get', 'getRange', 'stream'] as const)
          store!.inject({ operation, key: /\.snapshot$/, delayMs: 1_500, times: 1 });
        await s.advanceTo(at('2026-01-01T03:00:00Z'));
        await s.advanceTo(at('2026-01-01T04:00:00Z'));
        const skipped = await runAt('2026-01-01T04:00:00.000Z');
        assert.equal(skipped?.outcome, 'SKIPPED');
        assert.match(skipped?.message ?? '', /previous drill of this schedule is still running/);
        assert.equal((await runAt('2026-01-01T03:00:00.000Z'))?.outcome, 'FIRING');
        await s.scheduler.drillsDone();
        assert.equal((await runAt('2026-01-01T03:00:00.000Z'))?.outcome, 'PASSED');
        assert.equal(await own.prisma.restoreDrill.count(), 2);
      } finally {
        await s.close();
        await own.close();
      }
    });

    it('records FAILED a run another scheduler claimed and never finished, once it takes the lease', async () => {
      await reset(meta);
      const clock = new ManualClock(START);
      const schedule = await addSchedule(meta, clock, { name: 'orphaned', cron: '0 0 1 1 *' });
      const claim = (due: Date, runner: string) =>
        meta.prisma.backupScheduleRun.create({
          data: { schedule_id: schedule.id, due_at: due, fired_at: due, outcome: 'FIRING', runner },
        });
      // Killed between claiming its run and recording it, an hour ago.
      await claim(new Date(START.getTime() - HOUR), 'dead-process');
      clock.advance(MINUTE);
      const s = await startScheduler(meta, clock);
      try {
        const [run] = await runsOf(meta, schedule.id);
        assert.equal(run?.outcome, 'FAILED');
        assert.match(run?.message ?? '', /stopped before recording how the run went/);
        // Its due time stays claimed: nothing fires it again.
        assert.equal((await runsOf(meta, schedule.id)).length, 1);
        assert.equal(await meta.prisma.backupJob.count({ where: { started_by: 'schedule:orphaned' } }), 0);
      } finally {
        await s.close();
      }
    });

    it("prunes deliveries and runs older than the history hourly, keeping each schedule's latest run", async () => {
      await reset(meta);
      await meta.prisma.alertDelivery.deleteMany();
      const clock = new ManualClock(at('2026-06-01T00:00:00Z'));
      const yearly = await addSchedule(meta, clock, { name: 'yearly', cron: '@yearly' });
      const daily = await addSchedule(meta, clock, { name: 'daily', cron: '@daily' });
      const run = (scheduleId: number, iso: string) =>
        meta.prisma.backupScheduleRun.create({
          data: { schedule_id: scheduleId, due_at: at(iso), fired_at: at(iso), outcome: 'STARTED', runner: 'old' },
        });
      await run(yearly.id, '2025-01-01T00:00:00Z'); // its latest: kept however old
      await run(daily.id, '2026-01-01T00:00:00Z');
      await run(daily.id, '2026-05-31T00:00:00Z');
      const delivery = (iso: string) =>
        meta.prisma.alertDelivery.create({
          data: {
            channel_id: 1,
            channel_name: 'c',
            event_id: iso,
            event_kind: 'job.failed',
            attempt: 1,
            at: at(iso),
            outcome: 'delivered',
          },
        });
      await delivery('2026-02-01T00:00:00Z');
      await delivery('2026-05-01T00:00:00Z');
      const watchdog = new Watchdog({
        meta,
        alerts: new Alerts({ meta, clock, log: quiet }),
        clock,
        log: quiet,
        checkStorage: async () => {},
        objectiveSeconds: () => 10 ** 9,
        historyDays: () => 90,
      });
      await watchdog.maybeCheck();
      const runs = async () =>
        (await meta.prisma.backupScheduleRun.findMany({ orderBy: { due_at: 'asc' } })).map((r) =>
          r.due_at.toISOString(),
        );
      const deliveries = async () =>
        (await meta.prisma.alertDelivery.findMany({ orderBy: { at: 'asc' } })).map((d) => d.at.toISOString());
      assert.deepEqual(await runs(), ['2025-01-01T00:00:00.000Z', '2026-05-31T00:00:00.000Z']);
      assert.deepEqual(await deliveries(), ['2026-05-01T00:00:00.000Z']);
      // Hourly, not every minute: a delivery that ages out is pruned at the next hour.
      await delivery('2026-03-02T00:00:00Z');
      clock.advance(59 * MINUTE);
      await watchdog.maybeCheck();
      assert.equal((await deliveries()).length, 2);
      clock.advance(2 * MINUTE);
      await watchdog.maybeCheck();
      assert.deepEqual(await deliveries(), ['2026-05-01T00:00:00.000Z']);
    });

    it('never fires a disabled schedule, and one enabled again does not catch up', async () => {
      await reset(meta);
      const clock = new ManualClock(START);
      const store = new ScheduleStore(meta);
      const off = await addSchedule(meta, clock, { name: 'off', cron: '* * * * *', enabled: false });
      const s = await startScheduler(meta, clock);
      try {
        await s.advanceTo(at('2026-01-01T00:05:30Z'));
        assert.deepEqual(await runsOf(meta, off.id), []);
        assert.equal(await meta.prisma.backupJob.count({ where: { started_by: 'schedule:off' } }), 0);
        await store.update(off.id, { enabled: true }, { now: clock.now() });
        await s.advanceTo(at('2026-01-01T00:05:59Z'));
        assert.deepEqual(await runsOf(meta, off.id), [], 'the runs due while it was off are not caught up');
        await s.advanceTo(at('2026-01-01T00:06:00Z'));
        const runs = await runsOf(meta, off.id);
        assert.deepEqual(
          runs.map((r) => [r.outcome, r.due_at.toISOString()]),
          [['STARTED', '2026-01-01T00:06:00.000Z']],
        );
        await s.manager.waitForJob(runs[0]!.job_id!, { pollMs: 10 });
        await store.update(off.id, { enabled: false }, { now: clock.now() });
        await s.advanceTo(at('2026-01-01T00:10:00Z'));
        assert.equal((await runsOf(meta, off.id)).length, 1, 'disabled again, it stops');
      } finally {
        await s.close();
      }
    });

    it("reads the cron expression in the schedule's time zone", async () => {
      await reset(meta);
      const clock = new ManualClock(START);
      const schedule = await addSchedule(meta, clock, {
        name: 'berlin',
        cron: '0 2 * * *',
        timeZone: 'Europe/Berlin',
        remarks: '{name} {date} {time} ({due})',
      });
      const s = await startScheduler(meta, clock);
      try {
        // 02:00 in Berlin is 01:00 UTC in winter.
        await s.advanceTo(at('2026-01-01T00:59:59Z'));
        assert.deepEqual(await runsOf(meta, schedule.id), []);
        await s.advanceTo(at('2026-01-01T01:00:00Z'));
        const [run] = await runsOf(meta, schedule.id);
        assert.equal(run?.due_at.toISOString(), '2026-01-01T01:00:00.000Z');
        const job = await s.manager.waitForJob(run!.job_id!, { pollMs: 10 });
        assert.equal(job.remarks, 'berlin 2026-01-01 02:00 (2026-01-01T01:00:00.000Z)');
        const [view] = await new ScheduleStore(meta).list(clock.now());
        assert.equal(view?.nextRuns[0]?.toISOString(), '2026-01-02T01:00:00.000Z');
        assert.equal(view?.lastRun?.outcome, 'STARTED');
      } finally {
        await s.close();
      }
    });
  });
}

// ---- two processes ----

const racerScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'support', 'scheduler-racer.ts');

interface Racer {
  name: string;
  child: ChildProcess;
  next(): Promise<{ holding: boolean; now?: string }>;
}

function spawnRacer(url: string, name: string, start: Date, leaseMs: number): Racer {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', racerScript, url, start.toISOString(), String(leaseMs), name],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, LOG_LEVEL: 'silent' },
    },
  );
  const lines = readline.createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return {
    name,
    child,
    async next() {
      const line = await lines.next();
      if (line.done) throw new Error(`scheduler process ${name} ended`);
      return JSON.parse(String(line.value));
    },
  };
}

for (const kind of ['sqlite', 'postgresql'] as MetaKind[]) {
  describe(`scheduler: two processes on one ${kind} meta store`, () => {
    it('fires each due run exactly once, and the lease passes on when its holder is killed', async () => {
      const meta = await freshStore(kind);
      const clock = new ManualClock(START);
      const schedule = await addSchedule(meta, clock, { name: 'race', cron: '* * * * *' });
      const LEASE = 10 * SECOND;
      let racers = [spawnRacer(meta.url, 'a', START, LEASE), spawnRacer(meta.url, 'b', START, LEASE)];
      try {
        const ready = await Promise.all(racers.map((r) => r.next()));
        assert.equal(ready.filter((r) => r.holding).length, 1, `one holds the lease: ${JSON.stringify(ready)}`);
        /** Moves both clocks one second; answers who held the lease. */
        const step = async () => {
          for (const r of racers) r.child.stdin!.write(`advance ${SECOND}\n`);
          const answers = await Promise.all(racers.map((r) => r.next()));
          clock.advance(SECOND);
          return racers.filter((_, i) => answers[i]!.holding).map((r) => r.name);
        };
        const waitForJobs = async () => {
          for (let i = 0; i < 1000; i++) {
            if ((await meta.prisma.backupJob.count({ where: { state: 'RUNNING' } })) === 0) return;
            await new Promise((resolve) => setTimeout(resolve, 10));
          }
          assert.fail('the scheduled job did not end');
        };
        const checkRuns = async (minutes: number) => {
          const runs = await runsOf(meta, schedule.id);
          assert.deepEqual(
            runs.map((r) => [r.outcome, r.due_at.getTime()]),
            Array.from({ length: minutes }, (_, i) => ['STARTED', START.getTime() + (i + 1) * MINUTE]),
          );
          const jobs = await meta.prisma.backupJob.findMany({ where: { started_by: 'schedule:race' } });
          assert.equal(jobs.length, minutes, 'exactly one job per due run');
          assert.deepEqual(new Set(runs.map((r) => r.job_id)), new Set(jobs.map((j) => j.id)));
          return runs;
        };
        for (let minute = 1; minute <= 3; minute++) {
          for (let s = 0; s < 60; s++) {
            const holders = await step();
            assert.equal(holders.length, 1, `one holder at ${clock.now().toISOString()}: ${holders}`);
          }
          await waitForJobs();
          await checkRuns(minute);
        }
        // Kill the holder: the lease stays its own until it runs out, then the other takes it.
        const lease = await meta.prisma.schedulerLease.findUniqueOrThrow({ where: { id: SCHEDULER_LEASE_ID } });
        const holder = racers.find((r) => r.name === lease.holder)!;
        const survivor = racers.find((r) => r !== holder)!;
        holder.child.kill('SIGKILL');
        await new Promise((resolve) => holder.child.once('exit', resolve));
        racers = [survivor];
        const lastRenewal = clock.now().getTime();
        let takenAt: number | null = null;
        for (let s = 0; s < 60; s++) {
          const holders = await step();
          if (holders.length && takenAt === null) takenAt = clock.now().getTime();
          if (clock.now().getTime() - lastRenewal < LEASE)
            assert.deepEqual(holders, [], 'the lease is not taken early');
        }
        assert.equal(takenAt, lastRenewal + LEASE, 'taken over exactly when the lease ran out');
        await waitForJobs();
        const runs = await checkRuns(4);
        assert.equal(runs[3]!.runner, survivor.name);
      } finally {
        for (const r of racers) r.child.stdin!.end();
        await Promise.all(
          racers.map(
            (r) =>
              new Promise((resolve) => (r.child.exitCode !== null ? resolve(null) : r.child.once('exit', resolve))),
          ),
        );
        await meta.close();
      }
    });
  });
}
