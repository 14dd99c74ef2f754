// The manifest (`{dir}/manifest.json`): RisingWave's JSON layout, 64-bit values exact.
//
// A manifest holds every snapshot's pinned SST ids: 100 snapshots of 100,000 SSTs is 10 million
// u64s and about 170 MB of text. A general BigInt-safe JSON parser takes seconds and gigabytes on
// that, so `parseManifest` scans the bytes once: `ssts` arrays go straight into sorted
// BigUint64Arrays, other integers beyond 2^53 are quoted, and the native JSON.parse does the rest.
import { z } from 'zod';
import type { ChunkedBody } from '../object-store/types.ts';
import { BackupError } from './errors.ts';
import { toBigInt } from './json64.ts';
import { sortUnique } from './sst-set.ts';
import { readU64Digits, u64Halves } from './u64-digits.ts';

export interface StateTableInfo {
  committed_epoch: bigint;
  compaction_group_id: bigint;
}

export interface SnapshotMetadata {
  id: bigint;
  hummock_version_id: bigint;
  /** Every SST object id the snapshot's Hummock version references (pinned against GC): ascending, unique. */
  ssts: BigUint64Array;
  format_version: number;
  remarks: string | null;
  state_table_info: Record<string, StateTableInfo>;
  rw_version: string | null;
  /** Ours (readers ignore unknown fields): when it was taken, its object's size, rows per table. */
  created_at?: string;
  size_bytes?: bigint;
  section_counts?: Record<string, number>;
}

export interface Manifest {
  manifest_id: bigint;
  snapshot_metadata: SnapshotMetadata[];
}

export const emptyManifest = (): Manifest => ({ manifest_id: 0n, snapshot_metadata: [] });

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

function u64Of(value: unknown, what: string): bigint {
  const n = toBigInt(value, what);
  if (n < 0n || n > 0xffff_ffff_ffff_ffffn) throw new TypeError(`${what}: ${n} is not a u64`);
  return n;
}

/**
 * One frozen StateTableInfo per distinct value: the state tables of a version share a few
 * epochs and groups, and at 100 snapshots of 10,000 tables a million equal objects and two
 * million BigInts made the manifest's heap and every garbage collection of the server's.
 */
export class StateTableInfoPool {
  private readonly known = new Map<string, StateTableInfo>();
  private readonly parsed = new Map<string, StateTableInfo>();

  get(committedEpoch: bigint, compactionGroupId: bigint): StateTableInfo {
    const key = `${committedEpoch}/${compactionGroupId}`;
    let info = this.known.get(key);
    if (!info) {
      info = Object.freeze({ committed_epoch: committedEpoch, compaction_group_id: compactionGroupId });
      this.known.set(key, info);
    }
    return info;
  }

  /**
   * From a manifest's JSON values (numbers, or decimal strings beyond 2^53; absent is 0): a
   * value seen before is not converted and checked again.
   */
  parse(committedEpoch: unknown, compactionGroupId: unknown, where: string): StateTableInfo {
    // Only plain values are looked up by their text (an array [1] must not pass for 1).
    const plain = (value: unknown) => value === undefined || typeof value === 'number' || typeof value === 'string';
    const raw = plain(committedEpoch) && plain(compactionGroupId) ? `${committedEpoch}/${compactionGroupId}` : null;
    let info = raw === null ? undefined : this.parsed.get(raw);
    if (!info) {
      info = this.get(
        committedEpoch === undefined ? 0n : u64Of(committedEpoch, `${where}.committed_epoch`),
        compactionGroupId === undefined ? 0n : u64Of(compactionGroupId, `${where}.compaction_group_id`),
      );
      if (raw !== null) this.parsed.set(raw, info);
    }
    return info;
  }
}

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

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const isDigit = (byte: number) => byte >= 0x30 && byte <= 0x39;
const isSpace = (byte: number) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
const SSTS_KEY = Buffer.from('"ssts"');
const TWO_32 = 2 ** 32;

class ManifestSyntaxError extends Error {}

