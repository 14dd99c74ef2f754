// Checks one manifest entry's fields, as `parseManifest` always has: the streaming scanner
// (manifest-scan.ts) hands each entry's text over with its `ssts` array taken out.
import { z } from 'zod';
import { BACKSLASH, DOT, isDigit, LOWER_E, MINUS, QUOTE, UPPER_E } from '../format/ascii.ts';
import { BackupError } from './errors.ts';
import { toBigInt } from './json64.ts';
import { type SnapshotMetadata, type StateTableInfo, StateTableInfoPool } from './manifest.ts';
import { countPlainStateTables } from './manifest-state-tables.ts';

const u64 = z.unknown().transform((value, ctx) => {
  try {
    const n = toBigInt(value, 'value');
    if (n < 0n || n > 0xffff_ffff_ffff_ffffn) throw new TypeError(`${n} is not a u64`);
    return n;
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

function stateTableInfoOf(
  raw: Record<string, unknown>,
  path: string,
  pool: StateTableInfoPool,
): Record<string, StateTableInfo> {
  const out: Record<string, StateTableInfo> = {};
  for (const table in raw) {
    const info = raw[table] as { committed_epoch?: unknown; compaction_group_id?: unknown } | null;
    const where = `${path}.state_table_info.${table}`;
    if (!/^\d+$/.test(table)) throw new TypeError(`${where}: a table id must be decimal digits`);
    if (typeof info !== 'object' || info === null || Array.isArray(info))
      throw new TypeError(`${where}: expected an object`);
    out[table] = pool.parse(info.committed_epoch, info.compaction_group_id, where);
  }
  return out;
}

const snapshotMetadataSchema = z.object({
  id: u64,
  hummock_version_id: u64,
  // The scanner has replaced an array by 0.
  ssts: z.number().int().nonnegative().nullable().default(null),
  format_version: z.number().int().nonnegative().default(0),
  remarks: z.string().nullable().default(null),
  // Checked by hand below: at 100 snapshots of 10,000 tables, a schema per entry costs seconds
  // (even z.record, which copies every key: 0.4 s).
  state_table_info: z
    .custom<Record<string, unknown>>(
      (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
      'expected an object',
    )
    .default({}),
  rw_version: z.string().nullable().default(null),
  created_at: z.string().optional(),
  size_bytes: u64.optional(),
  section_counts: z.record(z.string(), z.number().int().nonnegative()).optional(),
});

/** The fields of an entry this product knows; any other is kept as bytes. */
export const KNOWN_ENTRY_FIELDS: ReadonlySet<string> = new Set(Object.keys(snapshotMetadataSchema.shape));

/**
 * The text with every integer of 16 digits or more (it may be beyond 2^53) as a decimal string,
 * for the native JSON.parse to read exactly. Written into one buffer: a string per piece made
 * millions of strings at 100 snapshots of 10,000 state tables.
 */
export function quoteLongIntegers(bytes: Uint8Array): string {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Quoting adds 2 bytes to a number of 16 digits or more.
  const out = Buffer.allocUnsafe(text.length + Math.ceil(text.length / 8) + 16);
  let written = 0;
  // Most runs between two quotes are a few dozen bytes: a loop costs less than a native copy.
  const copy = (from: number, to: number) => {
    if (to - from > 64) written += text.copy(out, written, from, to);
    else for (let i = from; i < to; i++) out[written++] = text[i]!;
  };
  let copied = 0;
  let at = 0;
  while (at < text.length) {
    const byte = text[at]!;
    if (byte === QUOTE) {
      at++;
      while (at < text.length && text[at] !== QUOTE) at += text[at] === BACKSLASH ? 2 : 1;
      at++;
    } else if (isDigit(byte) || byte === MINUS) {
      let end = at + 1;
      while (end < text.length && isDigit(text[end]!)) end++;
      const fraction = text[end] === DOT || text[end] === LOWER_E || text[end] === UPPER_E;
      if (!fraction && end - at - (byte === MINUS ? 1 : 0) >= 16) {
        copy(copied, at);
        out[written++] = QUOTE;
        copy(at, end);
        out[written++] = QUOTE;
        copied = end;
      }
      at = end;
    } else {
      at++;
    }
  }
  copy(copied, Math.min(at, text.length));
  return out.toString('utf8', 0, written);
}

const corrupt = (where: string, message: string, cause?: unknown) =>
  new BackupError('CORRUPT_MANIFEST', `${where} is not a valid manifest: ${message}`, { cause });

/** A JSON value of the manifest's text (64-bit integers as decimal strings), or CORRUPT_MANIFEST saying where. */
export function parseJsonValue(bytes: Uint8Array, where: string, path: string): unknown {
  try {
    return JSON.parse(quoteLongIntegers(bytes));
  } catch (error) {
    throw new BackupError('CORRUPT_MANIFEST', `${where} is not valid JSON: ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** The manifest id from its value's text. */
export function manifestIdOf(bytes: Uint8Array | undefined, where: string): bigint {
  const parsed = u64.safeParse(bytes === undefined ? undefined : parseJsonValue(bytes, where, 'manifest_id'));
  if (!parsed.success) throw corrupt(where, `manifest_id: ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}

/**
 * An entry's fields from its text (its `ssts` array replaced by 0, its ids `ids`; null when it
 * had none), with the defaults RisingWave's reader applies and `extra` as given.
 */
export function entryOf(
  text: Uint8Array,
  ids: BigUint64Array | null,
  extra: Uint8Array | undefined,
  index: number,
  where: string,
  pool: StateTableInfoPool,
): SnapshotMetadata {
  const path = `snapshot_metadata.${index}`;
  const parsed = snapshotMetadataSchema.safeParse(parseJsonValue(text, where, path));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw corrupt(where, `${[path, ...issue.path].join('.')}: ${issue.message}`);
  }
  const { ssts, state_table_info, ...fields } = parsed.data;
  if (ssts !== null && (ssts !== 0 || ids === null)) throw corrupt(where, `snapshot ${fields.id} has no "ssts" array`);
  let tables: Record<string, StateTableInfo>;
  try {
    tables = stateTableInfoOf(state_table_info, path, pool);
  } catch (error) {
    throw corrupt(where, (error as Error).message);
  }
  const entry: SnapshotMetadata = {
    ...fields,
    ssts: ssts === null || ids === null ? new BigUint64Array(0) : ids,
    state_table_info: tables,
  };
  if (extra) entry.extra = extra;
  return entry;
}

/**
 * How many tables an entry's `state_table_info` text holds, checked as `entryOf` checks it:
 * plain text byte by byte, anything else through the parse.
 */
export function countStateTables(text: Uint8Array, where: string, path: string): number {
  const plain = countPlainStateTables(text);
  if (plain !== null) return plain;
  const value = parseJsonValue(text, where, `${path}.state_table_info`);
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw corrupt(where, `${path}.state_table_info: expected an object`);
  try {
    return Object.keys(stateTableInfoOf(value as Record<string, unknown>, path, new StateTableInfoPool())).length;
  } catch (error) {
    throw corrupt(where, (error as Error).message);
  }
}
