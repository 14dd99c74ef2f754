// Big-endian integers of PostgreSQL's binary COPY, read from a buffer without a DataView.

export const readInt32 = (b: Buffer, at: number) =>
  (b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!;
export const readUint32 = (b: Buffer, at: number) => readInt32(b, at) >>> 0;
