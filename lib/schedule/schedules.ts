// Schedules in the meta store: create, change, remove (each with its audit row, in the change's
// transaction) and the views the CLI, the API and the page show.
import { BackupError } from '../backup/errors.ts';
import { isUniqueViolation } from '../backup/job-records.ts';
import { type PendingAudit, recordPendingAudit } from '../meta/audit-log.ts';
import type { MetaStore } from '../meta/client.ts';
import { CronSchedule } from './cron.ts';
import { remarksTemplateProblem } from './remarks.ts';
import {
  type ScheduleCreateInput,
  type ScheduleKind,
  type ScheduleUpdateInput,
  scheduleCreateSchema,
  scheduleUpdateSchema,
} from './validation.ts';

/** A drill's run ends PASSED or FAILED; a backup's run is STARTED once its job is (the job tells the rest). */
export type RunOutcome = 'FIRING' | 'STARTED' | 'SKIPPED' | 'FAILED' | 'MISSED' | 'PASSED';

export interface ScheduleRun {
  id: number;
  scheduleId: number;
  dueAt: Date;
  firedAt: Date;
  outcome: RunOutcome;
  jobId: bigint | null;
  /** A drill schedule's run: the drill it ran. */
  drillId: number | null;
  message: string | null;
  /** MISSED: how many runs were missed, from `dueAt` to `missedUntil`. */
  missedCount: number | null;
  missedUntil: Date | null;
  /** Fired late, after the scheduler was away at its due time. */
  catchUp: boolean;
  runner: string;
}

export interface Schedule {
  id: number;
  name: string;
  kind: ScheduleKind;
  cron: string;
  timeZone: string;
  enabled: boolean;
  verify: boolean;
  remarks: string;
  activeSince: Date;
  createdAt: Date;
  createdBy: string;
}

export interface ScheduleView extends Schedule {
  /** The next runs (none while disabled). */
  nextRuns: Date[];
  lastRun: ScheduleRun | null;
}

type ScheduleRow = NonNullable<Awaited<ReturnType<MetaStore['prisma']['backupSchedule']['findUnique']>>>;
type RunRow = NonNullable<Awaited<ReturnType<MetaStore['prisma']['backupScheduleRun']['findUnique']>>>;

export function toSchedule(row: ScheduleRow): Schedule {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as ScheduleKind,
    cron: row.cron,
    timeZone: row.time_zone,
    enabled: row.enabled,
    verify: row.verify,
    remarks: row.remarks,
    activeSince: row.active_since,
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}

export function toRun(row: RunRow): ScheduleRun {
  return {
    id: row.id,
    scheduleId: row.schedule_id,
    dueAt: row.due_at,
    firedAt: row.fired_at,
    outcome: row.outcome as RunOutcome,
    jobId: row.job_id,
    drillId: row.drill_id,
    message: row.message,
    missedCount: row.missed_count,
    missedUntil: row.missed_until,
    catchUp: row.catch_up,
    runner: row.runner,
  };
}

export const NEXT_RUNS_SHOWN = 5;

function inputError(error: { issues: { path: PropertyKey[]; message: string }[] }): BackupError {
  const issue = error.issues[0]!;
  return new BackupError(
    'INVALID_INPUT',
    issue.path.length ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message,
  );
}

export class ScheduleStore {
  constructor(private readonly meta: MetaStore) {}

  private get prisma() {
    return this.meta.prisma;
  }

  async list(now: Date): Promise<ScheduleView[]> {
    const rows = await this.prisma.backupSchedule.findMany({ orderBy: { name: 'asc' } });
    return Promise.all(rows.map((row) => this.view(row, now)));
  }

  /** By id (digits) or name. */
  async find(key: number | string): Promise<Schedule | null> {
    const row =
      typeof key === 'number'
        ? await this.prisma.backupSchedule.findUnique({ where: { id: key } })
        : await this.prisma.backupSchedule.findUnique({ where: { name: key } });
    return row ? toSchedule(row) : null;
  }

  async get(key: number | string): Promise<Schedule> {
    const found = await this.find(key);
    if (!found)
      throw new BackupError('NOT_FOUND', `schedule ${typeof key === 'number' ? key : `"${key}"`} does not exist`);
    return found;
  }

  async view(row: ScheduleRow, now: Date): Promise<ScheduleView> {
    const schedule = toSchedule(row);
    const last = await this.prisma.backupScheduleRun.findFirst({
      where: { schedule_id: row.id },
      orderBy: [{ due_at: 'desc' }],
    });
    return {
      ...schedule,
      nextRuns: schedule.enabled ? nextRuns(schedule, now, NEXT_RUNS_SHOWN) : [],
      lastRun: last ? toRun(last) : null,
    };
  }

