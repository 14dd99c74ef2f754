// Counts an entry's state tables from the text of its `state_table_info`, checked as the parse
// checks it, without making an object per table: at 100,000 tables an entry's is 6 MB, and
// parsing it made every read of a 100-snapshot manifest take seconds and hold gigabytes.
// The text as this product and RisingWave write it (compact, tables in ascending order) is
// checked byte by byte; anything else goes through the parse (entryOf's own checks).
import { CLOSE_BRACE, COMMA, DIGIT_ZERO, OPEN_BRACE, QUOTE } from '../format/ascii.ts';

const DIGIT_NINE = DIGIT_ZERO + 9;
const EPOCH = Buffer.from('":{"committed_epoch":');
const GROUP = Buffer.from(',"compaction_group_id":');
const U64_MAX = Buffer.from('18446744073709551615');

/** The end of a u64 written plainly at `at` (no sign, no leading zero), or -1. */
function u64End(text: Uint8Array, at: number): number {
  let end = at;
  while (end < text.length && text[end]! >= DIGIT_ZERO && text[end]! <= DIGIT_NINE) end++;
  const digits = end - at;
  if (digits === 0 || digits > 20 || (digits > 1 && text[at] === DIGIT_ZERO)) return -1;
  if (digits === 20) {
    for (let i = 0; i < 20; i++) {
      const byte = text[at + i]!;
      if (byte !== U64_MAX[i]) return byte < U64_MAX[i]! ? end : -1;
    }
  }
  return end;
}

function matches(text: Uint8Array, at: number, expected: Uint8Array): boolean {
  if (at + expected.length > text.length) return false;
  for (let i = 0; i < expected.length; i++) if (text[at + i] !== expected[i]) return false;
  return true;
}

/** Whether the digits at [a, a + aLength) are above those at [b, b + bLength), as numbers. */
function above(text: Uint8Array, a: number, aLength: number, b: number, bLength: number): boolean {
  if (aLength !== bLength) return aLength > bLength;
  for (let i = 0; i < aLength; i++) if (text[a + i] !== text[b + i]) return text[a + i]! > text[b + i]!;
  return false;
}

/**
 * The number of tables in `text` (a `state_table_info` value) when it is written plainly and in
 * ascending order, every value a valid one; null when it is not (then the parse decides).
 */
export function countPlainStateTables(text: Uint8Array): number | null {
  if (text[0] !== OPEN_BRACE) return null;
  if (text.length === 2 && text[1] === CLOSE_BRACE) return 0;
  let at = 1;
  let count = 0;
  let previous = -1;
  let previousLength = 0;
  for (;;) {
    if (text[at] !== QUOTE) return null;
    const key = at + 1;
    let end = key;
    while (end < text.length && text[end]! >= DIGIT_ZERO && text[end]! <= DIGIT_NINE) end++;
    const length = end - key;
    // Ascending also rules out a table given twice (the parse keeps the last).
    if (length === 0 || (length > 1 && text[key] === DIGIT_ZERO)) return null;
    if (previous >= 0 && !above(text, key, length, previous, previousLength)) return null;
    if (!matches(text, end, EPOCH)) return null;
    at = u64End(text, end + EPOCH.length);
    if (at < 0 || !matches(text, at, GROUP)) return null;
    at = u64End(text, at + GROUP.length);
    if (at < 0 || text[at] !== CLOSE_BRACE) return null;
    count++;
    previous = key;
    previousLength = length;
    at++;
    if (text[at] === COMMA) at++;
    else return text[at] === CLOSE_BRACE && at === text.length - 1 ? count : null;
  }
}
