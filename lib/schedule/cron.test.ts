import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CronSchedule, cronProblem, timeZoneProblem } from './cron.ts';
import { remarksTemplateProblem, renderRemarks } from './remarks.ts';
import { scheduleCreateSchema, scheduleUpdateSchema } from './validation.ts';

const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

describe('schedule cron expressions', () => {
  it('takes five fields and the nicknames, and says what is wrong with anything else', () => {
    for (const ok of ['0 2 * * *', '*/15 * * * *', '0 3 * * MON-FRI', '@daily', '@HOURLY', ' 5 4 1 * * '])
      assert.equal(cronProblem(ok), null, ok);
    assert.match(cronProblem('* * * * * *')!, /five fields .* has 6/);
    assert.match(cronProblem('0 2 * *')!, /has 4/);
    assert.match(cronProblem('61 * * * *')!, /not valid: .*minute/);
    assert.match(cronProblem('0 0 30 2 *')!, /never runs/);
    assert.match(cronProblem('@reboot')!, /unknown cron nickname/);
    assert.match(cronProblem('')!, /empty/);
    assert.match(cronProblem(`0 ${'1,'.repeat(200)}1 * * *`)!, /longer than/);
  });

  it('takes IANA zone names only', () => {
    for (const ok of ['UTC', 'Europe/Berlin', 'America/Argentina/Buenos_Aires', 'Etc/GMT+5'])
      assert.equal(timeZoneProblem(ok), null);
    assert.match(timeZoneProblem('Mars/Olympus')!, /not a time zone this server knows/);
    assert.match(timeZoneProblem('+01:00')!, /not an IANA time zone name/);
    assert.match(timeZoneProblem('Europe/Berlin; drop')!, /not an IANA/);
  });

  it("runs in the schedule's zone, through daylight-saving changes", () => {
    const berlin = new CronSchedule('0 2 * * *', 'Europe/Berlin');
    assert.deepEqual(iso(berlin.upcoming(new Date('2026-01-01T00:00:00Z'), 2)), [
      '2026-01-01T01:00:00.000Z',
      '2026-01-02T01:00:00.000Z',
    ]);
    assert.deepEqual(iso(berlin.upcoming(new Date('2026-06-30T12:00:00Z'), 1)), ['2026-07-01T00:00:00.000Z']);
    // 2026-03-29 02:00 does not exist in Berlin: that run fires at 03:00 CEST (01:00 UTC), once.
    assert.deepEqual(iso(berlin.upcoming(new Date('2026-03-28T12:00:00Z'), 2)), [
      '2026-03-29T01:00:00.000Z',
      '2026-03-30T00:00:00.000Z',
    ]);
    assert.deepEqual(iso(new CronSchedule('0 2 * * *', 'UTC').upcoming(new Date('2026-01-01T00:00:00Z'), 1)), [
      '2026-01-01T02:00:00.000Z',
    ]);
  });

  it('finds the latest due run and counts the ones before it, cheaply after a long gap', () => {
    const hourly = new CronSchedule('0 * * * *', 'UTC');
    const from = new Date('2026-01-01T00:00:00Z');
    assert.equal(hourly.latestDue(from, new Date('2026-01-01T05:30:00Z'))?.toISOString(), '2026-01-01T05:00:00.000Z');
    assert.equal(hourly.latestDue(from, new Date('2026-01-01T00:59:59Z')), null);
    assert.equal(hourly.latestDue(from, from), null, 'the start itself is not due: runs are strictly after it');
    assert.equal(hourly.countDue(from, new Date('2026-01-01T04:59:59Z')), 4);
    const minutely = new CronSchedule('* * * * *', 'UTC');
    const years = new Date('2029-01-01T00:00:30Z');
    assert.equal(minutely.latestDue(from, years)?.toISOString(), '2029-01-01T00:00:00.000Z');
    assert.equal(minutely.countDue(from, years), 1_000, 'counted up to its limit');
  });
});

describe('schedule remarks templates', () => {
  it('fills in the name and the due date and time in the zone', () => {
    const due = new Date('2026-01-01T23:30:00Z');
    assert.equal(
      renderRemarks('scheduled {name} {date} {time} {due}', { name: 'n', due, timeZone: 'Europe/Berlin' }),
      'scheduled n 2026-01-02 00:30 2026-01-01T23:30:00.000Z',
    );
  });

  it('refuses unknown placeholders and remarks that would be too long or carry control characters', () => {
    assert.equal(remarksTemplateProblem('scheduled {name} {date}', 'x'), null);
    assert.match(remarksTemplateProblem('scheduled {nmae}', 'x')!, /unknown placeholder \{nmae\}/);
    assert.match(remarksTemplateProblem('a\u0007b', 'x')!, /control characters/);
    assert.match(remarksTemplateProblem(`${'x'.repeat(480)} {due}`, 'x')!, /at most 500/);
  });

  it('parses a schedule with defaults, and refuses bad fields with their name', () => {
    const parsed = scheduleCreateSchema.parse({ name: 'nightly', cron: '0  2 * * *' });
    assert.deepEqual(parsed, {
      name: 'nightly',
      kind: 'backup',
      cron: '0 2 * * *',
      timeZone: 'UTC',
      enabled: true,
      verify: false,
      remarks: 'scheduled {name} {date} {time}',
    });
    const bad = (input: unknown) => scheduleCreateSchema.safeParse(input).error?.issues[0];
    assert.deepEqual(bad({ name: '../x', cron: '0 2 * * *' })?.path, ['name']);
    assert.deepEqual(bad({ name: 'x', cron: '0 2 * *' })?.path, ['cron']);
    assert.deepEqual(bad({ name: 'x', cron: '0 2 * * *', timeZone: 'Nowhere' })?.path, ['timeZone']);
    assert.deepEqual(bad({ name: 'x', cron: '0 2 * * *', remarks: '{x}' })?.path, ['remarks']);
    assert.deepEqual(bad({ name: 'x', cron: '0 2 * * *', extra: 1 })?.code, 'unrecognized_keys');
    assert.deepEqual(bad({ name: 'x', cron: '0 2 * * *', kind: 'restore' })?.path, ['kind']);
    assert.equal(scheduleCreateSchema.parse({ name: 'd', cron: '@weekly', kind: 'drill' }).kind, 'drill');
    assert.equal(scheduleUpdateSchema.safeParse({}).error?.issues[0]?.message, 'nothing to change');
    assert.deepEqual(scheduleUpdateSchema.parse({ enabled: false }), { enabled: false });
  });
});
