// Moves over one JSON value a chunk at a time without looking into it: where a string, an
// object or an array ends is all it tracks (JSON.parse checks the value's text afterwards).
import {
  BACKSLASH,
  CLOSE_BRACE,
  CLOSE_BRACKET,
  isDigit,
  isJsonSpace,
  MINUS,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
} from './ascii.ts';

/** A byte that may be part of a number, `true`, `false` or `null`. */
export const isScalarByte = (byte: number): boolean =>
  isDigit(byte) || (byte >= 0x61 && byte <= 0x7a) || byte === MINUS || byte === 0x2b || byte === 0x2e || byte === 0x45;

export class JsonValueSkipper {
  private started = false;
  private depth = 0;
  private scalar = false;
  /** Inside a string: a value cut there is an unclosed string. */
  inString = false;
  done = false;

  constructor(private readonly unexpected: (at: number) => Error) {}

  start(): void {
    this.started = this.scalar = this.inString = this.done = false;
    this.depth = 0;
  }

  /** Skips from `buf[at]` (whitespace first); returns where it stopped: after the value once `done`. */
  skip(buf: Uint8Array, at: number): number {
    // The loop keeps its state in locals (written back at every return): it runs over megabytes.
    let inString = this.inString;
    let depth = this.depth;
    const length = buf.length;
    const stop = (where: number, done: boolean) => {
      this.inString = inString;
      this.depth = depth;
      this.done = done;
      return where;
    };
    while (at < length) {
      const byte = buf[at]!;
      if (inString) {
        if (byte === BACKSLASH) {
          if (at + 1 >= length) return stop(at, false); // the escaped byte is in the next chunk
          at += 2;
          continue;
        }
        at++;
        if (byte === QUOTE) {
          inString = false;
          if (depth === 0) return stop(at, true);
        }
      } else if (!this.started) {
        if (isJsonSpace(byte)) {
          at++;
          continue;
        }
        this.started = true;
        if (byte === QUOTE) inString = true;
        else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth = 1;
        else if (isScalarByte(byte)) this.scalar = true;
        else throw this.unexpected(at);
        at++;
      } else if (this.scalar) {
        if (!isScalarByte(byte)) return stop(at, true);
        at++;
      } else {
        at++;
        if (byte === QUOTE) inString = true;
        else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth++;
        else if ((byte === CLOSE_BRACE || byte === CLOSE_BRACKET) && --depth === 0) return stop(at, true);
      }
    }
    return stop(at, false);
  }
}
