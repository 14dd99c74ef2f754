// Retention in a storage location: its rule and keep pins (console tables keyed by the masked URL
// and directory, as snapshot_verification), the plan for the manifest now (retention.ts), and
// applying it: deletions go through the storage's delete (manifest first, then objects), and
// each one leaves an audit row naming the rule that chose it.
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import { type PendingAudit, recordPendingAudit, writeAuditEvent } from '../meta/audit-log.ts';
import type { MetaStore } from '../meta/client.ts';
import { BackupError, isBackupError } from './errors.ts';
import { MAX_STORED_ID } from './job-records.ts';
import type { SnapshotSummary } from './manifest.ts';
import { describeRule, planRetention, type RetentionPlan, type RetentionRule } from './retention.ts';
import { snapshotsInUse } from './snapshot-readers.ts';
import type { MetaSnapshotStorage } from './snapshot-storage.ts';
import { keepReasonSchema, retentionRuleSchema } from './validation.ts';

/** The actor of retention's own audit rows. */
export const RETENTION_ACTOR = 'retention';

export interface StoredRetentionRule {
  rule: RetentionRule;
  updatedBy: string;
  updatedAt: Date;
}

export interface KeepPin {
  snapshotId: bigint;
  reason: string | null;
  keptBy: string;
  keptAt: Date;
}

export interface RetentionApplied {
  plan: RetentionPlan;
  /** What was deleted (the plan's deletions less any pinned or read since it was made). */
  deleted: bigint[];
}

const where = (storage: MetaSnapshotStorage) => ({
  storage_url: storage.store.displayUrl,
  storage_directory: storage.dir,
});

