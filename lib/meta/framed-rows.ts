// A batch of JSON rows already framed as the snapshot codec frames items: each row as its u32
// little-endian byte length, then its bytes. The bulk read writes rows this way so that a
// million rows reach the snapshot as a few hundred copies instead of a million views and copies.

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
    if (framed.length - at < 4) throw new Error(`framed rows end after ${i} of ${count} rows`);
    const length = (framed[at]! | (framed[at + 1]! << 8) | (framed[at + 2]! << 16)) + framed[at + 3]! * 0x1000000;
    const start = at + 4;
    at = start + length;
    if (length === 0 || at > framed.length)
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
