// RisingWave's meta snapshot container, streamed in constant memory:
//   u32 format_version | u64 snapshot_id | sections | u64 xxhash64 (seed 0) of all bytes before it
// little-endian. A section is `u32 item_count` then items, each framed as lib/format/item-frame.ts
// says: `u32 length` (or `u32 0` then `u64 length`) followed by the item's JSON bytes.
import xxhash, { type XXHash } from 'xxhash-wasm';
import {
  encodeItemLength,
  type FramedRows,
  forEachFramedRow,
  LONG_LENGTH_MARKER,
  MAX_SHORT_LENGTH,
  readShortLength,
  SHORT_LENGTH_BYTES,
  writeShortLength,
} from '../format/item-frame.ts';
import { BackupError } from './errors.ts';

export const SNAPSHOT_FORMAT_VERSION = 2;
export const SUPPORTED_FORMAT_VERSIONS: readonly number[] = [2];
const CHECKSUM_BYTES = 8;
const DEFAULT_CHUNK_BYTES = 1 << 20;
/** Framed batches at least this large become chunks of their own instead of being copied. */
const PASS_THROUGH_BYTES = 16 << 10;
/** Items are held whole while decoding; a length beyond this is treated as corruption. */
const MAX_ITEM_BYTES = 1 << 30;

let hasherApi: ReturnType<typeof xxhash> | undefined;
export async function newHasher(): Promise<XXHash<bigint>> {
  hasherApi ??= xxhash();
  return (await hasherApi).create64(0n);
}

export interface SnapshotHeader {
  formatVersion: number;
  id: bigint;
}

type Item = Uint8Array | string;

export interface SnapshotSectionSource {
  /** The number of items, written before them; the encoder fails if the items disagree. */
  count: number;
  /**
   * Items one at a time, in batches (arrays), or already framed (copied as they are, after a
   * check of their framing): batches cost less per item on large sections.
   */
  items: AsyncIterable<Item | Item[] | FramedRows> | Iterable<Item | Item[] | FramedRows>;
}

export { encodeItemLength };

const utf8 = new TextEncoder();
const noRowCheck = () => {};

/** Streams the snapshot bytes: header, sections in order, checksum. */
export async function* encodeSnapshot(
  header: SnapshotHeader,
  sections: AsyncIterable<SnapshotSectionSource> | Iterable<SnapshotSectionSource>,
  options: { chunkBytes?: number } = {},
): AsyncGenerator<Uint8Array> {
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  const hash = await newHasher();
  let buffer = new Uint8Array(chunkBytes);
  let used = 0;
  const pending: Uint8Array[] = [];

  const flush = () => {
    if (used === 0) return;
    const out = buffer.subarray(0, used);
    hash.update(out);
    pending.push(out);
    buffer = new Uint8Array(chunkBytes);
    used = 0;
  };
  const write = (bytes: Uint8Array) => {
    if (bytes.length > chunkBytes - used) {
      flush();
      if (bytes.length >= chunkBytes) {
        hash.update(bytes);
        pending.push(bytes);
        return;
      }
    }
    buffer.set(bytes, used);
    used += bytes.length;
  };

  const head = new Uint8Array(12);
  const view = new DataView(head.buffer);
  view.setUint32(0, header.formatVersion, true);
  view.setBigUint64(4, header.id, true);
  write(head);

  let sectionIndex = 0;
  for await (const section of sections) {
    if (!Number.isInteger(section.count) || section.count < 0 || section.count > 0xffff_ffff) {
      throw new RangeError(`section ${sectionIndex}: item count ${section.count} does not fit in a u32`);
    }
    const count = new Uint8Array(4);
    new DataView(count.buffer).setUint32(0, section.count, true);
    write(count);
    let written = 0;
    const writeItem = (item: Item) => {
      const bytes = typeof item === 'string' ? utf8.encode(item) : item;
      const n = bytes.length;
      if (n === 0) throw new RangeError(`section ${sectionIndex}: empty item (an item is JSON, never empty)`);
      if (n <= MAX_SHORT_LENGTH) {
        if (chunkBytes - used < SHORT_LENGTH_BYTES) flush();
        writeShortLength(buffer, used, n);
        used += SHORT_LENGTH_BYTES;
      } else write(encodeItemLength(n));
      write(bytes);
      written++;
    };
    for await (const entry of section.items) {
      if (Array.isArray(entry)) for (const item of entry) writeItem(item);
      else if (typeof entry === 'string' || entry instanceof Uint8Array) writeItem(entry);
      else {
        forEachFramedRow(entry, noRowCheck); // the framing holds exactly `count` non-empty items
        if (entry.framed.length >= PASS_THROUGH_BYTES) {
          // Passed on as it is: copying 800 MB of rows into fresh chunks cost half a second.
          flush();
          hash.update(entry.framed);
          pending.push(entry.framed);
        } else write(entry.framed);
        written += entry.count;
      }
      if (pending.length) yield* pending.splice(0);
    }
    if (written !== section.count) {
      throw new Error(`section ${sectionIndex}: announced ${section.count} items but produced ${written}`);
    }
    sectionIndex++;
  }
  flush();
  const checksum = new Uint8Array(CHECKSUM_BYTES);
  new DataView(checksum.buffer).setBigUint64(0, hash.digest(), true);
  pending.push(checksum);
  yield* pending.splice(0);
}

