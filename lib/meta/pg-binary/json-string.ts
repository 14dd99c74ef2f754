// Text written as a JSON string, escaped as PostgreSQL's escape_json does.
import {
  BACKSLASH,
  BACKSPACE,
  CARRIAGE_RETURN,
  FIRST_PRINTABLE,
  FORM_FEED,
  LINE_FEED,
  QUOTE,
  TAB,
} from '../../format/ascii.ts';

const HEX = '0123456789abcdef';

/** Escapes as PostgreSQL's escape_json does: the two-character forms, other controls as \u00xx. */
const ESCAPES: (string | null)[] = Array.from({ length: 256 }, (_, byte) => {
  if (byte === QUOTE) return '\\"';
  if (byte === BACKSLASH) return '\\\\';
  if (byte === BACKSPACE) return '\\b';
  if (byte === FORM_FEED) return '\\f';
  if (byte === LINE_FEED) return '\\n';
  if (byte === CARRIAGE_RETURN) return '\\r';
  if (byte === TAB) return '\\t';
  if (byte < FIRST_PRINTABLE) return `\\u00${HEX[byte >> 4]}${HEX[byte & 15]}`;
  return null;
});

/** 1 where a byte must be escaped inside a JSON string. */
const NEEDS_ESCAPE = Uint8Array.from(ESCAPES, (replacement) => (replacement === null ? 0 : 1));

/**
 * Writes a JSON string from UTF-8 bytes at `o` (room for six bytes per byte is the caller's).
 * Copies byte by byte: meta store strings are short, and a native copy per run costs more.
 */
export function writeString(out: Buffer, o: number, source: Buffer, start: number, end: number): number {
  out[o++] = QUOTE;
  for (let i = start; i < end; i++) {
    const byte = source[i]!;
    if (NEEDS_ESCAPE[byte] === 0) {
      out[o++] = byte;
      continue;
    }
    const replacement = ESCAPES[byte]!;
    for (let e = 0; e < replacement.length; e++) out[o++] = replacement.charCodeAt(e);
  }
  out[o++] = QUOTE;
  return o;
}
