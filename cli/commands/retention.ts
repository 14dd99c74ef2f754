// retention set|show|preview|apply, keep ID [--reason R], unkeep ID
import { isBackupError } from '../../lib/backup/errors.ts';
import { describeRule, type RetentionPlan } from '../../lib/backup/retention.ts';
import { parseId, UsageError } from '../args.ts';
import { audited, cliActor } from '../audited.ts';
import type { CommandContext } from '../context.ts';
import { table } from '../print.ts';

const RULE_FLAGS = [
  ['keep-last', 'keepLast'],
  ['keep-days', 'keepDays'],
  ['keep-daily', 'keepDaily'],
  ['keep-weekly', 'keepWeekly'],
  ['keep-monthly', 'keepMonthly'],
] as const;

/** The flags as a rule: digits only here, the range is the core's check (named by flag). */
function ruleFromFlags(flags: CommandContext['flags']): Record<string, number> {
  const rule: Record<string, number> = {};
  for (const [flag, key] of RULE_FLAGS) {
    const text = flags[flag];
    if (text === undefined) continue;
    if (!/^\d{1,9}$/.test(text)) throw new UsageError(`--${flag} must be a whole number, got "${text}"`);
    rule[key] = Number(text);
  }
  return rule;
}

/** The core's messages name the JSON fields; here they are flags. */
function flagNames<T>(work: () => Promise<T>): Promise<T> {
  return work().catch((error: unknown) => {
    if (isBackupError(error, 'INVALID_INPUT'))
      for (const [flag, key] of RULE_FLAGS) error.message = error.message.replaceAll(key, `--${flag}`);
    throw error;
  });
}

function planTable(plan: RetentionPlan): string {
  if (plan.decisions.length === 0) return 'no snapshots';
  const rows = [['ID', 'CREATED', 'ACTION', 'WHY']];
  for (const d of plan.decisions)
    rows.push([String(d.id), d.createdAt?.toISOString() ?? '–', d.action.toUpperCase(), d.why]);
  return `${table(rows)}\n${plan.delete.length} to delete, ${plan.keep.length} to keep (rule: ${describeRule(plan.rule)})`;
}

const planJson = (plan: RetentionPlan) => ({
  rule: plan.rule,
  now: plan.now,
  decisions: plan.decisions,
  keep: plan.keep,
  delete: plan.delete,
});

export async function runRetention(context: CommandContext): Promise<number> {
  const { manager, prisma, flags, args, print } = context;
  const [sub, ...extra] = args;
  if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
  switch (sub) {
    case 'show': {
      const stored = await manager.retentionRule();
      print(
        stored
          ? `${describeRule(stored.rule)} (set by ${stored.updatedBy} at ${stored.updatedAt.toISOString()})`
          : 'no rule: every snapshot is kept',
        stored,
      );
      return 0;
    }
    case 'set': {
      const rule = ruleFromFlags(flags);
      const stored = await flagNames(() =>
        audited(prisma, 'retention.set', null, (audit) => manager.setRetentionRule(rule, cliActor(), audit)),
      );
      print(`retention: ${describeRule(stored.rule)}; nothing is deleted until it is applied`, stored);
      return 0;
    }
    case 'preview': {
      const plan = await manager.previewRetention();
      print(planTable(plan), planJson(plan));
      return 0;
    }
    case 'apply': {
      const applied = await audited(prisma, 'retention.apply', null, (audit) =>
        manager.applyRetention({ requestId: audit.requestId }),
      );
      print(
        applied.deleted.length
          ? `deleted ${applied.deleted.join(', ')} (rule: ${describeRule(applied.plan.rule)})`
          : `nothing to delete (rule: ${describeRule(applied.plan.rule)})`,
        { deleted: applied.deleted, plan: planJson(applied.plan) },
      );
      return 0;
    }
    default:
      throw new UsageError(sub === undefined ? 'missing retention command' : `unknown retention command "${sub}"`);
  }
}

export async function runKeep({ manager, prisma, flags, args, print }: CommandContext): Promise<number> {
  const id = parseId(args[0], 'SNAPSHOT_ID');
  const pin = await audited(prisma, 'snapshot.keep', `snapshot ${id}`, (audit) =>
    manager.keepSnapshot(id, { reason: flags.reason ?? null, by: cliActor(), audit }),
  );
  print(`snapshot ${id} is kept${pin.reason ? `: ${pin.reason}` : ''}`, pin);
  return 0;
}

export async function runUnkeep({ manager, prisma, args, print }: CommandContext): Promise<number> {
  const id = parseId(args[0], 'SNAPSHOT_ID');
  const had = await audited(prisma, 'snapshot.unkeep', `snapshot ${id}`, (audit) => manager.unkeepSnapshot(id, audit));
  print(had ? `snapshot ${id} is no longer kept` : `snapshot ${id} was not marked keep`, { id, unkept: had });
  return 0;
}
