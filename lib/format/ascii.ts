// The bytes that JSON and ISO timestamps are written with, by name: byte-level writers and
// scanners compare and store these instead of bare hex codes.

export const QUOTE = 0x22; // "
export const BACKSLASH = 0x5c; // \
export const COMMA = 0x2c; // ,
export const COLON = 0x3a; // :
export const MINUS = 0x2d; // -
export const DOT = 0x2e; // .
export const OPEN_BRACE = 0x7b; // {
export const CLOSE_BRACE = 0x7d; // }
export const OPEN_BRACKET = 0x5b; // [
export const CLOSE_BRACKET = 0x5d; // ]
export const DIGIT_ZERO = 0x30; // 0
export const LETTER_T = 0x54; // T, between an ISO date and its time
export const LETTER_Z = 0x5a; // Z, an ISO time in UTC
export const LOWER_E = 0x65; // e, of an exponent
export const UPPER_E = 0x45; // E
export const SPACE = 0x20;
export const TAB = 0x09;
export const LINE_FEED = 0x0a;
export const CARRIAGE_RETURN = 0x0d;
export const BACKSPACE = 0x08;
export const FORM_FEED = 0x0c;
/** Below this, a byte is a control character and JSON escapes it. */
export const FIRST_PRINTABLE = 0x20;

export const isDigit = (byte: number) => byte >= DIGIT_ZERO && byte <= DIGIT_ZERO + 9;
export const isJsonSpace = (byte: number) =>
  byte === SPACE || byte === LINE_FEED || byte === CARRIAGE_RETURN || byte === TAB;

/** `null`, `true` and `false` as bytes. */
export const NULL_BYTES = Uint8Array.of(0x6e, 0x75, 0x6c, 0x6c);
export const TRUE_BYTES = Uint8Array.of(0x74, 0x72, 0x75, 0x65);
export const FALSE_BYTES = Uint8Array.of(0x66, 0x61, 0x6c, 0x73, 0x65);
