import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  dayBucket,
  describeRule,
  monthBucket,
  planRetention,
  type RetentionRule,
  type RetentionSnapshot,
  weekBucket,
} from './retention.ts';
import { retentionRuleSchema } from './validation.ts';

const NOW = new Date('2026-03-15T12:00:00Z'); // a Sunday
const snap = (id: number, at: string | null): RetentionSnapshot => ({
  id: BigInt(id),
  createdAt: at === null ? null : new Date(at),
});
/** One snapshot a day at noon UTC, `days` of them ending today; ids grow with time. */
const daily = (days: number): RetentionSnapshot[] =>
  Array.from({ length: days }, (_, i) =>
    snap(i + 1, new Date(NOW.getTime() - (days - 1 - i) * 86_400_000).toISOString()),
  );

const kept = (snapshots: RetentionSnapshot[], rule: RetentionRule, pins = {}) =>
  planRetention(snapshots, rule, NOW, pins)
    .keep.map(Number)
    .sort((a, b) => a - b);

describe('planRetention', () => {
  it('keeps everything under an empty rule, saying so', () => {
    const plan = planRetention(daily(5), {}, NOW);
    assert.deepEqual(plan.delete, []);
    assert.equal(plan.keep.length, 5);
    assert.ok(plan.decisions.every((d) => d.keptBy.includes('no-rule')));
    assert.deepEqual(planRetention(daily(5), { keepLast: null, keepDays: null }, NOW).delete, []);
  });

  it('plans nothing for no snapshots', () => {
    const plan = planRetention([], { keepLast: 1 }, NOW);
    assert.deepEqual(plan, { rule: { keepLast: 1 }, now: NOW, decisions: [], keep: [], delete: [] });
  });

  it('keep-last keeps the N newest by id, whatever the times say', () => {
    assert.deepEqual(kept(daily(10), { keepLast: 3 }), [8, 9, 10]);
    // Ids, not times, decide "newest": a snapshot with an odd clock is still counted by id.
    const skewed = [snap(1, '2026-03-15T00:00:00Z'), snap(2, '2020-01-01T00:00:00Z'), snap(3, '2021-01-01T00:00:00Z')];
    assert.deepEqual(kept(skewed, { keepLast: 2 }), [2, 3]);
    assert.deepEqual(kept(daily(2), { keepLast: 5 }), [1, 2]);
  });

  it('keep-days keeps what was taken at or after now - D days, to the millisecond', () => {
    const edge = new Date(NOW.getTime() - 2 * 86_400_000);
    const snapshots = [
      snap(1, new Date(edge.getTime() - 1).toISOString()),
      snap(2, edge.toISOString()),
      snap(3, NOW.toISOString()),
    ];
    assert.deepEqual(kept(snapshots, { keepDays: 2 }), [2, 3]);
    const plan = planRetention(snapshots, { keepDays: 2 }, NOW);
    assert.deepEqual(plan.delete, [1n]);
    assert.equal(plan.decisions.find((d) => d.id === 1n)?.why, 'deleted: outside keep-days 2');
  });

  it('keep-daily keeps the newest of each day, over the last d days that have snapshots', () => {
    const snapshots = [
      snap(1, '2026-03-13T08:00:00Z'),
      snap(2, '2026-03-13T20:00:00Z'), // the newest of the 13th
      snap(3, '2026-03-14T23:59:59.999Z'),
      snap(4, '2026-03-15T00:00:00Z'), // the first instant of the 15th is the 15th
      snap(5, '2026-03-15T10:00:00Z'),
    ];
    assert.deepEqual(kept(snapshots, { keepDaily: 1 }), [5]);
    assert.deepEqual(kept(snapshots, { keepDaily: 2 }), [3, 5]);
    assert.deepEqual(kept(snapshots, { keepDaily: 3 }), [2, 3, 5]);
    assert.deepEqual(kept(snapshots, { keepDaily: 30 }), [2, 3, 5]);
  });

  it('keep-daily skips empty days instead of spending them (as restic and Kopia count)', () => {
    const snapshots = [
      snap(1, '2026-01-01T12:00:00Z'),
      snap(2, '2026-02-01T12:00:00Z'),
      snap(3, '2026-03-15T01:00:00Z'),
    ];
    assert.deepEqual(kept(snapshots, { keepDaily: 2 }), [2, 3]);
  });

  it('two snapshots at the same instant of one day: the higher id is the newest', () => {
    const snapshots = [
      snap(7, '2026-03-15T01:00:00Z'),
      snap(8, '2026-03-15T01:00:00Z'),
      snap(9, '2026-03-14T01:00:00Z'),
    ];
    const plan = planRetention(snapshots, { keepDaily: 2 }, NOW, {});
    assert.deepEqual(plan.delete, [7n]);
  });

  it('keep-weekly uses ISO weeks in UTC: Monday 00:00 starts a week', () => {
    const snapshots = [
      snap(1, '2026-03-01T23:00:00Z'), // Sunday, week 9
      snap(2, '2026-03-02T00:00:00Z'), // Monday, week 10
      snap(3, '2026-03-08T23:59:59Z'), // Sunday, week 10: the newest of week 10
      snap(4, '2026-03-09T00:00:00Z'), // Monday, week 11
      snap(5, '2026-03-15T11:00:00Z'), // Sunday, week 11: the newest of week 11
    ];
    assert.deepEqual(kept(snapshots, { keepWeekly: 1 }), [5]);
    assert.deepEqual(kept(snapshots, { keepWeekly: 2 }), [3, 5]);
    assert.deepEqual(kept(snapshots, { keepWeekly: 3 }), [1, 3, 5]);
  });

  it('weeks cross years as ISO 8601 says', () => {
    assert.equal(weekBucket(new Date('2026-01-01T00:00:00Z')), '2026-W01'); // a Thursday
    assert.equal(weekBucket(new Date('2025-12-29T00:00:00Z')), '2026-W01'); // its Monday
    assert.equal(weekBucket(new Date('2025-12-28T23:59:59Z')), '2025-W52');
    assert.equal(weekBucket(new Date('2021-01-03T12:00:00Z')), '2020-W53');
    assert.equal(weekBucket(new Date('2021-01-04T00:00:00Z')), '2021-W01');
  });

  it('keep-monthly keeps the newest of each UTC calendar month', () => {
    const snapshots = [
      snap(1, '2025-12-31T23:59:59Z'),
      snap(2, '2026-01-01T00:00:00Z'),
      snap(3, '2026-01-31T23:00:00Z'),
      snap(4, '2026-02-28T12:00:00Z'),
      snap(5, '2026-03-02T12:00:00Z'),
    ];
    assert.deepEqual(kept(snapshots, { keepMonthly: 2 }), [4, 5]);
    assert.deepEqual(kept(snapshots, { keepMonthly: 4 }), [1, 3, 4, 5]);
    assert.equal(monthBucket(new Date('2026-02-28T23:59:59.999Z')), '2026-02');
    assert.equal(dayBucket(new Date('2026-02-28T23:59:59.999Z')), '2026-02-28');
  });

  it('a snapshot is kept if ANY part keeps it, and says every part that does', () => {
    const snapshots = daily(40);
    const rule = { keepLast: 2, keepDays: 5, keepWeekly: 3, keepMonthly: 2 };
    const plan = planRetention(snapshots, rule, NOW);
    const newest = plan.decisions[0]!;
    assert.deepEqual(newest.keptBy, ['newest', 'keep-last', 'keep-days', 'keep-weekly', 'keep-monthly']);
    assert.equal(newest.why, 'kept: the newest snapshot, keep-last 2, keep-days 5, keep-weekly 3, keep-monthly 2');
    // Kept = the union of the parts alone.
    const union = new Set(
      [{ keepLast: 2 }, { keepDays: 5 }, { keepWeekly: 3 }, { keepMonthly: 2 }].flatMap((r) => kept(snapshots, r)),
    );
    assert.deepEqual(
      kept(snapshots, rule),
      [...union].sort((a, b) => a - b),
    );
    const deleted = plan.decisions.filter((d) => d.action === 'delete');
    assert.ok(deleted.length > 0);
    for (const d of deleted) {
      assert.deepEqual(d.deletedBy, ['keep-last', 'keep-days', 'keep-weekly', 'keep-monthly']);
      assert.equal(d.why, 'deleted: outside keep-last 2, keep-days 5, keep-weekly 3, keep-monthly 2');
    }
    assert.equal(plan.keep.length + plan.delete.length, 40);
  });

  it('never deletes the newest snapshot, even when no part keeps it', () => {
    const old = [snap(1, '2020-01-01T00:00:00Z'), snap(2, '2020-01-02T00:00:00Z')];
    const plan = planRetention(old, { keepDays: 1 }, NOW);
    assert.deepEqual(plan.keep, [2n]);
    assert.deepEqual(plan.decisions[0]!.keptBy, ['newest']);
  });

  it('never deletes a snapshot marked keep or one being read', () => {
    const plan = planRetention(daily(6), { keepLast: 1 }, NOW, { kept: new Set([2n]), inUse: new Set([4n, 99n]) });
    assert.deepEqual(plan.keep, [6n, 4n, 2n]);
    assert.deepEqual(plan.delete, [5n, 3n, 1n]);
    assert.deepEqual(plan.decisions.find((d) => d.id === 2n)?.keptBy, ['keep-pin']);
    assert.equal(plan.decisions.find((d) => d.id === 4n)?.why, 'kept: being read');
  });

  it('never deletes an undated snapshot for a rule that needs time; keep-last alone counts it', () => {
    const snapshots = [snap(1, null), snap(2, '2020-01-01T00:00:00Z'), snap(3, '2026-03-15T00:00:00Z')];
    assert.deepEqual(kept(snapshots, { keepDaily: 1 }), [1, 3]);
    assert.deepEqual(planRetention(snapshots, { keepDays: 1 }, NOW).decisions.at(-1)?.keptBy, ['undated']);
    assert.deepEqual(kept(snapshots, { keepLast: 1 }), [3]);
  });

  it('takes snapshots in any order and answers newest first', () => {
    const shuffled = [
      snap(3, '2026-03-15T00:00:00Z'),
      snap(1, '2026-03-13T00:00:00Z'),
      snap(2, '2026-03-14T00:00:00Z'),
    ];
    const plan = planRetention(shuffled, { keepLast: 2 }, NOW);
    assert.deepEqual(
      plan.decisions.map((d) => d.id),
      [3n, 2n, 1n],
    );
    assert.deepEqual(plan.delete, [1n]);
  });

  it('describes a rule', () => {
    assert.equal(describeRule({}), 'no rule');
    assert.equal(describeRule({ keepMonthly: 12, keepLast: 3 }), 'keep-last 3, keep-monthly 12');
  });
});

