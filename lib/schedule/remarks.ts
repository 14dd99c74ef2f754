// A schedule's remarks template: the remarks of each backup it starts. Placeholders:
//   {name}  the schedule's name
//   {date}  the run's due date in the schedule's zone, YYYY-MM-DD
//   {time}  the run's due time in the schedule's zone, HH:MM
//   {due}   the run's due time in UTC, ISO 8601
// Anything else in braces is refused, so a typo does not end up in every snapshot's remarks.
import { MAX_REMARKS_LENGTH, remarksSchema } from '../backup/validation.ts';

export const REMARKS_PLACEHOLDERS = ['name', 'date', 'time', 'due'] as const;
export const DEFAULT_REMARKS_TEMPLATE = 'scheduled {name} {date} {time}';

function zoned(due: Date, timeZone: string): { date: string; time: string } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(due)
      .map((p) => [p.type, p.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

export function renderRemarks(template: string, run: { name: string; due: Date; timeZone: string }): string {
  const { date, time } = zoned(run.due, run.timeZone);
  const values: Record<string, string> = { name: run.name, date, time, due: run.due.toISOString() };
  return template.replace(/\{([a-z]+)\}/g, (_, key: string) => values[key] ?? `{${key}}`);
}

/** Why `template` cannot be a remarks template (with a schedule of this name), or null. */
export function remarksTemplateProblem(template: string, name: string): string | null {
  const unknown = [...template.matchAll(/\{([^{}]*)\}/g)]
    .map((m) => m[1]!)
    .filter((key) => !(REMARKS_PLACEHOLDERS as readonly string[]).includes(key));
  if (unknown.length)
    return `unknown placeholder {${unknown[0]}} in the remarks template (known: ${REMARKS_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')})`;
  // The longest rendering: the date and time have fixed widths, {due} is 24 characters.
  const sample = renderRemarks(template, { name, due: new Date('2026-12-31T23:59:00Z'), timeZone: 'UTC' });
  const parsed = remarksSchema.safeParse(sample);
  if (!parsed.success) return `remarks template: ${parsed.error.issues[0]!.message} once filled in`;
  if (sample.length > MAX_REMARKS_LENGTH) return `remarks template is too long`;
  return null;
}