/** Parses `[u64, ...]` starting at `bytes[open] === '['`; returns the ids and the index after `]`. */
function scanSstArray(bytes: Buffer, open: number): { ids: BigUint64Array; end: number } {
  const close = bytes.indexOf(0x5d, open);
  if (close < 0) throw new ManifestSyntaxError('an "ssts" array is not closed');
  let commas = 0;
  for (let i = bytes.indexOf(0x2c, open); i >= 0 && i < close; i = bytes.indexOf(0x2c, i + 1)) commas++;
  const ids = new BigUint64Array(commas + 1);
  const halves = u64Halves(ids);
  let count = 0;
  let at = open + 1;
  for (;;) {
    while (at < close && isSpace(bytes[at]!)) at++;
    if (at === close) {
      if (count === 0) break;
      throw new ManifestSyntaxError('an "ssts" array ends with a comma');
    }
    const start = at;
    at = readU64Digits(bytes, at, close, halves, count);
    if (at < 0) {
      let end = start;
      while (end < close && end - start < 30 && bytes[end] !== 0x2c && !isSpace(bytes[end]!)) end++;
      throw new ManifestSyntaxError(
        `snapshot_metadata.ssts: ${JSON.stringify(bytes.toString('latin1', start, end))} is not a u64`,
      );
    }
    count++;
    while (at < close && isSpace(bytes[at]!)) at++;
    if (at === close) break;
    if (bytes[at] !== 0x2c)
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
        while (isSpace(bytes[open]!)) open++;
        if (bytes[open] === 0x3a) {
          open++;
          while (isSpace(bytes[open]!)) open++;
          if (bytes[open] === 0x5b) {
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
      const fraction = bytes[end] === 0x2e || bytes[end] === 0x65 || bytes[end] === 0x45;
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

const COMMA = 0x2c;
const ZERO = 0x30;

/**
 * Ascending ids as comma-separated decimal text. Each id's digits come from the previous one's
 * plus the difference (BigInt's toString costs about a microsecond an id, which made a
 * 10,000,000-id manifest take over ten seconds); out of order or far apart, toString it is.
 */
export function sortedIdsText(ids: BigUint64Array): Buffer {
  const out = Buffer.allocUnsafe(ids.length * MAX_ID_BYTES);
  return out.subarray(0, new SortedIdsWriter(ids).write(ids.length, out, 0));
}

/** An id's decimal digits and the comma before it, at most. */
const MAX_ID_BYTES = 21;

/** Writes `sortedIdsText` of `ids` a slice at a time, keeping the last id's digits between slices. */
class SortedIdsWriter {
  private readonly words: Uint32Array;
  private readonly digits = new Uint8Array(20);
  private width = 0;
  /** The index of the next id to write. */
  next = 0;

  constructor(private readonly ids: BigUint64Array) {
    this.words = new Uint32Array(ids.buffer, ids.byteOffset, ids.length * 2); // little-endian: lo, hi
  }

  /** Writes up to `count` more ids into `out` at `at` (room for MAX_ID_BYTES each); returns the end. */
  write(count: number, out: Buffer, at: number): number {
    const { ids, words, digits } = this;
    const end = Math.min(ids.length, this.next + count);
    for (let i = this.next; i < end; i++) {
      const delta =
        i === 0 ? 0 : (words[2 * i + 1]! - words[2 * i - 1]!) * TWO_32 + (words[2 * i]! - words[2 * i - 2]!);
      if (delta > 0 && delta <= Number.MAX_SAFE_INTEGER) {
        let carry = delta;
        let p = 19;
        while (carry > 0) {
          const sum = digits[p]! - ZERO + (carry % 10);
          carry = Math.floor(carry / 10);
          if (sum >= 10) {
            digits[p] = ZERO + sum - 10;
            carry += 1;
          } else {
            digits[p] = ZERO + sum;
          }
          p--;
        }
        this.width = Math.max(this.width, 19 - p);
      } else {
        const text = ids[i]!.toString();
        digits.fill(ZERO);
        this.width = text.length;
        for (let j = 0; j < this.width; j++) digits[20 - this.width + j] = text.charCodeAt(j);
      }
      if (i > 0) out[at++] = COMMA;
      for (let j = 20 - this.width; j < 20; j++) out[at++] = digits[j]!;
    }
    this.next = end;
    return at;
  }
}

const DIGITS_ONLY = /^\d+$/;

/** The manifest's bytes are made in pieces of about this size. */
const MANIFEST_CHUNK_BYTES = 1 << 20;
const IDS_PER_SLICE = Math.floor(MANIFEST_CHUNK_BYTES / MAX_ID_BYTES);

/**
 * The manifest's JSON bytes, in RisingWave's field order, made a megabyte at a time: at 100
 * snapshots of 100,000 SSTs the text is 170 MB, which a writer need not hold at once.
 */
export function manifestBody(manifest: Manifest): ChunkedBody {
  return { chunks: () => manifestChunks(manifest) };
}

function* manifestChunks(manifest: Manifest): Generator<Buffer> {
  /** A state table's value as JSON bytes, `:{...}` included, by committed epoch and group: a version's tables share a few. */
  const values = new Map<bigint, Map<bigint, Buffer>>();
  let out = Buffer.allocUnsafe(MANIFEST_CHUNK_BYTES);
  let at = 0;
  /** Room for `bytes` more, handing out the current chunk first when it is short of it. */
  function* room(bytes: number): Generator<Buffer> {
    if (at + bytes <= out.length) return;
    if (at > 0) yield out.subarray(0, at);
    out = Buffer.allocUnsafe(Math.max(MANIFEST_CHUNK_BYTES, bytes));
    at = 0;
  }
  function* write(piece: string): Generator<Buffer> {
    yield* room(Buffer.byteLength(piece));
    at += out.write(piece, at);
  }

  yield* write(`{"manifest_id":${manifest.manifest_id},"snapshot_metadata":[`);
  for (const [index, s] of manifest.snapshot_metadata.entries()) {
    yield* write(`${index ? ',' : ''}{"id":${s.id},"hummock_version_id":${s.hummock_version_id},"ssts":[`);
    const ids = new SortedIdsWriter(s.ssts);
    while (ids.next < s.ssts.length) {
      yield* room(IDS_PER_SLICE * MAX_ID_BYTES);
      at = ids.write(IDS_PER_SLICE, out, at);
    }
    yield* write(`],"format_version":${s.format_version},"remarks":${JSON.stringify(s.remarks)},"state_table_info":{`);
    // Per table only its key is written and its value's bytes copied: a string per table made
    // 100,000 tables most of an entry's time and tens of megabytes of garbage.
    let first = true;
    for (const table in s.state_table_info) {
      const info = s.state_table_info[table]!;
      let byGroup = values.get(info.committed_epoch);
      if (byGroup === undefined) {
        byGroup = new Map();
        values.set(info.committed_epoch, byGroup);
      }
      let value = byGroup.get(info.compaction_group_id);
      if (value === undefined) {
        value = Buffer.from(
          `:{"committed_epoch":${info.committed_epoch},"compaction_group_id":${info.compaction_group_id}}`,
        );
        byGroup.set(info.compaction_group_id, value);
      }
      const need = table.length * 6 + 3 + value.length;
      if (at + need > out.length) yield* room(need);
      if (!first) out[at++] = COMMA;
      first = false;
      if (DIGITS_ONLY.test(table)) {
        out[at++] = QUOTE;
        at += out.write(table, at, 'latin1');
        out[at++] = QUOTE;
      } else {
        at += out.write(JSON.stringify(table), at);
      }
      at += value.copy(out, at);
    }
    yield* write(
      `},"rw_version":${JSON.stringify(s.rw_version)}` +
        (s.created_at === undefined ? '' : `,"created_at":${JSON.stringify(s.created_at)}`) +
        (s.size_bytes === undefined ? '' : `,"size_bytes":${s.size_bytes}`) +
        (s.section_counts === undefined ? '' : `,"section_counts":${JSON.stringify(s.section_counts)}`) +
        '}',
    );
  }
  yield* write(']}');
  yield out.subarray(0, at);
}

/** The manifest's JSON bytes in one buffer. */
export function serializeManifest(manifest: Manifest): Buffer {
  return Buffer.concat([...manifestChunks(manifest)]);
}
