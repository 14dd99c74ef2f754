// Bytes appended a piece at a time into one growing buffer: a scanner keeps the pieces of a
// token or field that chunks cut apart.
export class ByteBuilder {
  private bytes = Buffer.allocUnsafe(256);
  length = 0;

  push(from: Uint8Array, start = 0, end = from.length): void {
    const need = this.length + end - start;
    if (need > this.bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, this.bytes.length * 2));
      this.bytes.copy(grown, 0, 0, this.length);
      this.bytes = grown;
    }
    this.bytes.set(from.subarray(start, end), this.length);
    this.length = need;
  }

  /** What was pushed, not copied: pushing more may overwrite it. */
  view(): Buffer {
    return this.bytes.subarray(0, this.length);
  }
}
