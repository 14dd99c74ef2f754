// De-frames PostgreSQL's binary COPY stream of one-column rows: yields, per chunk received,
// the rows' value bytes as they are (for `row_to_json`, each row's JSON text), unparsed.
// Batches keep the per-row cost to a loop iteration instead of an async generator hop.
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

export async function* copyBinaryValues(source: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer[]> {
  let buffer = Buffer.alloc(0);
  let headerDone = false;
  for await (const chunk of source) {
    buffer = buffer.length ? Buffer.concat([buffer, chunk]) : Buffer.from(chunk);
    let at = 0;
    if (!headerDone) {
      if (buffer.length < 19) continue;
      if (!buffer.subarray(0, 11).equals(SIGNATURE)) throw new Error('not a binary COPY stream');
      const extension = buffer.readUInt32BE(15);
      if (buffer.length < 19 + extension) continue;
      at = 19 + extension;
      headerDone = true;
    }
    const batch: Buffer[] = [];
    let ended = false;
    for (;;) {
      if (buffer.length - at < 2) break;
      const fields = buffer.readInt16BE(at);
      if (fields === -1) {
        ended = true;
        break;
      }
      if (fields !== 1) throw new Error(`binary COPY row has ${fields} fields, expected 1`);
      if (buffer.length - at < 6) break;
      const length = buffer.readInt32BE(at + 2);
      if (length < 0) throw new Error('binary COPY row value is NULL');
      if (buffer.length - at < 6 + length) break;
      batch.push(buffer.subarray(at + 6, at + 6 + length));
      at += 6 + length;
    }
    if (batch.length) yield batch;
    if (ended) return;
    buffer = buffer.subarray(at);
  }
  throw new Error('binary COPY stream ended without its trailer');
}
