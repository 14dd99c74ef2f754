// The retention planner: which snapshots a rule keeps and which it deletes, and why. Pure: it
// reads no clock, store or database, so every decision can be tested and previewed as is.
//
// A snapshot is kept if ANY part of the rule keeps it, and never deleted when it is the newest
// snapshot, marked keep, or being read (verify, restore). Everything else is deleted.
//
// - keep-last N: the N newest snapshots (by id: ids come from one sequence, so they grow).
// - keep-days D: snapshots created at or after now - D × 24 h.
// - keep-daily d / keep-weekly w / keep-monthly m: the newest snapshot of each of the last d
//   days / w weeks / m months that HAVE snapshots (as restic and Kopia count: an empty day is
//   skipped, not spent). Days, weeks and months are UTC; a week starts on Monday (ISO 8601).
// - A snapshot with no creation time (made by another tool) is never deleted by a rule that
//   needs time: only keep-last can pass over it.
// - An empty rule keeps everything.

export type RetentionRuleName = 'keep-last' | 'keep-days' | 'keep-daily' | 'keep-weekly' | 'keep-monthly';

export interface RetentionRule {
  keepLast?: number | null;
  keepDays?: number | null;
  keepDaily?: number | null;
  keepWeekly?: number | null;
  keepMonthly?: number | null;
}

/** Why a snapshot is kept: a part of the rule, or one of the never-delete reasons. */
export type KeepReason = RetentionRuleName | 'newest' | 'keep-pin' | 'in-use' | 'no-rule' | 'undated';

export interface RetentionSnapshot {
  id: bigint;
  /** When it was taken; null when the manifest does not say. */
  createdAt: Date | null;
}

export interface RetentionPins {
  /** Snapshots marked keep. */
  kept?: ReadonlySet<bigint>;
  /** Snapshots a verify, restore or download is reading now. */
  inUse?: ReadonlySet<bigint>;
}

export interface RetentionDecision {
  id: bigint;
  createdAt: Date | null;
  action: 'keep' | 'delete';
  /** Every reason that keeps it (empty when deleted), in a fixed order. */
  keptBy: KeepReason[];
  /** The parts of the rule that passed over it (when deleted): together they chose it. */
  deletedBy: RetentionRuleName[];
  /** One line for people: "kept: keep-last 3, keep-daily 7" or "deleted: outside keep-last 3". */
  why: string;
}

export interface RetentionPlan {
  rule: RetentionRule;
  now: Date;
  /** Newest first. */
  decisions: RetentionDecision[];
  keep: bigint[];
  delete: bigint[];
}

const RULE_PARTS: readonly [keyof RetentionRule, RetentionRuleName][] = [
  ['keepLast', 'keep-last'],
  ['keepDays', 'keep-days'],
  ['keepDaily', 'keep-daily'],
  ['keepWeekly', 'keep-weekly'],
  ['keepMonthly', 'keep-monthly'],
];

/** The never-delete reasons in people's words (a rule's part is shown as `keep-last 2`). */
const REASON_LABELS = {
  newest: 'the newest snapshot',
  'keep-pin': 'marked keep',
  'in-use': 'being read',
  'no-rule': 'no rule',
  undated: 'no creation time',
} as const satisfies Partial<Record<KeepReason, string>>;

const REASON_ORDER: readonly KeepReason[] = [
  'newest',
  'keep-pin',
  'in-use',
  'no-rule',
  'undated',
  'keep-last',
  'keep-days',
  'keep-daily',
  'keep-weekly',
  'keep-monthly',
];

const DAY_MS = 86_400_000;

/** The parts of a rule that are set, with their values. */
export function ruleParts(rule: RetentionRule): [RetentionRuleName, number][] {
  return RULE_PARTS.flatMap(([key, name]) => {
    const value = rule[key];
    return value === null || value === undefined ? [] : [[name, value] as [RetentionRuleName, number]];
  });
}

/** "keep-last 3, keep-daily 7", or "no rule". */
export function describeRule(rule: RetentionRule): string {
  const parts = ruleParts(rule);
  return parts.length === 0 ? 'no rule' : parts.map(([name, value]) => `${name} ${value}`).join(', ');
}

