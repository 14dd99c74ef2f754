// Fires scheduled backups. Any number of processes may run a Scheduler on one meta store;
// exactly one fires each run:
// - a lease row (scheduler_lease): only its holder looks for due runs. It is taken and renewed
//   by one conditional update ("mine, or expired"); a holder that stops renewing loses it once
//   `leaseMs` has passed on the others' clocks.
// - a run row per (schedule, due time), unique: a run is claimed by inserting it before its job
//   starts, so even two holders (a paused process that has not noticed its lease ran out) can
//   never fire one run twice.
// A run that finds a backup running is recorded SKIPPED, never queued. Runs due while no
// scheduler ran are not replayed: the latest fires once (a catch-up), the others are recorded
// in one MISSED row.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { BackupManager } from '../backup/backup-manager.ts';
import { isBackupError } from '../backup/errors.ts';
import { isUniqueViolation } from '../backup/job-records.ts';
import { type Clock, type Repeating, systemClock } from '../clock.ts';
import { errorText, type Logger, processLogger } from '../log.ts';
import type { MetaStore } from '../meta/client.ts';
import { CronSchedule, MAX_COUNTED } from './cron.ts';
import { renderRemarks } from './remarks.ts';

export const SCHEDULER_LEASE_ID = 'scheduler';
/** A run fired this long after its due time is marked a catch-up. */
export const CATCH_UP_AFTER_MS = 60_000;

export interface SchedulerOptions {
  meta: MetaStore;
  manager: Pick<BackupManager, 'startBackupJob' | 'drillSnapshot' | 'alerts'>;
  clock?: Clock;
  log?: Logger;
  /** How often it looks for due runs and renews its lease (default 1 s). */
  tickMs?: number;
  /** How long a lease lasts without renewal (default 30 s). */
  leaseMs?: number;
  /** This process's name in the lease and the run rows. */
  holder?: string;
  /** Checks only the lease holder makes (lib/alerts/watchdog.ts), offered at every tick it holds the lease. */
  watchdog?: { maybeCheck(): Promise<void> };
}

type ScheduleRow = Awaited<ReturnType<MetaStore['prisma']['backupSchedule']['findMany']>>[number];

export class Scheduler {
  readonly holder: string;
  private readonly meta: MetaStore;
  private readonly manager: SchedulerOptions['manager'];
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly tickMs: number;
  private readonly leaseMs: number;
  private readonly watchdog: SchedulerOptions['watchdog'];
  private timer: Repeating | null = null;
  private current: Promise<void> | null = null;
  private again = false;
  private held = false;
  private stopped = false;
  /** Drills this process is running, by schedule id: a drill takes a while and never blocks a tick. */
  private readonly drills = new Map<number, Promise<void>>();

