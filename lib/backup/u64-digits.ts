// Reads u64 values written in decimal straight into a BigUint64Array, by its two exact 32-bit
// halves: no value passes through a lossy number, and no BigInt is made per id (parsing a BigInt
// from text costs more than the rest of reading a row).
import { DIGIT_ZERO, isDigit } from '../format/ascii.ts';

const TWO_32 = 2 ** 32;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Where an id's low and high 32-bit halves sit in `u64Halves` (2i + LOW_HALF, 2i + HIGH_HALF). */
export const LOW_HALF = LITTLE_ENDIAN ? 0 : 1;
export const HIGH_HALF = 1 - LOW_HALF;

/** The 32-bit halves of `ids`, for `readU64Digits`. */
export const u64Halves = (ids: BigUint64Array): Uint32Array =>
  new Uint32Array(ids.buffer, ids.byteOffset, ids.length * 2);

/**
 * Parses the decimal digits at `bytes[at..end)` into `ids[index]` (given as `u64Halves(ids)`).
 * Returns the index after the digits, or -1 when there are none or the value exceeds 2^64 - 1.
 */
export function readU64Digits(bytes: Uint8Array, at: number, end: number, halves: Uint32Array, index: number): number {
  // Up to 15 digits fit a double exactly; the rest (a u64 has at most 20) are folded in by halves.
  const start = at;
  let high = 0;
  while (at < end && at - start < 15 && isDigit(bytes[at]!)) high = high * 10 + (bytes[at++]! - DIGIT_ZERO);
  if (at === start) return -1;
  let low = 0;
  let scale = 1;
  while (at < end && isDigit(bytes[at]!)) {
    low = low * 10 + (bytes[at++]! - DIGIT_ZERO);
    scale *= 10;
  }
  if (scale > 1e5) return -1;
  // value = high * scale + low, with high = highHi * 2^32 + highLo
  const highLo = high >>> 0;
  const highHi = (high - highLo) / TWO_32;
  const lowPart = highLo * scale + low;
  const lo = lowPart >>> 0;
  const hi = highHi * scale + (lowPart - lo) / TWO_32;
  if (hi >= TWO_32) return -1;
  halves[2 * index + LOW_HALF] = lo;
  halves[2 * index + HIGH_HALF] = hi;
  return at;
}