/** The UTC day of a time, as "2026-01-31". */
export function dayBucket(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The UTC ISO week of a time, as "2026-W05" (weeks start on Monday; week 1 holds the first Thursday). */
export function weekBucket(at: Date): string {
  const day = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  const weekday = day.getUTCDay() || 7; // Monday 1 … Sunday 7
  day.setUTCDate(day.getUTCDate() + 4 - weekday); // the Thursday of its week decides the year
  const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((day.getTime() - yearStart) / DAY_MS + 1) / 7);
  return `${day.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/** The UTC month of a time, as "2026-01". */
export function monthBucket(at: Date): string {
  return at.toISOString().slice(0, 7);
}

/**
 * The newest snapshot of each of the newest `count` buckets that hold a snapshot. `dated` is
 * newest first, so the first snapshot met in a bucket is its newest.
 */
function generations(dated: readonly RetentionSnapshot[], count: number, bucket: (at: Date) => string): Set<bigint> {
  const kept = new Set<bigint>();
  const seen = new Set<string>();
  for (const s of dated) {
    if (seen.size >= count) break;
    const key = bucket(s.createdAt!);
    if (seen.has(key)) continue;
    seen.add(key);
    kept.add(s.id);
  }
  return kept;
}

/**
 * Plans retention: every snapshot, keep or delete, and why. `rule` must have passed
 * retentionRuleSchema (lib/backup/validation.ts); `now` comes from the caller's Clock.
 */
export function planRetention(
  snapshots: readonly RetentionSnapshot[],
  rule: RetentionRule,
  now: Date,
  pins: RetentionPins = {},
): RetentionPlan {
  const byId = [...snapshots].sort((a, b) => (a.id === b.id ? 0 : a.id > b.id ? -1 : 1));
  const parts = ruleParts(rule);
  const reasons = new Map<bigint, Set<KeepReason>>(byId.map((s) => [s.id, new Set()]));
  const keepBy = (ids: Iterable<bigint>, reason: KeepReason) => {
    for (const id of ids) reasons.get(id)?.add(reason);
  };

  if (byId.length > 0) keepBy([byId[0]!.id], 'newest');
  keepBy(
    byId.filter((s) => pins.kept?.has(s.id)).map((s) => s.id),
    'keep-pin',
  );
  keepBy(
    byId.filter((s) => pins.inUse?.has(s.id)).map((s) => s.id),
    'in-use',
  );
  if (parts.length === 0) keepBy(reasons.keys(), 'no-rule');

  const usesTime = parts.some(([name]) => name !== 'keep-last');
  if (usesTime)
    keepBy(
      byId.filter((s) => s.createdAt === null).map((s) => s.id),
      'undated',
    );
  // Generations are counted over dated snapshots, newest (by time, then id) first.
  const dated = byId
    .filter((s) => s.createdAt !== null)
    .sort((a, b) => b.createdAt!.getTime() - a.createdAt!.getTime() || (a.id > b.id ? -1 : a.id < b.id ? 1 : 0));
  for (const [name, value] of parts) {
    switch (name) {
      case 'keep-last':
        keepBy(
          byId.slice(0, value).map((s) => s.id),
          name,
        );
        break;
      case 'keep-days': {
        const since = now.getTime() - value * DAY_MS;
        keepBy(
          dated.filter((s) => s.createdAt!.getTime() >= since).map((s) => s.id),
          name,
        );
        break;
      }
      case 'keep-daily':
        keepBy(generations(dated, value, dayBucket), name);
        break;
      case 'keep-weekly':
        keepBy(generations(dated, value, weekBucket), name);
        break;
      case 'keep-monthly':
        keepBy(generations(dated, value, monthBucket), name);
        break;
    }
  }

  const decisions = byId.map((s): RetentionDecision => {
    const keptBy = REASON_ORDER.filter((r) => reasons.get(s.id)!.has(r));
    if (keptBy.length > 0) {
      const labels = keptBy.map((r) => {
        const value = parts.find(([name]) => name === r)?.[1];
        return value === undefined ? (REASON_LABELS[r as keyof typeof REASON_LABELS] ?? r) : `${r} ${value}`;
      });
      return {
        id: s.id,
        createdAt: s.createdAt,
        action: 'keep',
        keptBy,
        deletedBy: [],
        why: `kept: ${labels.join(', ')}`,
      };
    }
    const deletedBy = parts.map(([name]) => name);
    return {
      id: s.id,
      createdAt: s.createdAt,
      action: 'delete',
      keptBy: [],
      deletedBy,
      why: `deleted: outside ${describeRule(rule)}`,
    };
  });
  return {
    rule,
    now,
    decisions,
    keep: decisions.filter((d) => d.action === 'keep').map((d) => d.id),
    delete: decisions.filter((d) => d.action === 'delete').map((d) => d.id),
  };
}
