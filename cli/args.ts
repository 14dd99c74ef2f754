// The command line: one parser for every command's flags, and the checks of ids and limits.
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { idSchema } from '../lib/backup/validation.ts';

/** Bad usage: ctl prints the message and the usage, and exits 2. */
export class UsageError extends Error {}

/** Every flag of every command; `--help`/`-h` is the only one the usage does not list. */
export const OPTIONS = {
  json: { type: 'boolean', default: false },
  remarks: { type: 'string' },
  wait: { type: 'boolean', default: false },
  verify: { type: 'boolean', default: false },
  limit: { type: 'string' },
  after: { type: 'string' },
  url: { type: 'string' },
  dir: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
  'validate-integrity': { type: 'boolean', default: false },
  delete: { type: 'boolean', default: false },
  'target-url': { type: 'string' },
  'snapshot-id': { type: 'string' },
  'backup-url': { type: 'string' },
  'backup-dir': { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
  'overwrite-hummock-url': { type: 'string' },
  'overwrite-hummock-dir': { type: 'string' },
  'overwrite-backup-url': { type: 'string' },
  'overwrite-backup-dir': { type: 'string' },
  role: { type: 'string' },
  name: { type: 'string' },
  scope: { type: 'string' },
  'expires-in': { type: 'string' },
  cron: { type: 'string' },
  drill: { type: 'boolean', default: false },
  tz: { type: 'string' },
  'keep-last': { type: 'string' },
  'keep-days': { type: 'string' },
  'keep-daily': { type: 'string' },
  'keep-weekly': { type: 'string' },
  'keep-monthly': { type: 'string' },
  reason: { type: 'string' },
  webhook: { type: 'string' },
  secret: { type: 'string' },
  slack: { type: 'string' },
  email: { type: 'string' },
  events: { type: 'string' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

/** The process's arguments; throws (a TypeError from node:util) on an unknown flag or a missing value. */
export function parseCommandLine() {
  return parseArgs({ allowPositionals: true, options: OPTIONS });
}

export type Flags = ReturnType<typeof parseCommandLine>['values'];

export function parseId(text: string | undefined, what: string): bigint {
  if (text === undefined) throw new UsageError(`missing ${what}`);
  const parsed = idSchema.safeParse(text.trim());
  if (!parsed.success) throw new UsageError(parsed.error.issues[0]!.message);
  return parsed.data;
}

export function parseLimit(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1)
    throw new UsageError(`--limit must be a positive integer, got "${text}"`);
  return Number(text);
}
