// The frame of a snapshot item, written and read here only: `u32 length` (little-endian), or
// `u32 0` then `u64 length` when the length does not fit in 32 bits, then the item's JSON bytes.
// The codec (lib/backup) frames items with it; the bulk readers of the meta store (lib/meta)
// hand over rows already framed with it, so a million rows cost a few hundred copies.

/** Bytes of the short length form. */
export const SHORT_LENGTH_BYTES = 4;
/** Bytes of the long form: the `u32 0` marker, then a u64. */
export const LONG_LENGTH_BYTES = 12;
/** The short form's value announcing the long form (an item is JSON, never empty). */
export const LONG_LENGTH_MARKER = 0;
/** The largest length the short form holds. */
export const MAX_SHORT_LENGTH = 0xffff_ffff;
const MAX_LONG_LENGTH = 0xffff_ffff_ffff_ffffn;

/** The frame of an item of `length` bytes, in its short or long form. */
export function encodeItemLength(length: number | bigint): Uint8Array {
  const n = BigInt(length);
  if (n < 0n || n > MAX_LONG_LENGTH) throw new RangeError(`item length ${n} out of range`);
  if (n > 0n && n <= BigInt(MAX_SHORT_LENGTH)) {
    const out = new Uint8Array(SHORT_LENGTH_BYTES);
    writeShortLength(out, 0, Number(n));
    return out;
  }
  const out = new Uint8Array(LONG_LENGTH_BYTES); // starts with the u32 0 marker
  new DataView(out.buffer).setBigUint64(SHORT_LENGTH_BYTES, n, true);
  return out;
}

/** Writes the short form of 0 < length <= MAX_SHORT_LENGTH at `at` (in place: this runs once per row). */
export function writeShortLength(out: Uint8Array, at: number, length: number): void {
  out[at] = length & 0xff;
  out[at + 1] = (length >>> 8) & 0xff;
  out[at + 2] = (length >>> 16) & 0xff;
  out[at + 3] = (length >>> 24) & 0xff;
}

/** Reads a short form at `at`; LONG_LENGTH_MARKER means a u64 follows. */
export function readShortLength(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16)) + bytes[at + 3]! * 0x1000000;
}

/** A batch of items framed back to back, each in the short form. */
export interface FramedRows {
  /** `count` rows, each `[u32 LE length][JSON bytes]`, back to back. */
  framed: Uint8Array;
  count: number;
}

/** What a consistent read yields per step: rows one by one, or framed. */
export type RowBatch = Uint8Array[] | FramedRows;

export const isFramedRows = (batch: RowBatch): batch is FramedRows => !Array.isArray(batch);

export const rowCount = (batch: RowBatch): number => (isFramedRows(batch) ? batch.count : batch.length);

/**
 * Calls `visit(bytes, start, end)` for each row of a framed batch, in order. Throws when the
 * framing does not hold exactly `count` non-empty rows.
 */
export function forEachFramedRow(
  { framed, count }: FramedRows,
  visit: (bytes: Uint8Array, start: number, end: number) => void,
): void {
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (framed.length - at < SHORT_LENGTH_BYTES) throw new Error(`framed rows end after ${i} of ${count} rows`);
    const length = readShortLength(framed, at);
    const start = at + SHORT_LENGTH_BYTES;
    at = start + length;
    if (length === LONG_LENGTH_MARKER || at > framed.length)
      throw new Error(`framed row ${i} of ${count} is empty or runs past its batch`);
    visit(framed, start, at);
  }
  if (at !== framed.length) throw new Error(`framed rows hold more than their ${count} rows`);
}

/** Each row of a batch as its own bytes (views, not copies). */
export function batchRows(batch: RowBatch): Uint8Array[] {
  if (!isFramedRows(batch)) return batch;
  const rows: Uint8Array[] = [];
  forEachFramedRow(batch, (bytes, start, end) => rows.push(bytes.subarray(start, end)));
  return rows;
}
