// Turns a backed-up row (one JSON object: column name → value) into one line of PostgreSQL's
// COPY text format, so a restore loads rows with COPY instead of having the server parse JSON
// (json_populate_recordset costs about 2x COPY). Numbers go through as their digits, never as
// JavaScript numbers, so 64-bit values stay exact; json/jsonb columns take the value's JSON text.

export interface CopyColumn {
  name: string;
  /** A json or jsonb column: it takes the value's JSON text (a string keeps its quotes). */
  json: boolean;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const TAB = 0x09;
const NEWLINE = 0x0a;
const RETURN = 0x0d;
const SPACE = 0x20;
const NULL_TEXT = Buffer.from('\\N');

const isSpace = (byte: number) => byte === SPACE || byte === NEWLINE || byte === RETURN || byte === TAB;

/** Grows one buffer of COPY text; `take()` hands over what is written so far. */
export class CopyTextBuffer {
  private buffer: Buffer;
  length = 0;

  constructor(initialBytes = 1 << 16) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  reserve(bytes: number): Buffer {
    if (this.length + bytes > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + bytes));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    return this.buffer;
  }

  byte(value: number): void {
    this.reserve(1)[this.length++] = value;
  }

  bytes(source: Uint8Array, start: number, end: number): void {
    const target = this.reserve(end - start);
    // Values are short: a loop beats making a subarray to copy from.
    let at = this.length;
    for (let i = start; i < end; i++) target[at++] = source[i]!;
    this.length = at;
  }

  /** Source bytes with COPY's special characters (backslash, tab, newline, return) escaped. */
  escaped(source: Uint8Array, start: number, end: number): void {
    const target = this.reserve(2 * (end - start));
    let at = this.length;
    for (let i = start; i < end; i++) {
      const byte = source[i]!;
      if (byte === BACKSLASH || byte === TAB || byte === NEWLINE || byte === RETURN) {
        target[at++] = BACKSLASH;
        target[at++] = byte === BACKSLASH ? BACKSLASH : byte === TAB ? 0x74 : byte === NEWLINE ? 0x6e : 0x72;
      } else {
        target[at++] = byte;
      }
    }
    this.length = at;
  }

  take(): Buffer {
    const out = Buffer.from(this.buffer.subarray(0, this.length));
    this.length = 0;
    return out;
  }
}

export class RowFormatError extends Error {}

/**
 * Returns a function that appends one row's COPY text line to `out`. A key that is not one of
 * `columns` is an error (the target schema would lose it); a missing key or JSON null is NULL.
 */