class Truncated extends Error {}

/**
 * Reads a byte stream, always holding back the last 8 bytes (the checksum). Bytes are hashed as
 * whole chunks when they arrive, all but the stream's last 8, not item by item.
 */
class HashingReader {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private done = false;
  /** The stream's last bytes, not hashed yet: they may be the checksum. */
  private unhashed: Uint8Array[] = [];
  private unhashedBytes = 0;
  consumed = 0;

  constructor(
    private readonly source: AsyncIterator<Uint8Array>,
    private readonly hash: XXHash<bigint>,
  ) {}

  /** An error reading the source (I/O, not corruption), reported as such. */
  sourceError: unknown;

  private hashArrived(chunk: Uint8Array): void {
    this.unhashed.push(chunk);
    this.unhashedBytes += chunk.length;
    while (this.unhashedBytes - this.unhashed[0]!.length >= CHECKSUM_BYTES) {
      const first = this.unhashed.shift()!;
      this.hash.update(first);
      this.unhashedBytes -= first.length;
    }
    const first = this.unhashed[0]!;
    const hashable = this.unhashedBytes - CHECKSUM_BYTES;
    if (hashable > 0) {
      this.hash.update(first.subarray(0, hashable));
      this.unhashed[0] = first.subarray(hashable);
      this.unhashedBytes -= hashable;
    }
  }

  private async fill(bytes: number): Promise<boolean> {
    while (this.buffered < bytes && !this.done) {
      let next: IteratorResult<Uint8Array>;
      try {
        next = await this.source.next();
      } catch (error) {
        this.sourceError ??= error;
        this.done = true;
        throw error;
      }
      if (next.done) this.done = true;
      else if (next.value.length) {
        this.chunks.push(next.value);
        this.buffered += next.value.length;
        this.hashArrived(next.value);
      }
    }
    return this.buffered >= bytes;
  }

  private take(bytes: number): Uint8Array {
    let out: Uint8Array;
    const first = this.chunks[0]!;
    if (first.length >= bytes) {
      out = first.subarray(0, bytes);
      if (first.length === bytes) this.chunks.shift();
      else this.chunks[0] = first.subarray(bytes);
    } else {
      out = new Uint8Array(bytes);
      let at = 0;
      while (at < bytes) {
        const chunk = this.chunks[0]!;
        const n = Math.min(chunk.length, bytes - at);
        out.set(chunk.subarray(0, n), at);
        at += n;
        if (n === chunk.length) this.chunks.shift();
        else this.chunks[0] = chunk.subarray(n);
      }
    }
    this.buffered -= bytes;
    this.consumed += bytes;
    return out;
  }

