// Integers written as decimal digits straight into a buffer: two digits per step from a table of
// pairs, and int8 from its two 32-bit halves, so no value passes through a lossy number.
import { DIGIT_ZERO, MINUS } from '../../format/ascii.ts';
import { readInt32, readUint32 } from './big-endian.ts';

const TWO_32 = 4294967296;

/** "00".."99" as ASCII pairs: two digits per step instead of one division per digit. */
const DIGIT_PAIRS = Uint8Array.from(
  { length: 200 },
  (_, i) => DIGIT_ZERO + (i & 1 ? (i >> 1) % 10 : ((i >> 1) / 10) | 0),
);

/** Writes 0 <= v < 100 as exactly two digits. */
export function writePair(out: Buffer, at: number, v: number): void {
  out[at] = DIGIT_PAIRS[v * 2]!;
  out[at + 1] = DIGIT_PAIRS[v * 2 + 1]!;
}

/** Writes 0 <= v < 10^4 as exactly four digits. */
export function writeFour(out: Buffer, at: number, v: number): void {
  const high = (v / 100) | 0;
  const low = v - high * 100;
  out[at] = DIGIT_PAIRS[high * 2]!;
  out[at + 1] = DIGIT_PAIRS[high * 2 + 1]!;
  out[at + 2] = DIGIT_PAIRS[low * 2]!;
  out[at + 3] = DIGIT_PAIRS[low * 2 + 1]!;
}

/** Writes 0 <= v < 10^8 as exactly eight digits. */
function writeEight(out: Buffer, at: number, v: number): void {
  const high = (v / 10000) | 0;
  writeFour(out, at, high);
  writeFour(out, at + 4, v - high * 10000);
}

/** Writes 0 <= v < 10^8 in decimal. Returns the index after it. */
function writeUpToEight(out: Buffer, at: number, v: number): number {
  if (v < 10) {
    out[at] = DIGIT_ZERO + v;
    return at + 1;
  }
  if (v < 100) {
    out[at] = DIGIT_PAIRS[v * 2]!;
    out[at + 1] = DIGIT_PAIRS[v * 2 + 1]!;
    return at + 2;
  }
  const digits = v < 1000 ? 3 : v < 10000 ? 4 : v < 100000 ? 5 : v < 1000000 ? 6 : v < 10000000 ? 7 : 8;
  for (let i = at + digits - 1; i >= at; i--) {
    const q = (v / 10) | 0;
    out[i] = DIGIT_ZERO + v - q * 10;
    v = q;
  }
  return at + digits;
}

/** Writes 0 <= v < 10^16 in decimal. */
function writeSafe(out: Buffer, at: number, v: number): number {
  if (v < 100000000) return writeUpToEight(out, at, v);
  const high = Math.floor(v / 100000000);
  at = writeUpToEight(out, at, high);
  writeEight(out, at, v - high * 100000000);
  return at + 8;
}

/** Writes the big-endian int8 at `p` in decimal, exactly. Returns the index after it. */
export function writeInt8(out: Buffer, at: number, source: Buffer, p: number): number {
  const hi = readInt32(source, p);
  const lo = readUint32(source, p + 4);
  if (hi >= 0 && hi < 0x200000) return writeSafe(out, at, hi * TWO_32 + lo);
  if (hi < 0) {
    // Negative: rare in a meta store; through BigInt.
    const text = source.readBigInt64BE(p).toString();
    for (let i = 0; i < text.length; i++) out[at++] = text.charCodeAt(i);
    return at;
  }
  // value = hi * 2^32 + lo, and 2^32 = 429496 * 10^4 + 7296: exact halves in base 10^4
  // (top < 10^15, so it is written exactly too).
  const low = hi * 7296 + lo;
  const lowDigits = low - Math.floor(low / 10000) * 10000; // not %: a float remainder is a slow call
  const top = hi * 429496 + (low - lowDigits) / 10000;
  at = writeSafe(out, at, top);
  writeFour(out, at, lowDigits);
  return at + 4;
}

/** Writes -2^31 <= v < 2^31 in decimal. */
export function writeInt32(out: Buffer, at: number, v: number): number {
  if (v < 0) {
    out[at++] = MINUS;
    v = -v; // 2^31 stays exact as a double
  }
  return writeSafe(out, at, v);
}
