// Reads a manifest entry's `ssts` array a chunk at a time: the digits go straight into a
// BigUint64Array (no JS value per id), checked as the whole-manifest parser always checked them.
import { ByteBuilder } from '../format/byte-builder.ts';
import { CLOSE_BRACKET, COMMA, DIGIT_ZERO, isDigit, isJsonSpace, OPEN_BRACKET } from '../format/ascii.ts';
import { sortedIdsText } from './manifest-id-text.ts';
import { sortUnique } from './sst-set.ts';
import { readU64Digits, u64Halves } from './u64-digits.ts';

// What comes next inside the array.
const FIRST = 0;
const NUMBER = 1;
const SEPARATOR = 2;

/** Longer than any u64: a run of digits this long is refused, not waited on. */
const LONGEST_BAD_ID = 30;
const DIGIT_NINE = DIGIT_ZERO + 9;
const U64_MAX_DIGITS = Buffer.from('18446744073709551615');

/** Whether the 20 digits at `buf[at]` are above 2^64 - 1. */
function aboveU64Max(buf: Uint8Array, at: number): boolean {
  for (let i = 0; i < 20; i++) {
    const digit = buf[at + i]!;
    const max = U64_MAX_DIGITS[i]!;
    if (digit !== max) return digit > max;
  }
  return false;
}
const INITIAL_IDS = 1024;

export interface SstArray {
  /** Ascending, unique; empty when the ids were only checked. */
  ids: BigUint64Array;
  /** How many ids the array holds (as written: a duplicate counts twice). */
  count: number;
  /** The array's text (brackets included), kept when writing `ids` back would not give it. */
  text: Uint8Array | null;
}

export class SstArrayReader {
  private ids = new BigUint64Array(INITIAL_IDS);
  private halves = u64Halves(this.ids);
  private count = 0;
  /** Ids read before `count` last went back to 0 (ids only checked reuse the room). */
  private earlier = 0;
  private next = FIRST;
  private ascending = true;
  /** The text so far is what writing the ids back makes (compact, ascending, no leading zeros). */
  private compact = true;
  private text: ByteBuilder | null = null;
  private textFrom = 0;
  /** The `]` was read. */
  closed = false;

  /**
   * `decode` keeps the ids (else they are checked only); `keepText` keeps what the ids cannot
   * give back, for a copy of the entry's bytes.
   */
  constructor(
    private readonly invalid: (message: string) => Error,
    private readonly options: { decode: boolean; keepText: boolean },
  ) {}

  /** Starts an array whose `[` was just read. */
  open(): void {
    this.count = 0;
    this.earlier = 0;
    this.next = FIRST;
    this.ascending = true;
    this.compact = this.options.keepText;
    this.text = null;
    this.closed = false;
    // Ids only checked cannot be written back: the text is kept from the start.
    if (this.options.keepText && !this.options.decode) this.keepText(0);
  }

  /** Reads from `buf[at]`; returns where it stopped: after the `]` once `closed`, else at what the next chunk completes. */
  read(buf: Uint8Array, at: number): number {
    this.textFrom = at;
    const end = this.scan(buf, at);
    if (this.text && end > this.textFrom) this.text.push(buf, this.textFrom, end);
    return end;
  }

  /** The array read; its buffers are the caller's from here on. */
  result(): SstArray {
    let ids = new BigUint64Array(0);
    if (this.options.decode) {
      const read = this.ids.subarray(0, this.count);
      ids = (this.ascending ? read : sortUnique(read)).slice();
    }
    const text = this.text?.view() ?? null;
    this.text = null;
    const count = this.earlier + this.count;
    // A large array's room is not kept between entries.
    if (this.ids.length > INITIAL_IDS) {
      this.ids = new BigUint64Array(INITIAL_IDS);
      this.halves = u64Halves(this.ids);
    }
    return { ids, count, text };
  }

  /**
   * From here on the text is kept as read: what came before is exactly what the ids so far make
   * written back, so only that is made, not stored from the start.
   */
  private keepText(at: number): void {
    this.compact = false;
    if (!this.options.keepText) return;
    const text = new ByteBuilder();
    text.push(Uint8Array.of(OPEN_BRACKET));
    text.push(sortedIdsText(this.ids.subarray(0, this.count)));
    if (this.next === NUMBER) text.push(Uint8Array.of(COMMA));
    this.text = text;
    this.textFrom = at;
  }