describe('retentionRuleSchema', () => {
  const error = (input: unknown) => {
    const parsed = retentionRuleSchema.safeParse(input);
    assert.equal(parsed.success, false, `accepted ${JSON.stringify(input)}`);
    return parsed.error!.issues.map((i) => i.message).join('; ');
  };

  it('takes each part, null to turn one off, and the empty rule', () => {
    assert.deepEqual(retentionRuleSchema.parse({}), {});
    assert.deepEqual(retentionRuleSchema.parse({ keepLast: 3, keepDays: null, keepMonthly: 12 }), {
      keepLast: 3,
      keepDays: null,
      keepMonthly: 12,
    });
  });

  it('refuses bad values with clear errors', () => {
    assert.match(error({ keepLast: 0 }), /keepLast must be at least 1/);
    assert.match(error({ keepDays: -1 }), /keepDays must be at least 1/);
    assert.match(error({ keepDaily: 1.5 }), /keepDaily must be a whole number/);
    assert.match(error({ keepWeekly: '3' }), /keepWeekly must be a whole number/);
    assert.match(error({ keepMonthly: 10_001 }), /keepMonthly must be at most 10000/);
    assert.match(error({ keepDays: 36_501 }), /keepDays must be at most 36500/);
    assert.match(error({ keepLast: Number.NaN }), /keepLast must be a whole number/);
    assert.match(error({ keepLast: Number.POSITIVE_INFINITY }), /keepLast/);
  });

  it('refuses unknown parts: a misspelt one must not mean "keep everything"', () => {
    assert.match(error({ keep_last: 3 }), /unknown retention setting: keep_last/);
    assert.match(error([]), /./);
    assert.match(error(null), /./);
  });
});