/** The rule as given (validated): each part a whole number ≥ 1 or off. */
export function parseRetentionRule(input: unknown): RetentionRule {
  const parsed = retentionRuleSchema.safeParse(input);
  if (!parsed.success)
    throw new BackupError('INVALID_INPUT', `retention rule: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  const rule: RetentionRule = {};
  for (const [key, value] of Object.entries(parsed.data)) if (value != null) rule[key as keyof RetentionRule] = value;
  return rule;
}

export class RetentionService {
  constructor(
    private readonly options: {
      meta: MetaStore;
      clock: Clock;
      log: Logger;
      storage: () => Promise<MetaSnapshotStorage>;
    },
  ) {}

  private get prisma() {
    return this.options.meta.prisma;
  }

  async rule(): Promise<StoredRetentionRule | null> {
    const row = await this.prisma.retentionRule.findUnique({
      where: { storage_url_storage_directory: where(await this.options.storage()) },
    });
    if (!row) return null;
    const rule: RetentionRule = {};
    if (row.keep_last !== null) rule.keepLast = row.keep_last;
    if (row.keep_days !== null) rule.keepDays = row.keep_days;
    if (row.keep_daily !== null) rule.keepDaily = row.keep_daily;
    if (row.keep_weekly !== null) rule.keepWeekly = row.keep_weekly;
    if (row.keep_monthly !== null) rule.keepMonthly = row.keep_monthly;
    return { rule, updatedBy: row.updated_by, updatedAt: row.updated_at };
  }

  /** Replaces the rule of the current location (parts not given are turned off). */
  async setRule(input: unknown, by: string, audit?: PendingAudit): Promise<StoredRetentionRule> {
    const rule = parseRetentionRule(input);
    const storage = await this.options.storage();
    const at = this.options.clock.now();
    const fields = {
      keep_last: rule.keepLast ?? null,
      keep_days: rule.keepDays ?? null,
      keep_daily: rule.keepDaily ?? null,
      keep_weekly: rule.keepWeekly ?? null,
      keep_monthly: rule.keepMonthly ?? null,
      updated_by: by,
      updated_at: at,
    };
    await this.prisma.$transaction(async (tx) => {
      await tx.retentionRule.upsert({
        where: { storage_url_storage_directory: where(storage) },
        create: { ...where(storage), ...fields },
        update: fields,
      });
      if (audit) audit.action ??= 'retention.set';
      await recordPendingAudit(tx, audit, `${describeRule(rule)} in ${storage.dir}/ of ${storage.store.displayUrl}`);
    });
    return { rule, updatedBy: by, updatedAt: at };
  }

  /** Keep pins of the current location, by snapshot id. */
  async keeps(): Promise<Map<bigint, KeepPin>> {
    const rows = await this.prisma.snapshotKeep.findMany({ where: where(await this.options.storage()) });
    return new Map(
      rows.map((r) => [
        r.snapshot_id,
        { snapshotId: r.snapshot_id, reason: r.reason, keptBy: r.kept_by, keptAt: r.kept_at },
      ]),
    );
  }

  async keepOf(id: bigint): Promise<KeepPin | null> {
    if (id > MAX_STORED_ID) return null;
    const row = await this.prisma.snapshotKeep.findUnique({
      where: { storage_url_storage_directory_snapshot_id: { ...where(await this.options.storage()), snapshot_id: id } },
    });
    return row && { snapshotId: row.snapshot_id, reason: row.reason, keptBy: row.kept_by, keptAt: row.kept_at };
  }

  /** Marks a snapshot of the current location keep (again: the reason and who are replaced). */
  async keep(
    id: bigint,
    options: { reason?: string | null; by: string; audit?: PendingAudit; entries: () => Promise<SnapshotSummary[]> },
  ): Promise<KeepPin> {
    const reason = keepReasonSchema.safeParse(options.reason ?? '');
    if (!reason.success)
      throw new BackupError(
        'INVALID_INPUT',
        `reason: ${reason.error.issues[0]!.message.replace(/^remarks/, 'the reason')}`,
      );
    if (!(await options.entries()).some((s) => s.id === id))
      throw new BackupError('NOT_FOUND', `snapshot id ${id} not found`);
    const storage = await this.options.storage();
    const pin = { snapshotId: id, reason: reason.data, keptBy: options.by, keptAt: this.options.clock.now() };
    const fields = { reason: pin.reason, kept_by: pin.keptBy, kept_at: pin.keptAt };
    await this.prisma.$transaction(async (tx) => {
      await tx.snapshotKeep.upsert({
        where: { storage_url_storage_directory_snapshot_id: { ...where(storage), snapshot_id: id } },
        create: { ...where(storage), snapshot_id: id, ...fields },
        update: fields,
      });
      if (options.audit) options.audit.action ??= 'snapshot.keep';
      await recordPendingAudit(tx, options.audit, `snapshot ${id}`);
    });
    return pin;
  }

  /** Removes a snapshot's keep mark; true when it had one. */
  async unkeep(id: bigint, audit?: PendingAudit): Promise<boolean> {
    if (id > MAX_STORED_ID) throw new BackupError('NOT_FOUND', `snapshot id ${id} is not marked keep`);
    const storage = await this.options.storage();
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.snapshotKeep.deleteMany({ where: { ...where(storage), snapshot_id: id } });
      if (audit) audit.action ??= 'snapshot.unkeep';
      await recordPendingAudit(tx, audit, `snapshot ${id}`);
      return count > 0;
    });
  }

  /** Forgets the keep marks of deleted snapshots. */
  async forget(storage: MetaSnapshotStorage, ids: readonly bigint[]): Promise<void> {
    const stored = ids.filter((id) => id <= MAX_STORED_ID);
    if (stored.length)
      await this.prisma.snapshotKeep.deleteMany({ where: { ...where(storage), snapshot_id: { in: stored } } });
  }

  /** The plan for the current manifest under a rule (the stored one unless given); changes nothing. */
  async preview(rule?: unknown): Promise<RetentionPlan> {
    const storage = await this.options.storage();
    const given = rule === undefined ? ((await this.rule())?.rule ?? {}) : parseRetentionRule(rule);
    return this.plan(storage, given);
  }

  private async plan(storage: MetaSnapshotStorage, rule: RetentionRule): Promise<RetentionPlan> {
    const manifest = await storage.refreshManifest();
    const snapshots = manifest.snapshot_metadata.map((s) => {
      const at = s.created_at === undefined ? null : new Date(s.created_at);
      return { id: s.id, createdAt: at && !Number.isNaN(at.getTime()) ? at : null };
    });
    const kept = new Set((await this.keeps()).keys());
    return planRetention(snapshots, rule, this.options.clock.now(), { kept, inUse: snapshotsInUse(storage) });
  }

  /**
   * Applies the stored rule of the current location: nothing without one. Pins and readers are
   * looked at again just before the delete, so one set after the plan was made still holds.
   */
  async apply(options: { requestId?: string | null } = {}): Promise<RetentionApplied> {
    const storage = await this.options.storage();
    const stored = await this.rule();
    const plan = await this.plan(storage, stored?.rule ?? {});
    const kept = await this.keeps();
    const reading = snapshotsInUse(storage);
    const doomed = plan.decisions.filter((d) => d.action === 'delete' && !kept.has(d.id) && !reading.has(d.id));
    if (doomed.length === 0) return { plan, deleted: [] };
    const log = this.options.log.child({ requestId: options.requestId ?? null });
    const ids = doomed.map((d) => d.id);
    const rule = describeRule(plan.rule);
    let failure: unknown;
    try {
      await storage.delete(ids);
      await this.forget(storage, ids);
    } catch (error) {
      failure = error;
    }
    const at = this.options.clock.now();
    const code = failure === undefined ? 'ok' : isBackupError(failure) ? failure.code : 'INTERNAL';
    const detail = failure === undefined ? '' : `: ${(failure as Error).message}`;
    await this.prisma.$transaction(async (tx) => {
      for (const d of doomed)
        await writeAuditEvent(tx, {
          actor: RETENTION_ACTOR,
          action: 'retention.delete',
          target: `snapshot ${d.id}`,
          result: code,
          message: `${d.why} (rule: ${rule}; in ${storage.dir}/ of ${storage.store.displayUrl})${detail}`,
          requestId: options.requestId ?? null,
          at,
        });
    });
    if (failure !== undefined) {
      log.error({ ids: ids.map(String), rule, err: failure }, 'retention could not delete snapshots');
      throw failure;
    }
    log.info({ ids: ids.map(String), rule }, 'retention deleted snapshots');
    return { plan, deleted: ids };
  }
}