  /**
   * Checks ids without reading them: up to 19 digits is always a u64, and 20 digits one up to
   * 2^64 - 1. Stops before anything else, and before digits the chunk may cut.
   */
  private skipIds(buf: Uint8Array, at: number): number {
    const length = buf.length;
    let pos = at;
    let next = this.next;
    let checked = 0;
    while (pos < length) {
      const byte = buf[pos]!;
      if (next === SEPARATOR) {
        if (byte !== COMMA) break;
        next = NUMBER;
        pos++;
        continue;
      }
      if (byte < DIGIT_ZERO || byte > DIGIT_NINE) break;
      let end = pos + 1;
      while (end < length && buf[end]! >= DIGIT_ZERO && buf[end]! <= DIGIT_NINE) end++;
      const digits = end - pos;
      if (end === length || digits > 20 || (digits === 20 && aboveU64Max(buf, pos))) break;
      checked++;
      pos = end;
      next = SEPARATOR;
    }
    this.earlier += checked;
    this.next = next;
    return pos;
  }

  private scan(buf: Uint8Array, at: number): number {
    // Ids only checked go through a tight loop of digits and commas; whatever it cannot settle
    // (spaces, the end, a cut or bad token) goes the long way below.
    if (!this.options.decode) at = this.skipIds(buf, at);
    const length = buf.length;
    const decode = this.options.decode;
    // The hot loop keeps its state in locals, written back before anything else runs.
    let pos = at;
    let count = this.count;
    let halves = this.halves;
    let ascending = this.ascending;
    let next = this.next;
    const save = (stop: number) => {
      this.count = count;
      this.ascending = ascending;
      this.next = next;
      return stop;
    };
    while (pos < length) {
      const byte = buf[pos]!;
      if (next === SEPARATOR) {
        if (byte === COMMA) {
          next = NUMBER;
          pos++;
          continue;
        }
        if (byte === CLOSE_BRACKET) {
          this.closed = true;
          return save(pos + 1);
        }
      }
      if (isJsonSpace(byte)) {
        if (this.compact) {
          save(pos);
          this.keepText(pos);
        }
        pos++;
        continue;
      }
      if (next === SEPARATOR)
        throw this.invalid(`unexpected ${JSON.stringify(String.fromCharCode(byte))} in an "ssts" array`);
      if (byte === CLOSE_BRACKET) {
        if (next === NUMBER) throw this.invalid('an "ssts" array ends with a comma');
        this.closed = true;
        return save(pos + 1);
      }
      if (count === this.ids.length) {
        if (decode) {
          const grown = new BigUint64Array(this.ids.length * 2);
          grown.set(this.ids);
          this.ids = grown;
          halves = this.halves = u64Halves(grown);
        } else {
          this.earlier += count;
          count = 0; // only checked, not kept
        }
      }
      let end = readU64Digits(buf, pos, length, halves, count);
      if (end < 0 || end === length) {
        // Not a u64, or digits that may go on in the next chunk.
        end = pos;
        while (end < length && end - pos <= LONGEST_BAD_ID && isDigit(buf[end]!)) end++;
        if (end === length && end - pos <= LONGEST_BAD_ID) return save(pos);
        if (end === pos || end - pos > LONGEST_BAD_ID || readU64Digits(buf, pos, end, halves, count) < 0) {
          while (end < length && end - pos < LONGEST_BAD_ID && buf[end] !== COMMA && buf[end] !== CLOSE_BRACKET) {
            if (isJsonSpace(buf[end]!)) break;
            end++;
          }
          if (end === length && end - pos < LONGEST_BAD_ID) return save(pos);
          const token = Buffer.from(buf.buffer, buf.byteOffset + pos, end - pos).toString('latin1');
          throw this.invalid(`snapshot_metadata.ssts: ${JSON.stringify(token)} is not a u64`);
        }
      }
      if (decode && ascending && count > 0) {
        const hi = halves[2 * count + 1]! - halves[2 * count - 1]!;
        ascending = hi > 0 || (hi === 0 && halves[2 * count]! > halves[2 * count - 2]!);
      }
      if (this.compact && (!ascending || (byte === DIGIT_ZERO && end - pos > 1))) {
        save(pos);
        this.keepText(pos);
      }
      count++;
      pos = end;
      next = SEPARATOR;
    }
    return save(pos);
  }
}
