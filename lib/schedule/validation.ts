// Input schemas of schedules, shared by the CLI, the JSON API and server actions.
import { z } from 'zod';
import { cronProblem, timeZoneProblem } from './cron.ts';
import { DEFAULT_REMARKS_TEMPLATE, REMARKS_PLACEHOLDERS, remarksTemplateProblem } from './remarks.ts';

export const MAX_SCHEDULE_NAME_LENGTH = 64;

export const scheduleNameSchema = z
  .string()
  .min(1, 'the schedule name is empty')
  .max(MAX_SCHEDULE_NAME_LENGTH, `the schedule name is longer than ${MAX_SCHEDULE_NAME_LENGTH} characters`)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
    'the schedule name is letters, digits, ".", "_" and "-", starting with a letter or digit',
  )
  .meta({ description: 'Unique; letters, digits, ".", "_" and "-".' });

export const cronSchema = z
  .string()
  .superRefine((value, ctx) => {
    const problem = cronProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .transform((s) => s.trim().replace(/\s+/g, ' '))
  .meta({
    description:
      'Five fields (minute hour day-of-month month day-of-week, as cron) or @hourly, @daily, @weekly, @monthly, @yearly.',
    example: '0 2 * * *',
  });

export const timeZoneSchema = z
  .string()
  .superRefine((value, ctx) => {
    const problem = timeZoneProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .meta({ description: 'The IANA time zone the cron expression is read in.', example: 'Europe/Berlin' });

export const remarksTemplateSchema = z
  .string()
  .max(500, 'the remarks template is longer than 500 characters')
  .meta({
    description: `The remarks of each backup the schedule starts; placeholders ${REMARKS_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')} (the due date and time in the schedule's zone, the due time in UTC).`,
    example: DEFAULT_REMARKS_TEMPLATE,
  });

export const SCHEDULE_KINDS = ['backup', 'drill'] as const;
export type ScheduleKind = (typeof SCHEDULE_KINDS)[number];

export const scheduleKindSchema = z.enum(SCHEDULE_KINDS).meta({
  description:
    'backup: starts a backup job. drill: a restore drill of the newest snapshot (verified, restored into a scratch SQLite store, rows counted); remarks and verify do not apply.',
});

const fields = {
  kind: scheduleKindSchema.default('backup'),
  cron: cronSchema,
  timeZone: timeZoneSchema.default('UTC'),
  enabled: z.boolean().default(true).meta({ description: 'Whether the schedule fires.' }),
  verify: z.boolean().default(false).meta({ description: 'Read each snapshot back once written.' }),
  remarks: remarksTemplateSchema.default(DEFAULT_REMARKS_TEMPLATE),
};

export const scheduleCreateSchema = z
  .strictObject({ name: scheduleNameSchema, ...fields })
  .superRefine((input, ctx) => {
    const problem = remarksTemplateProblem(input.remarks, input.name);
    if (problem) ctx.addIssue({ code: 'custom', path: ['remarks'], message: problem });
  });
export type ScheduleCreateInput = z.input<typeof scheduleCreateSchema>;

/** A change: any of the fields; the name stays. */
export const scheduleUpdateSchema = z
  .strictObject({
    cron: cronSchema.optional(),
    timeZone: timeZoneSchema.optional(),
    enabled: fields.enabled.unwrap().optional(),
    verify: fields.verify.unwrap().optional(),
    remarks: remarksTemplateSchema.optional(),
  })
  .refine((input) => Object.values(input).some((v) => v !== undefined), 'nothing to change');
export type ScheduleUpdateInput = z.input<typeof scheduleUpdateSchema>;

/** A preview of the next runs of an expression, as typed. */
export const cronPreviewSchema = z.strictObject({ cron: cronSchema, timeZone: timeZoneSchema.default('UTC') });