  /**
   * Takes up to `max` items (u32 length, then the bytes) that lie whole in the first buffered
   * chunk, without waiting: the fast path for the many small items of a large section.
   */
  takeItems(max: number): Uint8Array[] {
    const items: Uint8Array[] = [];
    const chunk = this.chunks[0];
    if (!chunk) return items;
    let at = 0;
    while (items.length < max && at + SHORT_LENGTH_BYTES <= chunk.length) {
      const length = readShortLength(chunk, at);
      const end = at + SHORT_LENGTH_BYTES + length;
      // The long form and an item reaching into the checksum's 8 bytes take the slow path.
      if (length === LONG_LENGTH_MARKER || end > chunk.length || this.buffered - end < CHECKSUM_BYTES) break;
      items.push(chunk.subarray(at + SHORT_LENGTH_BYTES, end));
      at = end;
    }
    if (at) {
      if (at === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(at);
      this.buffered -= at;
      this.consumed += at;
    }
    return items;
  }

  /** Reads `bytes` of payload; the checksum's 8 bytes can never be read as payload. */
  async read(bytes: number): Promise<Uint8Array> {
    if (!(await this.fill(bytes + CHECKSUM_BYTES))) throw new Truncated();
    return this.take(bytes);
  }

  async u32(): Promise<number> {
    const b = await this.read(4);
    return new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true);
  }

  async u64(): Promise<bigint> {
    const b = await this.read(8);
    return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
  }

  /** True when only the checksum is left. */
  async atEnd(): Promise<boolean> {
    await this.fill(CHECKSUM_BYTES + 1);
    return this.done && this.buffered <= CHECKSUM_BYTES;
  }

  /** Hashes and drops every byte but the last 8; returns how many it skipped. */
  async skipToChecksum(): Promise<number> {
    let skipped = 0;
    for (;;) {
      if (this.buffered > CHECKSUM_BYTES) {
        const n = this.buffered - CHECKSUM_BYTES;
        this.take(n);
        skipped += n;
      }
      if (this.done) return skipped;
      await this.fill(this.buffered + 1);
    }
  }

  /** The stored checksum and the one computed over everything before it. */
  async checksums(): Promise<{ expected: bigint; found: bigint } | null> {
    await this.skipToChecksum();
    if (this.buffered < CHECKSUM_BYTES) return null;
    const found = this.hash.digest();
    const b = this.take(CHECKSUM_BYTES);
    return { expected: new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true), found };
  }
}

export interface SnapshotVisitor {
  /** Called once the header is read; throw to reject it. */
  header?(header: SnapshotHeader): void | Promise<void>;
  section?(index: number, count: number): void | Promise<void>;
  item?(sectionIndex: number, bytes: Uint8Array): void | Promise<void>;
  /** Items in batches (views into the stream's chunks, valid after the call); replaces `item`. */
  items?(sectionIndex: number, batch: Uint8Array[]): void | Promise<void>;
}

export interface DecodeResult {
  header: SnapshotHeader;
  /** Item counts of the sections that were read (known sections present in the snapshot). */
  sectionCounts: number[];
  /** Bytes of sections after the known ones (written by a newer version), skipped but checksummed. */
  skippedBytes: number;
  totalBytes: number;
}

export interface DecodeOptions {
  /** Read this many sections; later ones (from a newer version) are skipped but checksummed. */
  knownSections?: number;
  /** Names the snapshot in error messages. */
  name?: string;
  /** Stop after the known sections without reading on to the checksum: for previews only, unverified. */
  stopAfterKnown?: boolean;
}

function hex(n: bigint): string {
  return `0x${n.toString(16).padStart(16, '0')}`;
}

