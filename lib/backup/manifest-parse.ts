// Parses a manifest's bytes: one scan puts every `ssts` array straight into a sorted
// BigUint64Array and quotes other integers beyond 2^53, then the native JSON.parse does the rest.
import { z } from 'zod';
import {
  BACKSLASH,
  CLOSE_BRACKET,
  COLON,
  COMMA,
  DOT,
  isDigit,
  isJsonSpace,
  LOWER_E,
  MINUS,
  OPEN_BRACKET,
  QUOTE,
  UPPER_E,
} from '../format/ascii.ts';
import { BackupError } from './errors.ts';
import { toBigInt } from './json64.ts';
import { type Manifest, type StateTableInfo, StateTableInfoPool } from './manifest.ts';
import { sortUnique } from './sst-set.ts';
import { readU64Digits, u64Halves } from './u64-digits.ts';

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
  // The scanner has replaced each array by its index in the list of arrays it parsed.
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

const manifestSchema = z.object({
  manifest_id: u64,
  snapshot_metadata: z.array(snapshotMetadataSchema),
});

const SSTS_KEY = Buffer.from('"ssts"');

class ManifestSyntaxError extends Error {}

/** Parses `[u64, ...]` starting at `bytes[open] === '['`; returns the ids and the index after `]`. */
function scanSstArray(bytes: Buffer, open: number): { ids: BigUint64Array; end: number } {
  const close = bytes.indexOf(CLOSE_BRACKET, open);
  if (close < 0) throw new ManifestSyntaxError('an "ssts" array is not closed');
  let commas = 0;
  for (let i = bytes.indexOf(COMMA, open); i >= 0 && i < close; i = bytes.indexOf(COMMA, i + 1)) commas++;
  const ids = new BigUint64Array(commas + 1);
  const halves = u64Halves(ids);
  let count = 0;
  let at = open + 1;
  for (;;) {
    while (at < close && isJsonSpace(bytes[at]!)) at++;
    if (at === close) {
      if (count === 0) break;
      throw new ManifestSyntaxError('an "ssts" array ends with a comma');
    }
    const start = at;
    at = readU64Digits(bytes, at, close, halves, count);
    if (at < 0) {
      let end = start;
      while (end < close && end - start < 30 && bytes[end] !== COMMA && !isJsonSpace(bytes[end]!)) end++;
      throw new ManifestSyntaxError(
        `snapshot_metadata.ssts: ${JSON.stringify(bytes.toString('latin1', start, end))} is not a u64`,
      );
    }
    count++;
    while (at < close && isJsonSpace(bytes[at]!)) at++;
    if (at === close) break;
    if (bytes[at] !== COMMA)
      throw new ManifestSyntaxError(`unexpected ${JSON.stringify(String.fromCharCode(bytes[at]!))} in an "ssts" array`);
    at++;
  }
  return { ids: sortUnique(ids.subarray(0, count)), end: close + 1 };
}

/**
 * Rewrites the manifest's bytes into text the native JSON.parse reads exactly: each `ssts` array
 * becomes its index in `arrays`, and each integer beyond 2^53 becomes a decimal string.
 */
function scanManifest(bytes: Buffer): { text: string; arrays: BigUint64Array[] } {
  const arrays: BigUint64Array[] = [];
  // The rewrite goes into one buffer (a string per piece made millions of strings at 100
  // snapshots of 10,000 state tables). Quoting adds 2 bytes to a number of 16 digits or more.
  let out = Buffer.allocUnsafe(bytes.length + Math.ceil(bytes.length / 8) + 16);
  let written = 0;
  const room = (extra: number) => {
    if (written + extra <= out.length) return;
    const grown = Buffer.allocUnsafe(Math.max(out.length * 2, written + extra));
    out.copy(grown, 0, 0, written);
    out = grown;
  };
  // Most runs between two rewrites are a few dozen bytes: a loop costs less than a native copy.
  const copy = (from: number, to: number) => {
    if (to - from > 64) written += bytes.copy(out, written, from, to);
    else for (let i = from; i < to; i++) out[written++] = bytes[i]!;
  };
  let copied = 0;
  let at = 0;
  while (at < bytes.length) {
    const byte = bytes[at]!;
    if (byte === QUOTE) {
      // Strings here are short (keys, table ids): a loop costs less than a native search each.
      let end = at + 1;
      for (;;) {
        if (end >= bytes.length) throw new ManifestSyntaxError('a string is not closed');
        const inside = bytes[end]!;
        if (inside === QUOTE) break;
        end += inside === BACKSLASH ? 2 : 1;
      }
      end++;
      if (
        end - at === SSTS_KEY.length &&
        bytes[at + 1] === SSTS_KEY[1] &&
        bytes.compare(SSTS_KEY, 0, SSTS_KEY.length, at, end) === 0
      ) {
        let open = end;
        while (isJsonSpace(bytes[open]!)) open++;
        if (bytes[open] === COLON) {
          open++;
          while (isJsonSpace(bytes[open]!)) open++;
          if (bytes[open] === OPEN_BRACKET) {
            const { ids, end: after } = scanSstArray(bytes, open);
            const index = String(arrays.length);
            room(open - copied + index.length);
            copy(copied, open);
            written += out.write(index, written, 'latin1');
            arrays.push(ids);
            copied = at = after;
            continue;
          }
        }
      }
      at = end;
    } else if (isDigit(byte) || byte === MINUS) {
      let end = at + 1;
      while (end < bytes.length && isDigit(bytes[end]!)) end++;
      const fraction = bytes[end] === DOT || bytes[end] === LOWER_E || bytes[end] === UPPER_E;
      // 16 or more digits may be beyond 2^53: quote them, the schema reads decimal strings.
      if (!fraction && end - at - (byte === MINUS ? 1 : 0) >= 16) {
        room(end - copied + 2);
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
  room(bytes.length - copied);
  copy(copied, bytes.length);
  return { text: out.toString('utf8', 0, written), arrays };
}

export function parseManifest(bytes: Uint8Array | string, where = 'manifest.json'): Manifest {
  let json: unknown;
  let arrays: BigUint64Array[];
  try {
    const scanned = scanManifest(
      typeof bytes === 'string' ? Buffer.from(bytes) : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    );
    arrays = scanned.arrays;
    json = JSON.parse(scanned.text);
  } catch (error) {
    const problem = error instanceof ManifestSyntaxError ? 'is not a valid manifest' : 'is not valid JSON';
    throw new BackupError('CORRUPT_MANIFEST', `${where} ${problem}: ${(error as Error).message}`, { cause: error });
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BackupError(
      'CORRUPT_MANIFEST',
      `${where} is not a valid manifest: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
  }
  const pool = new StateTableInfoPool();
  return {
    manifest_id: parsed.data.manifest_id,
    snapshot_metadata: parsed.data.snapshot_metadata.map(({ ssts, state_table_info, ...entry }, index) => {
      const ids = ssts === null ? new BigUint64Array(0) : arrays[ssts];
      if (!ids)
        throw new BackupError(
          'CORRUPT_MANIFEST',
          `${where} is not a valid manifest: snapshot ${entry.id} has no "ssts" array`,
        );
      try {
        return {
          ...entry,
          ssts: ids,
          state_table_info: stateTableInfoOf(state_table_info, `snapshot_metadata.${index}`, pool),
        };
      } catch (error) {
        throw new BackupError('CORRUPT_MANIFEST', `${where} is not a valid manifest: ${(error as Error).message}`);
      }
    }),
  };
}
