// The bytes a scanner of chunked JSON stands in: each chunk is appended to what the last one
// left (a token it cut), and what is read can be captured into a ByteBuilder as it goes. A
// scanner extends it with its grammar (`run`).
import { BACKSLASH, isJsonSpace, QUOTE } from './ascii.ts';
import type { ByteBuilder } from './byte-builder.ts';

/** How much of a chunk a token cut by the last one is finished on, before the chunk itself is read. */
const BRIDGE_BYTES = 64;

export abstract class ChunkCursor {
  /** The unread bytes: a token cut by the last chunk's end, then the next chunk. */
  protected buf: Buffer = Buffer.alloc(0);
  protected pos = 0;
  /** Bytes before `buf`. */
  protected consumed = 0;
  /** Bytes of `buf` from `captureFrom` on go to `capture` once read. */
  protected capture: ByteBuilder | null = null;
  protected captureFrom = 0;

  /** Reads from `pos` as far as the bytes go, stopping at a token they cut. */
  protected abstract run(): void;

  /** An error for bytes that are not JSON. */
  protected abstract notJson(message: string): Error;

  feed(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    let bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const left = this.buf.length - this.pos;
    if (left > 0 && bytes.length > BRIDGE_BYTES) {
      // The cut token is finished on a copy of it and the chunk's first bytes; from there on the
      // chunk is read where it is, not copied behind the token (a copy of every chunk).
      this.buf = Buffer.concat([this.buf.subarray(this.pos), bytes.subarray(0, BRIDGE_BYTES)]);
      this.pos = 0;
      this.captureFrom = 0;
      this.run();
      this.flushCapture();
      if (this.pos >= left) {
        this.consumed += left;
        this.pos -= left;
      } else {
        // Still in the token: the rest of it, and the chunk's, as one buffer.
        this.consumed += this.pos;
        bytes = Buffer.concat([this.buf.subarray(this.pos, left), bytes]);
        this.pos = 0;
      }
      this.buf = bytes;
    } else {
      this.buf = left > 0 ? Buffer.concat([this.buf.subarray(this.pos), bytes]) : bytes;
      this.pos = 0;
    }
    this.captureFrom = this.pos;
    this.run();
    this.flushCapture();
    this.consumed += this.pos;
    // What is left (a cut token, a few bytes) is copied: the caller may reuse its chunk.
    this.buf = Buffer.from(this.buf.subarray(this.pos));
    this.pos = 0;
  }

  /** Where the bytes read end, from the start. */
  protected get offset(): number {
    return this.consumed + this.buf.length;
  }

  protected unexpected(at = this.pos): Error {
    const byte = this.buf[at]!;
    const shown =
      byte < 0x20 || byte > 0x7e ? `byte 0x${byte.toString(16)}` : JSON.stringify(String.fromCharCode(byte));
    return this.notJson(`unexpected ${shown} at byte ${this.consumed + at}`);
  }

  /** Starts capturing at `pos` into `into`. */
  protected captureInto(into: ByteBuilder | null): void {
    this.capture = into;
    this.captureFrom = this.pos;
  }

  protected flushCapture(): void {
    if (this.capture && this.pos > this.captureFrom) this.capture.push(this.buf, this.captureFrom, this.pos);
    this.captureFrom = this.pos;
  }

  /** Offset in `capture` of `buf[at]`. */
  protected captured(at: number): number {
    return this.capture!.length + at - this.captureFrom;
  }

  /** Skips whitespace; false at the end of the bytes. */
  protected skipSpace(): boolean {
    const { buf } = this;
    while (this.pos < buf.length && isJsonSpace(buf[this.pos]!)) this.pos++;
    return this.pos < buf.length;
  }

  /**
   * Reads the string whose `"` is at `pos` (an object's key); returns it and the index after it,
   * or null when the bytes end inside it.
   */
  protected readString(): { text: string; end: number } | null {
    const { buf } = this;
    let end = this.pos + 1;
    let escaped = false;
    for (;;) {
      if (end >= buf.length) return null;
      const byte = buf[end]!;
      if (byte === QUOTE) break;
      if (byte === BACKSLASH) {
        escaped = true;
        end++;
      }
      end++;
    }
    end++;
    if (!escaped) return { text: buf.toString('utf8', this.pos + 1, end - 1), end };
    try {
      return { text: JSON.parse(buf.toString('utf8', this.pos, end)) as string, end };
    } catch (error) {
      throw this.notJson(`a string at byte ${this.consumed + this.pos}: ${(error as Error).message}`);
    }
  }
}