  constructor(options: SchedulerOptions) {
    this.meta = options.meta;
    this.manager = options.manager;
    this.clock = options.clock ?? systemClock;
    this.log = (options.log ?? processLogger()).child({ component: 'scheduler' });
    this.tickMs = options.tickMs ?? 1_000;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.watchdog = options.watchdog;
    if (this.leaseMs < 2 * this.tickMs) throw new Error('the scheduler lease must last at least two ticks');
    this.holder = options.holder ?? `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  }

  /** Whether this process held the lease at its last tick. */
  get holding(): boolean {
    return this.held;
  }

  /** Ticks every `tickMs` until stopped; the first tick at once. */
  start(): void {
    if (this.timer || this.stopped) return;
    this.timer = this.clock.every(this.tickMs, () => void this.tick());
    void this.tick();
  }

  /** Stops ticking, waits for the tick under way, and hands the lease back so another process takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.stop();
    this.timer = null;
    this.again = false;
    await this.idle();
    await this.drillsDone();
    if (this.held) {
      this.held = false;
      await this.meta.prisma.schedulerLease
        .updateMany({ where: { id: SCHEDULER_LEASE_ID, holder: this.holder }, data: { expires_at: this.clock.now() } })
        .catch((error: unknown) => this.log.warn({ err: error }, 'could not hand the scheduler lease back'));
      this.log.info({ holder: this.holder }, 'scheduler stopped, lease handed back');
    }
  }

  /** Resolves once no tick is under way. */
  async idle(): Promise<void> {
    while (this.current) await this.current;
  }

  /** Resolves once no drill this process started is running. */
  async drillsDone(): Promise<void> {
    while (this.drills.size) await Promise.all(this.drills.values());
  }

  /**
   * Looks for due runs now. A tick asked for while one is under way runs once after it (with
   * the time then), so ticks never overlap and none is lost.
   */
  tick(): Promise<void> {
    if (this.current) {
      this.again = true;
      return this.current;
    }
    const run = async () => {
      try {
        do {
          this.again = false;
          await this.tickOnce(this.clock.now()).catch((error: unknown) =>
            this.log.error({ err: error, holder: this.holder }, 'scheduler tick failed'),
          );
        } while (this.again && !this.stopped);
      } finally {
        this.current = null;
      }
    };
    this.current = run();
    return this.current;
  }

  private async tickOnce(now: Date): Promise<void> {
    if (!(await this.holdLease(now))) return;
    // Not awaited by the runs: a storage probe may take its full deadline.
    const watched = this.watchdog
      ?.maybeCheck()
      .catch((error: unknown) => this.log.error({ err: error }, 'watchdog check failed'));
    const schedules = await this.meta.prisma.backupSchedule.findMany({
      where: { enabled: true },
      orderBy: { id: 'asc' },
    });
    for (const schedule of schedules) {
      try {
        await this.runDue(schedule, now);
      } catch (error) {
        this.log.error({ err: error, schedule: schedule.name }, 'scheduled run could not be handled');
      }
    }
    await watched;
  }

  /** Takes or renews the lease: one conditional update, or the first insert. */
  private async holdLease(now: Date): Promise<boolean> {
    const { prisma } = this.meta;
    const expires = new Date(now.getTime() + this.leaseMs);
    const renewed = await prisma.schedulerLease.updateMany({
      where: { id: SCHEDULER_LEASE_ID, OR: [{ holder: this.holder }, { expires_at: { lte: now } }] },
      data: { holder: this.holder, expires_at: expires },
    });
    let holds = renewed.count === 1;
    if (!holds) {
      try {
        await prisma.schedulerLease.create({
          data: { id: SCHEDULER_LEASE_ID, holder: this.holder, expires_at: expires },
        });
        holds = true;
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
    }
    if (holds !== this.held)
      this.log.info(
        { holder: this.holder },
        holds ? 'scheduler lease taken' : 'scheduler lease lost to another process',
      );
    if (holds && !this.held) await this.failAbandonedRuns(now);
    this.held = holds;
    return holds;
  }

  /**
   * Runs another process claimed and never finished (it was killed between claiming a run and
   * starting its job, or during a drill) would read "starting" for ever: whoever takes the lease
   * next records them FAILED. Their due times stay claimed, so they are not fired again.
   */
  private async failAbandonedRuns(now: Date): Promise<void> {
    const abandoned = await this.meta.prisma.backupScheduleRun.updateMany({
      where: {
        outcome: 'FIRING',
        runner: { not: this.holder },
        fired_at: { lt: new Date(now.getTime() - this.leaseMs) },
      },
      data: {
        outcome: 'FAILED',
        message: 'the scheduler process that fired it stopped before recording how the run went',
      },
    });
    if (abandoned.count)
      this.log.warn({ runs: abandoned.count }, 'scheduled runs abandoned by a stopped scheduler recorded FAILED');
  }

  private async runDue(schedule: ScheduleRow, now: Date): Promise<void> {
    const { prisma } = this.meta;
    const last = await prisma.backupScheduleRun.findFirst({
      where: { schedule_id: schedule.id },
      orderBy: { due_at: 'desc' },
      select: { due_at: true },
    });
    const since = new Date(Math.max(schedule.active_since.getTime(), last?.due_at.getTime() ?? 0));
    const cron = new CronSchedule(schedule.cron, schedule.time_zone);
    const due = cron.latestDue(since, now);
    if (!due) return;
    const beforeDue = new Date(due.getTime() - 1);
    const missed = cron.countDue(since, beforeDue);
    const late = now.getTime() - due.getTime();
    const claim = {
      schedule_id: schedule.id,
      due_at: due,
      fired_at: now,
      outcome: 'FIRING',
      catch_up: missed > 0 || late >= CATCH_UP_AFTER_MS,
      runner: this.holder,
    };
    try {
      if (missed > 0) {
        const first = cron.next(since)!;
        const until = cron.latestDue(since, beforeDue)!;
        const count = missed >= MAX_COUNTED ? `at least ${MAX_COUNTED}` : String(missed);
        await prisma.$transaction([
          prisma.backupScheduleRun.create({
            data: {
              schedule_id: schedule.id,
              due_at: first,
              fired_at: now,
              outcome: 'MISSED',
              missed_count: missed,
              missed_until: until,
              message: `${count} run${missed === 1 ? '' : 's'} from ${first.toISOString()} to ${until.toISOString()} missed: no scheduler was running; the latest due run fired once instead`,
              runner: this.holder,
            },
          }),
          prisma.backupScheduleRun.create({ data: claim }),
        ]);
        this.log.warn({ schedule: schedule.name, missed, from: first, until }, 'scheduled runs missed');
        this.manager.alerts.bus.emit({
          kind: 'schedule.missed',
          summary: `schedule ${schedule.name}: ${count} run${missed === 1 ? '' : 's'} missed while no scheduler ran`,
          details: { schedule: schedule.name, missed, from: first.toISOString(), until: until.toISOString() },
        });
      } else {
        await prisma.backupScheduleRun.create({ data: claim });
      }
    } catch (error) {
      // Another process claimed this run first: it is theirs.
      if (isUniqueViolation(error)) return;
      throw error;
    }
    await this.fire(schedule, due, now);
  }

  private async fire(schedule: ScheduleRow, due: Date, now: Date): Promise<void> {
    if (schedule.kind === 'drill') return this.fireDrill(schedule, due);
    const where = { schedule_id_due_at: { schedule_id: schedule.id, due_at: due } };
    const requestId = `schedule:${schedule.name}@${due.toISOString()}`;
    const fields = { schedule: schedule.name, due, requestId };
    try {
      const jobId = await this.manager.startBackupJob({
        verify: schedule.verify,
        remarks: renderRemarks(schedule.remarks, { name: schedule.name, due, timeZone: schedule.time_zone }),
        startedBy: `schedule:${schedule.name}`,
        requestId,
      });
      await this.meta.prisma.backupScheduleRun.update({ where, data: { outcome: 'STARTED', job_id: jobId } });
      this.log.info(
        { ...fields, jobId: String(jobId), lateMs: now.getTime() - due.getTime() },
        'scheduled backup started',
      );
    } catch (error) {
      const skipped = isBackupError(error, 'CONCURRENT_JOB');
      await this.meta.prisma.backupScheduleRun.update({
        where,
        data: { outcome: skipped ? 'SKIPPED' : 'FAILED', message: errorText(error) },
      });
      if (skipped) this.log.warn({ ...fields, reason: errorText(error) }, 'scheduled backup skipped: a job is running');
      else this.log.error({ ...fields, err: error }, 'scheduled backup failed to start');
      this.manager.alerts.bus.emit({
        kind: 'schedule.skipped',
        summary: `schedule ${schedule.name}: the run due ${due.toISOString()} ${skipped ? 'was skipped: a job was running' : `did not start: ${errorText(error)}`}`,
        details: { schedule: schedule.name, due: due.toISOString(), reason: errorText(error), requestId },
      });
    }
  }

  /**
   * A drill schedule's run: the newest snapshot drilled in the background (a drill restores a
   * whole store; the tick goes on). A run due while this schedule's last drill still runs is
   * SKIPPED, as a backup's is while a job runs.
   */
  private async fireDrill(schedule: ScheduleRow, due: Date): Promise<void> {
    const where = { schedule_id_due_at: { schedule_id: schedule.id, due_at: due } };
    const requestId = `schedule:${schedule.name}@${due.toISOString()}`;
    const fields = { schedule: schedule.name, due, requestId };
    const notStarted = async (reason: string, skipped: boolean) => {
      await this.meta.prisma.backupScheduleRun.update({
        where,
        data: { outcome: skipped ? 'SKIPPED' : 'FAILED', message: reason },
      });
      this.log.warn({ ...fields, reason }, `scheduled drill ${skipped ? 'skipped' : 'did not start'}`);
      this.manager.alerts.bus.emit({
        kind: 'schedule.skipped',
        summary: `schedule ${schedule.name}: the drill due ${due.toISOString()} ${skipped ? 'was skipped' : 'did not start'}: ${reason}`,
        details: { schedule: schedule.name, due: due.toISOString(), reason, requestId },
      });
    };
    if (this.drills.has(schedule.id)) return notStarted('the previous drill of this schedule is still running', true);
    const drill = (async () => {
      try {
        const result = await this.manager.drillSnapshot(undefined, {
          startedBy: `schedule:${schedule.name}`,
          requestId,
        });
        await this.meta.prisma.backupScheduleRun.update({
          where,
          data: {
            outcome: result.state === 'PASSED' ? 'PASSED' : 'FAILED',
            drill_id: result.id,
            message: result.problem,
          },
        });
        this.log.info(
          { ...fields, drillId: result.id, snapshotId: String(result.snapshotId), state: result.state },
          'scheduled drill ended',
        );
      } catch (error) {
        await notStarted(errorText(error), false);
      }
    })()
      .catch((error: unknown) => this.log.error({ ...fields, err: error }, 'scheduled drill could not be recorded'))
      .finally(() => this.drills.delete(schedule.id));
    this.drills.set(schedule.id, drill);
  }
}
