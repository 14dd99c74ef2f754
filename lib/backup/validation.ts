// Input schemas of the core, shared by the CLI, the JSON API and server actions.
import { z } from 'zod';
import { DEFAULT_VERIFY_AFTER_BACKUP } from './defaults.ts';

export const MAX_REMARKS_LENGTH = 500;

export const remarksSchema = z
  .string()
  .trim()
  .max(MAX_REMARKS_LENGTH, `remarks must be at most ${MAX_REMARKS_LENGTH} characters`)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what it refuses.
  .refine((s) => !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(s), 'remarks must not contain control characters')
  // A lone surrogate is no character: no database or JSON encoder can store it as text.
  .refine(
    (s) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s),
    'remarks must be valid Unicode text',
  )
  .transform((s) => (s === '' ? null : s));

export { DEFAULT_VERIFY_AFTER_BACKUP };

/**
 * What a caller gives to start a backup job (console action and JSON API). The remarks' rules
 * (remarksSchema) are checked once, by BackupManager#startBackupJob, which every caller crosses.
 */
export const startJobInputSchema = z.object({
  remarks: z
    .string()
    .optional()
    .meta({
      description: `Shown with the snapshot: at most ${MAX_REMARKS_LENGTH} characters, no control characters; trimmed, and blank means none.`,
    }),
  verify: z
    .boolean()
    .default(DEFAULT_VERIFY_AFTER_BACKUP)
    .meta({
      description: `Read the snapshot back once written and keep the outcome on the job (default ${DEFAULT_VERIFY_AFTER_BACKUP}); a detached runner honours it too.`,
    }),
});

/**
 * A u64 id given as text (JSON APIs carry 64-bit ids as decimal strings): digits only, exactly;
 * " 1" is not taken for 1 (BigInt() would), since a path or body that names an id must name it.
 */
export const idSchema = z
  .union([z.string(), z.number(), z.bigint()])
  .transform((value, ctx) => {
    const text = String(value);
    if (!/^\d{1,20}$/.test(text) || BigInt(text) > 0xffff_ffff_ffff_ffffn) {
      ctx.addIssue({ code: 'custom', message: `"${text}" is not a valid id (a non-negative 64-bit integer)` });
      return z.NEVER;
    }
    return BigInt(text);
  })
  .meta({
    // How the API document (lib/api/openapi.ts) shows it: ids travel as decimal strings.
    id: 'Id',
    type: 'string',
    pattern: '^\\d{1,20}$',
    description: 'A 64-bit id, as a decimal string (a JSON integer is taken too).',
  });

export const idListSchema = z.array(idSchema).min(1, 'give at least one id').max(1000, 'at most 1000 ids at once');

export const storageConfigSchema = z
  .object({
    url: z
      .string()
      .trim()
      .min(1, 'the storage URL must not be blank')
      .max(2048)
      .meta({ description: 's3://bucket, minio://key:secret@host:port/bucket, fs://path or memory.' })
      .optional(),
    directory: z
      .string()
      .trim()
      .min(1, 'the storage directory must not be blank')
      .max(512)
      .meta({ description: 'The directory in the store that holds the snapshots and the manifest.' })
      .optional(),
  })
  .refine((c) => c.url !== undefined || c.directory !== undefined, 'give a URL, a directory or both');

export const MAX_RETENTION_COUNT = 10_000;
export const MAX_RETENTION_DAYS = 36_500;

const retentionCount = (name: string, max: number, description: string) =>
  z
    .number({ error: `${name} must be a whole number` })
    .int(`${name} must be a whole number`)
    .min(1, `${name} must be at least 1 (leave it out, or null, to turn it off)`)
    .max(max, `${name} must be at most ${max}`)
    .nullable()
    .optional()
    .meta({ description });

/**
 * A retention rule (lib/backup/retention.ts): each part is off when absent or null; a snapshot
 * is kept if any part keeps it; no part at all keeps everything. Unknown keys are refused, so a
 * misspelt part never silently turns into "keep everything".
 */
export const retentionRuleSchema = z.strictObject(
  {
    keepLast: retentionCount('keepLast', MAX_RETENTION_COUNT, 'Keep the N newest snapshots.'),
    keepDays: retentionCount('keepDays', MAX_RETENTION_DAYS, 'Keep snapshots taken in the last D days (D × 24 h).'),
    keepDaily: retentionCount(
      'keepDaily',
      MAX_RETENTION_COUNT,
      'Keep the newest snapshot of each of the last d UTC days that have one.',
    ),
    keepWeekly: retentionCount(
      'keepWeekly',
      MAX_RETENTION_COUNT,
      'Keep the newest snapshot of each of the last w ISO weeks (UTC, from Monday) that have one.',
    ),
    keepMonthly: retentionCount(
      'keepMonthly',
      MAX_RETENTION_COUNT,
      'Keep the newest snapshot of each of the last m UTC calendar months that have one.',
    ),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? `unknown retention setting: ${issue.keys.join(', ')}` : undefined,
  },
);

/** Why a snapshot is marked keep: remarks' rules (at most 500 characters, no control characters). */
export const keepReasonSchema = remarksSchema;