/**
 * Decodes a snapshot stream, calling the visitor for each item of the first `knownSections`
 * sections (all when absent), and verifies the checksum. Any structural problem is checked
 * against the checksum first, so corruption is reported as a checksum mismatch.
 */
export async function decodeSnapshot(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  visitor: SnapshotVisitor = {},
  options: DecodeOptions = {},
): Promise<DecodeResult> {
  const name = options.name ?? 'snapshot';
  const chunks =
    Symbol.asyncIterator in source
      ? source
      : (async function* () {
          yield* source;
        })();
  const reader = new HashingReader(chunks[Symbol.asyncIterator](), await newHasher());
  const sectionCounts: number[] = [];
  let header: SnapshotHeader | undefined;
  let structural: unknown;
  try {
    header = { formatVersion: await reader.u32(), id: await reader.u64() };
    if (!SUPPORTED_FORMAT_VERSIONS.includes(header.formatVersion)) {
      throw new BackupError(
        'UNSUPPORTED_FORMAT',
        `${name} has format version ${header.formatVersion}; this version reads ${SUPPORTED_FORMAT_VERSIONS.join(', ')}`,
      );
    }
    await visitor.header?.(header);
    const known = options.knownSections ?? Infinity;
    while (sectionCounts.length < known && !(await reader.atEnd())) {
      const index = sectionCounts.length;
      const count = await reader.u32();
      await visitor.section?.(index, count);
      for (let i = 0; i < count; ) {
        let batch = reader.takeItems(count - i);
        if (!batch.length) {
          let length: number | bigint = await reader.u32();
          if (length === LONG_LENGTH_MARKER) length = await reader.u64();
          if (length === 0n || length > BigInt(MAX_ITEM_BYTES)) {
            throw new BackupError(
              'CORRUPT_SNAPSHOT',
              `${name}: section ${index} item ${i} has an impossible length ${length}`,
            );
          }
          batch = [await reader.read(Number(length))];
        }
        i += batch.length;
        if (visitor.items) await visitor.items(index, batch);
        else if (visitor.item) {
          for (const bytes of batch) {
            const pending = visitor.item(index, bytes);
            if (pending) await pending;
          }
        }
      }
      sectionCounts.push(count);
    }
    if (options.stopAfterKnown && header)
      return { header, sectionCounts, skippedBytes: 0, totalBytes: reader.consumed };
  } catch (error) {
    structural = error;
  }
  let checksums: { expected: bigint; found: bigint } | null = null;
  let skippedBytes = 0;
  try {
    skippedBytes = await reader.skipToChecksum();
    checksums = await reader.checksums();
  } catch (error) {
    structural ??= error;
  }
  const totalBytes = reader.consumed;
  if (reader.sourceError) {
    const cause = reader.sourceError;
    throw new BackupError(
      'STORAGE_UNAVAILABLE',
      `${name}: reading failed after ${totalBytes} bytes: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
  if (checksums && checksums.expected !== checksums.found) {
    // Bytes alone cannot tell a cut from a flipped length; the reader's size check (verify) can.
    const cut =
      structural instanceof Truncated
        ? ` (its items run past its end at ${totalBytes} bytes: it may be truncated)`
        : '';
    throw new BackupError(
      'CHECKSUM_MISMATCH',
      `${name}: checksum mismatch: expected ${hex(checksums.expected)}, found ${hex(checksums.found)}${cut}`,
    );
  }
  if (!checksums) {
    throw new BackupError('CORRUPT_SNAPSHOT', `${name} is truncated: ${totalBytes} bytes, missing checksum`);
  }
  // The checksum matched, so the bytes are as written: a structural error is real.
  if (structural instanceof Truncated)
    throw new BackupError('CORRUPT_SNAPSHOT', `${name} is truncated after ${totalBytes} bytes`);
  if (structural) throw structural;
  return { header: header!, sectionCounts, skippedBytes, totalBytes };
}
