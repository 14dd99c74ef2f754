// De-frames PostgreSQL's binary COPY stream of one-column rows: yields, per chunk received,
// the rows' value bytes as they are (for `row_to_json`, each row's JSON text), unparsed.
// Batches keep the per-row cost to a loop iteration instead of an async generator hop.
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/** The length of the binary COPY header at the start of `buffer`, or null until all of it is there. */
export function copyHeaderLength(buffer: Buffer): number | null {
  if (buffer.length < 19) return null;
  if (!buffer.subarray(0, 11).equals(SIGNATURE)) throw new Error('not a binary COPY stream');
  const extension = buffer.readUInt32BE(15);
  return buffer.length < 19 + extension ? null : 19 + extension;
}

/**
 * Drives a binary COPY stream: `parseRows` gets the bytes not yet consumed and where its rows
 * start, and returns its batch and where the first incomplete row starts (-1 at the trailer).
 */
export async function* copyRowBatches<T>(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, parseRows: (buffer: Buffer, at: number) => { batch: T[]; next: number }): AsyncGenerator<T[]> {
  let buffer: Buffer = Buffer.alloc(0);
  let headerDone = false;
  for await (const chunk of source) {
    buffer = buffer.length ? Buffer.concat([buffer, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let at = 0;
    if (!headerDone) {
      const afterHeader = copyHeaderLength(buffer);
      if (afterHeader === null) continue;
      at = afterHeader;
      headerDone = true;
    }
    const { batch, next } = parseRows(buffer, at);
    if (batch.length) yield batch;
    if (next < 0) return;
    buffer = buffer.subarray(next);
  }
  throw new Error('binary COPY stream ended without its trailer');
}

function oneColumnRows(buffer: Buffer, at: number): { batch: Buffer[]; next: number } {
  const batch: Buffer[] = [];
  for (;;) {
    if (buffer.length - at < 2) return { batch, next: at };
    const fields = buffer.readInt16BE(at);
    if (fields === -1) return { batch, next: -1 };
    if (fields !== 1) throw new Error(`binary COPY row has ${fields} fields, expected 1`);
    if (buffer.length - at < 6) return { batch, next: at };
    const length = buffer.readInt32BE(at + 2);
    if (length < 0) throw new Error('binary COPY row value is NULL');
    if (buffer.length - at < 6 + length) return { batch, next: at };
    batch.push(buffer.subarray(at + 6, at + 6 + length));
    at += 6 + length;
  }
}

export function copyBinaryValues(source: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer[]> {
  return copyRowBatches(source, oneColumnRows);
}