export function copyTextEncoder(
  table: string,
  columns: readonly CopyColumn[],
): (row: Uint8Array, out: CopyTextBuffer) => void {
  const keyBytes = columns.map((c) => Buffer.from(JSON.stringify(c.name)));
  const indexOf = new Map(columns.map((c, i) => [c.name, i]));
  const starts = new Int32Array(columns.length);
  const ends = new Int32Array(columns.length);
  // 0 absent, 1 plain scalar, 2 string without escapes, 3 string with escapes, 4 object or array.
  const kinds = new Uint8Array(columns.length);
  const fail = (detail: string): never => {
    throw new RowFormatError(`a ${table} row is not a JSON object of its columns: ${detail}`);
  };

  const stringEnd = (row: Uint8Array, at: number): { end: number; escapes: boolean } => {
    let escapes = false;
    for (let i = at + 1; i < row.length; i++) {
      const byte = row[i]!;
      if (byte === QUOTE) return { end: i + 1, escapes };
      if (byte === BACKSLASH) {
        escapes = true;
        i++;
      }
    }
    return fail('a string does not end');
  };

  const compositeEnd = (row: Uint8Array, at: number): number => {
    let depth = 0;
    for (let i = at; i < row.length; i++) {
      const byte = row[i]!;
      if (byte === QUOTE) i = stringEnd(row, i).end - 1;
      else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth++;
      else if ((byte === CLOSE_BRACE || byte === CLOSE_BRACKET) && --depth === 0) return i + 1;
    }
    return fail('an object or array does not end');
  };

  const matchesKey = (row: Uint8Array, at: number, key: Buffer) => {
    if (at + key.length > row.length) return false;
    for (let j = 0; j < key.length; j++) if (row[at + j] !== key[j]) return false;
    return true;
  };

  return (row, out) => {
    kinds.fill(0);
    let at = 0;
    while (at < row.length && isSpace(row[at]!)) at++;
    if (row[at] !== OPEN_BRACE) fail('it does not start with {');
    at++;
    let expected = 0; // rows usually list their keys in column order: compare bytes, no strings
    for (;;) {
      while (at < row.length && isSpace(row[at]!)) at++;
      if (row[at] === CLOSE_BRACE) break;
      if (row[at] !== QUOTE) fail(`expected a key at byte ${at}`);
      let column: number;
      if (expected < columns.length && matchesKey(row, at, keyBytes[expected]!)) {
        column = expected;
        at += keyBytes[expected]!.length;
      } else {
        const { end } = stringEnd(row, at);
        const name = JSON.parse(Buffer.from(row.buffer, row.byteOffset + at, end - at).toString('utf8')) as string;
        const found = indexOf.get(name);
        if (found === undefined)
          throw new RowFormatError(
            `a ${table} row has a column ${JSON.stringify(name)} that the target's ${table} table does not have`,
          );
        column = found;
        at = end;
      }
      expected = column + 1;
      while (at < row.length && isSpace(row[at]!)) at++;
      if (row[at] !== COLON) fail(`expected : at byte ${at}`);
      at++;
      while (at < row.length && isSpace(row[at]!)) at++;
      const first = row[at];
      let end: number;
      if (first === QUOTE) {
        const string = stringEnd(row, at);
        end = string.end;
        kinds[column] = string.escapes ? 3 : 2;
      } else if (first === OPEN_BRACE || first === OPEN_BRACKET) {
        end = compositeEnd(row, at);
        kinds[column] = 4;
      } else {
        end = at;
        while (end < row.length && row[end] !== COMMA && row[end] !== CLOSE_BRACE && !isSpace(row[end]!)) end++;
        if (end === at) fail(`expected a value at byte ${at}`);
        // JSON null is SQL NULL, as json_populate_record has it.
        kinds[column] = end - at === 4 && row[at] === 0x6e && row[at + 1] === 0x75 ? 0 : 1;
      }
      starts[column] = at;
      ends[column] = end;
      at = end;
      while (at < row.length && isSpace(row[at]!)) at++;
      if (row[at] === COMMA) at++;
      else if (row[at] !== CLOSE_BRACE) fail(`expected , or } at byte ${at}`);
    }
    for (at++; at < row.length; at++) if (!isSpace(row[at]!)) fail('bytes follow the object');

    for (let i = 0; i < columns.length; i++) {
      if (i > 0) out.byte(TAB);
      const kind = kinds[i]!;
      if (kind === 0) out.bytes(NULL_TEXT, 0, NULL_TEXT.length);
      else if (columns[i]!.json || kind === 4) out.escaped(row, starts[i]!, ends[i]!);
      else if (kind === 1) out.bytes(row, starts[i]!, ends[i]!);
      // Strict JSON has no raw control characters in a string; escaping anyway keeps a lax
      // producer's tab from shifting the columns.
      else if (kind === 2) out.escaped(row, starts[i]! + 1, ends[i]! - 1);
      else {
        const text = Buffer.from(
          JSON.parse(
            Buffer.from(row.buffer, row.byteOffset + starts[i]!, ends[i]! - starts[i]!).toString('utf8'),
          ) as string,
          'utf8',
        );
        out.escaped(text, 0, text.length);
      }
    }
    out.byte(NEWLINE);
  };
}
