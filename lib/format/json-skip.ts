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
    while (at < buf.length) {
      const byte = buf[at]!;
      if (this.inString) {
        if (byte === BACKSLASH) {
          if (at + 1 >= buf.length) return at; // the escaped byte is in the next chunk
          at += 2;
          continue;
        }
        at++;
        if (byte === QUOTE) {
          this.inString = false;
          if (this.depth === 0) return this.end(at);
        }
      } else if (!this.started) {
        if (isJsonSpace(byte)) {
          at++;
          continue;
        }
        this.started = true;
        if (byte === QUOTE) this.inString = true;
        else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) this.depth = 1;
        else if (isScalarByte(byte)) this.scalar = true;
        else throw this.unexpected(at);
        at++;
      } else if (this.scalar) {
        if (!isScalarByte(byte)) return this.end(at);
        at++;
      } else {
        at++;
        if (byte === QUOTE) this.inString = true;
        else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) this.depth++;
        else if ((byte === CLOSE_BRACE || byte === CLOSE_BRACKET) && --this.depth === 0) return this.end(at);
      }
    }
    return at;
  }

  private end(at: number): number {
    this.done = true;
    return at;
  }
}
