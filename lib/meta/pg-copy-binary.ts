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
 * A row split between chunks is completed from as few of the next chunk's bytes as it needs;
 * the rest of that chunk is parsed where it lies (joining whole chunks cost a copy of the table).
 */
export async function* copyRowBatches<T>(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  parseRows: (buffer: Buffer, at: number) => { batch: T[]; next: number },
): AsyncGenerator<T[]> {
  let pending: Buffer | null = null; // the unparsed tail of earlier chunks: an incomplete row or header
  let headerDone = false;
  for await (const piece of source) {
    const chunk = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    let at = 0;
    if (!headerDone) {
      const buffer: Buffer = pending ? Buffer.concat([pending, chunk]) : chunk;
      const afterHeader = copyHeaderLength(buffer);
      if (afterHeader === null) {
        pending = buffer;
        continue;
      }
      headerDone = true;
      pending = null;
      const { batch, next } = parseRows(buffer, afterHeader);
      if (batch.length) yield batch;
      if (next < 0) return;
      pending = next < buffer.length ? buffer.subarray(next) : null;
      continue;
    }
    if (pending) {
      let take = Math.min(chunk.length, Math.max(4096, pending.length));
      for (;;) {
        const joined = Buffer.concat([pending, chunk.subarray(0, take)]);
        const { batch, next } = parseRows(joined, 0);
        if (batch.length) yield batch;
        if (next < 0) return;
        if (next >= pending.length) {
          at = next - pending.length;
          pending = null;
          break;
        }
        if (take === chunk.length) {
          pending = joined; // still incomplete: the row goes on in the next chunk
          break;
        }
        take = Math.min(chunk.length, take * 2);
      }
      if (pending) continue;
    }
    const { batch, next } = parseRows(chunk, at);
    if (batch.length) yield batch;
    if (next < 0) return;
    pending = next < chunk.length ? chunk.subarray(next) : null;
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

export function copyBinaryValues(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<Buffer[]> {
  return copyRowBatches(source, oneColumnRows);
}
