// Cron expressions and time zones of schedules, read by croner: five fields (minute, hour,
// day of month, month, day of week, as Vixie cron) or a nickname (@hourly, @daily, @weekly,
// @monthly, @yearly), evaluated in an IANA time zone.
import { Cron } from 'croner';

export const CRON_NICKNAMES = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];
export const MAX_CRON_LENGTH = 200;

/** Why `zone` is not an IANA time zone this process knows, or null when it is one. */
export function timeZoneProblem(zone: string): string | null {
  // An IANA name (Area/City, or UTC); Intl would also take offsets such as "+01:00", which
  // follow no daylight-saving rules and are refused.
  if (zone.length > 64 || !/^(?:UTC|[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*)$/.test(zone))
    return `"${zone.slice(0, 64)}" is not an IANA time zone name (such as Europe/Berlin or UTC)`;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return null;
  } catch {
    return `"${zone}" is not a time zone this server knows (an IANA name such as Europe/Berlin or UTC)`;
  }
}

/** Why `expression` is not a schedule's cron expression, or null when it is one. */
export function cronProblem(expression: string): string | null {
  const text = expression.trim();
  if (!text) return 'the cron expression is empty';
  if (text.length > MAX_CRON_LENGTH) return `the cron expression is longer than ${MAX_CRON_LENGTH} characters`;
  if (text.startsWith('@')) {
    if (!CRON_NICKNAMES.includes(text.toLowerCase()))
      return `unknown cron nickname "${text}" (one of ${CRON_NICKNAMES.join(', ')})`;
  } else {
    const fields = text.split(/\s+/).length;
    if (fields !== 5)
      return `a cron expression has five fields (minute hour day-of-month month day-of-week), "${text}" has ${fields}`;
  }
  try {
    const cron = new Cron(text, { paused: true, timezone: 'UTC', mode: '5-part' });
    // A pattern such as "0 0 30 2 *" parses but never runs.
    if (!cron.nextRun(new Date(0))) return `the cron expression "${text}" never runs`;
    return null;
  } catch (error) {
    return `the cron expression "${text}" is not valid: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** The runner of one expression in one zone (both already checked). */
export class CronSchedule {
  private readonly cron: Cron;

  constructor(
    readonly expression: string,
    readonly timeZone: string,
  ) {
    this.cron = new Cron(expression.trim(), { paused: true, timezone: timeZone, mode: '5-part' });
  }

  /** The first run strictly after `after`, or null. */
  next(after: Date): Date | null {
    return this.cron.nextRun(after);
  }

  /** The next `count` runs strictly after `after`. */
  upcoming(after: Date, count: number): Date[] {
    const runs: Date[] = [];
    for (let at = this.next(after); at && runs.length < count; at = this.next(at)) runs.push(at);
    return runs;
  }

  /** The latest run in (after, until], or null: looks back in growing windows, so a long gap costs little. */
  latestDue(after: Date, until: Date): Date | null {
    for (const back of [HOUR, DAY, 32 * DAY, 367 * DAY, 3_700 * DAY, Number.POSITIVE_INFINITY]) {
      const from = Math.max(after.getTime(), until.getTime() - back);
      let latest: Date | null = null;
      for (let at = this.next(new Date(from)); at && at.getTime() <= until.getTime(); at = this.next(at)) latest = at;
      if (latest || from === after.getTime()) return latest;
    }
    return null;
  }

  /** How many runs are due in (after, until], counted up to `limit`. */
  countDue(after: Date, until: Date, limit = MAX_COUNTED): number {
    let count = 0;
    for (let at = this.next(after); at && count < limit && at.getTime() <= until.getTime(); at = this.next(at)) count++;
    return count;
  }
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Missed runs are counted up to this many; more are reported as "at least". */
export const MAX_COUNTED = 1_000;