  /** One schedule's view. */
  async viewOf(key: number | string, now: Date): Promise<ScheduleView> {
    const schedule = await this.get(key);
    const row = await this.prisma.backupSchedule.findUniqueOrThrow({ where: { id: schedule.id } });
    return this.view(row, now);
  }

  /** The latest runs of every schedule, newest due first, with the schedule's name. */
  async recentRuns(limit = 20): Promise<(ScheduleRun & { scheduleName: string })[]> {
    const rows = await this.prisma.backupScheduleRun.findMany({
      orderBy: [{ due_at: 'desc' }, { id: 'desc' }],
      take: Math.min(Math.max(limit, 1), 1000),
    });
    const names = new Map(
      (await this.prisma.backupSchedule.findMany({ select: { id: true, name: true } })).map((s) => [s.id, s.name]),
    );
    return rows.map((row) => ({ ...toRun(row), scheduleName: names.get(row.schedule_id) ?? String(row.schedule_id) }));
  }

  async runs(key: number | string, limit = 50): Promise<ScheduleRun[]> {
    const schedule = await this.get(key);
    const rows = await this.prisma.backupScheduleRun.findMany({
      where: { schedule_id: schedule.id },
      orderBy: [{ due_at: 'desc' }],
      take: Math.min(Math.max(limit, 1), 1000),
    });
    return rows.map(toRun);
  }

  async create(
    input: ScheduleCreateInput,
    context: { now: Date; by: string; audit?: PendingAudit },
  ): Promise<Schedule> {
    const parsed = scheduleCreateSchema.safeParse(input);
    if (!parsed.success) throw inputError(parsed.error);
    const data = parsed.data;
    try {
      const row = await this.prisma.$transaction(async (tx) => {
        const created = await tx.backupSchedule.create({
          data: {
            name: data.name,
            kind: data.kind,
            cron: data.cron,
            time_zone: data.timeZone,
            enabled: data.enabled,
            verify: data.verify,
            remarks: data.remarks,
            active_since: context.now,
            created_at: context.now,
            created_by: context.by,
          },
        });
        await recordPendingAudit(tx, context.audit, `schedule ${created.id} ${created.name}`);
        return created;
      });
      return toSchedule(row);
    } catch (error) {
      if (isUniqueViolation(error)) throw new BackupError('CONFLICT', `a schedule named "${data.name}" already exists`);
      throw error;
    }
  }

  async update(
    key: number | string,
    input: ScheduleUpdateInput,
    context: { now: Date; audit?: PendingAudit },
  ): Promise<Schedule> {
    const parsed = scheduleUpdateSchema.safeParse(input);
    if (!parsed.success) throw inputError(parsed.error);
    const change = parsed.data;
    const current = await this.get(key);
    if (change.remarks !== undefined) {
      const problem = remarksTemplateProblem(change.remarks, current.name);
      if (problem) throw new BackupError('INVALID_INPUT', `remarks: ${problem}`);
    }
    // A schedule enabled again, or given another time, starts afresh: no catch-up of the runs
    // due while it was off or under its old rule.
    const restarts =
      (change.enabled === true && !current.enabled) ||
      (change.cron !== undefined && change.cron !== current.cron) ||
      (change.timeZone !== undefined && change.timeZone !== current.timeZone);
    const row = await this.prisma.$transaction(async (tx) => {
      const updated = await tx.backupSchedule.update({
        where: { id: current.id },
        data: {
          ...(change.cron !== undefined ? { cron: change.cron } : {}),
          ...(change.timeZone !== undefined ? { time_zone: change.timeZone } : {}),
          ...(change.enabled !== undefined ? { enabled: change.enabled } : {}),
          ...(change.verify !== undefined ? { verify: change.verify } : {}),
          ...(change.remarks !== undefined ? { remarks: change.remarks } : {}),
          ...(restarts ? { active_since: context.now } : {}),
        },
      });
      await recordPendingAudit(tx, context.audit, `schedule ${updated.id} ${updated.name}`);
      return updated;
    });
    return toSchedule(row);
  }

  async remove(key: number | string, context: { audit?: PendingAudit } = {}): Promise<Schedule> {
    const current = await this.get(key);
    await this.prisma.$transaction(async (tx) => {
      await tx.backupScheduleRun.deleteMany({ where: { schedule_id: current.id } });
      const deleted = await tx.backupSchedule.deleteMany({ where: { id: current.id } });
      if (deleted.count === 0) throw new BackupError('NOT_FOUND', `schedule ${current.id} does not exist`);
      await recordPendingAudit(tx, context.audit, `schedule ${current.id} ${current.name}`);
    });
    return current;
  }
}

export function nextRuns(schedule: Pick<Schedule, 'cron' | 'timeZone'>, now: Date, count: number): Date[] {
  return new CronSchedule(schedule.cron, schedule.timeZone).upcoming(now, count);
}
