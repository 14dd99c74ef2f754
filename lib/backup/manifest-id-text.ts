// Ascending u64 ids as comma-separated decimal text, fast: the `ssts` arrays of a manifest.
import { COMMA, DIGIT_ZERO } from '../format/ascii.ts';

const TWO_32 = 2 ** 32;

/**
 * Ascending ids as comma-separated decimal text. Each id's digits come from the previous one's
 * plus the difference (BigInt's toString costs about a microsecond an id, which made a
 * 10,000,000-id manifest take over ten seconds); out of order or far apart, toString it is.
 */
export function sortedIdsText(ids: BigUint64Array): Buffer {
  const out = Buffer.allocUnsafe(ids.length * MAX_ID_BYTES);
  return out.subarray(0, new SortedIdsWriter(ids).write(ids.length, out, 0));
}

/** An id's decimal digits and the comma before it, at most. */
export const MAX_ID_BYTES = 21;

/** Writes `sortedIdsText` of `ids` a slice at a time, keeping the last id's digits between slices. */
export class SortedIdsWriter {
  private readonly words: Uint32Array;
  private readonly digits = new Uint8Array(20);
  private width = 0;
  /** The index of the next id to write. */
  next = 0;

  constructor(private readonly ids: BigUint64Array) {
    this.words = new Uint32Array(ids.buffer, ids.byteOffset, ids.length * 2); // little-endian: lo, hi
  }

  /** Writes up to `count` more ids into `out` at `at` (room for MAX_ID_BYTES each); returns the end. */
  write(count: number, out: Buffer, at: number): number {
    const { ids, words, digits } = this;
    const end = Math.min(ids.length, this.next + count);
    for (let i = this.next; i < end; i++) {
      const delta =
        i === 0 ? 0 : (words[2 * i + 1]! - words[2 * i - 1]!) * TWO_32 + (words[2 * i]! - words[2 * i - 2]!);
      if (delta > 0 && delta <= Number.MAX_SAFE_INTEGER) {
        let carry = delta;
        let p = 19;
        while (carry > 0) {
          const sum = digits[p]! - DIGIT_ZERO + (carry % 10);
          carry = Math.floor(carry / 10);
          if (sum >= 10) {
            digits[p] = DIGIT_ZERO + sum - 10;
            carry += 1;
          } else {
            digits[p] = DIGIT_ZERO + sum;
          }
          p--;
        }
        this.width = Math.max(this.width, 19 - p);
      } else {
        const text = ids[i]!.toString();
        digits.fill(DIGIT_ZERO);
        this.width = text.length;
        for (let j = 0; j < this.width; j++) digits[20 - this.width + j] = text.charCodeAt(j);
      }
      if (i > 0) out[at++] = COMMA;
      for (let j = 20 - this.width; j < 20; j++) out[at++] = digits[j]!;
    }
    this.next = end;
    return at;
  }
}
