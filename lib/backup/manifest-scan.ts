// Scans a manifest's bytes as they arrive, in chunks split anywhere: each entry is checked and
// handed out as soon as its `}` is read, its `ssts` decoded straight into a BigUint64Array. It
// holds one entry at most (its fields as text, its ids as 8 bytes each), never the whole text:
// a manifest of 100 snapshots of 1,000,000 SSTs is 2.4 GB. The stream reader, `parseManifest`
// and the byte-copying rewrite all go through it.
import {
  BACKSLASH,
  CLOSE_BRACE,
  CLOSE_BRACKET,
  COLON,
  COMMA,
  DIGIT_ZERO,
  isDigit,
  isJsonSpace,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
} from '../format/ascii.ts';
import { BackupError } from './errors.ts';
import { type SnapshotMetadata, StateTableInfoPool } from './manifest.ts';
import { entryOf, KNOWN_ENTRY_FIELDS, manifestIdOf, parseJsonValue } from './manifest-entry.ts';
import { sortedIdsText } from './manifest-id-text.ts';
import { sortUnique } from './sst-set.ts';
import { readU64Digits, u64Halves } from './u64-digits.ts';

/**
 * An entry's exact bytes, `{` to `}`, in three parts: its `ssts` array (brackets included) is
 * kept as its ids when writing them back gives the same bytes (compact and ascending, as this
 * product and any sorted writer make it), else as its text.
 */
export interface EntryBytes {
  before: Uint8Array;
  ssts: BigUint64Array | Uint8Array | null;
  after: Uint8Array;
}

export type ScanEvent =
  | { kind: 'manifest_id'; manifestId: bigint }
  /** A top-level field this product does not know: `"key":value` as read. */
  | { kind: 'extra'; bytes: Uint8Array }
  | { kind: 'entries' }
  | { kind: 'entry'; index: number; metadata: SnapshotMetadata; bytes: EntryBytes | null }
  | { kind: 'entries_end' };

export interface ScanOptions {
  /** 'skip' checks each id's digits without keeping them: entries come with empty `ssts`. */
  ssts: 'decode' | 'skip';
  /** Hand out each entry's bytes too (a rewrite copies them). */
  keepBytes: boolean;
  /**
   * Shares equal state table values across entries (a caller holding every entry). Without it
   * they are shared within an entry only: a stream's memory stays that of one entry.
   */
  pool?: StateTableInfoPool;
}

// Where the scanner is: a state per token it expects.
const TOP_OPEN = 0;
const TOP_KEY = 1;
const TOP_COLON = 2;
const TOP_VALUE = 3;
const TOP_NEXT = 4;
const DONE = 5;
const LIST_FIRST = 6;
const LIST_ITEM = 7;
const LIST_NEXT = 8;
const ENTRY_KEY = 9;
const ENTRY_COLON = 10;
const ENTRY_VALUE = 11;
const ENTRY_NEXT = 12;
const SKIP_VALUE = 13;
const IDS = 14;
// Inside an `ssts` array, what comes next.
const IDS_FIRST = 0;
const IDS_NUMBER = 1;
const IDS_SEPARATOR = 2;

const EMPTY_IDS = new BigUint64Array(0);
const LONGEST_BAD_ID = 30;

/** Bytes appended a piece at a time into one growing buffer. */
class ByteBuilder {
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

  view(): Buffer {
    return this.bytes.subarray(0, this.length);
  }
}

const isScalarByte = (byte: number) =>
  isDigit(byte) || (byte >= 0x61 && byte <= 0x7a) || byte === 0x2d || byte === 0x2b || byte === 0x2e || byte === 0x45;

export class ManifestScanner {
  /** What was read so far and not yet taken. */
  private events: ScanEvent[] = [];
  private state = TOP_OPEN;
  /** The unread bytes: a token cut by the chunk's end, then the next chunk. */
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  /** Bytes before `buf`. */
  private consumed = 0;
  /** Bytes of `buf` from `captureFrom` go to `capture` (an entry's, a top-level field's, an array's). */
  private capture: ByteBuilder | null = null;
  private captureFrom = 0;

  private sawManifestId = false;
  private sawEntries = false;
  private first = true;
  private key = '';
  /** Where the field being read starts in `capture`, and its value. */
  private fieldAt = 0;
  private valueAt = 0;
  private entryIndex = 0;
  private entryText: ByteBuilder | null = null;
  private extras: number[] = [];
  /** The `ssts` array's place in `entryText` (a 0 stands there), or -1. */
  private sstsAt = -1;
  private sstsText: ByteBuilder | null = null;
  private skipReturn = TOP_NEXT;
  private skipDepth = 0;
  private skipStarted = false;
  private skipString = false;
  private skipScalar = false;
  private ids = new BigUint64Array(1024);
  private halves = u64Halves(this.ids);
  private idCount = 0;
  private idsNext = IDS_FIRST;
  private idsAscending = true;
  /** The array's text so far is what writing its ids back makes. */
  private idsCompact = true;
  /** The last array's ids, and the same when they are what its text holds. */
  private entryIds: BigUint64Array = EMPTY_IDS;
  private idsSsts: BigUint64Array | null = null;

  constructor(
    private readonly where: string,
    private readonly options: ScanOptions,
  ) {}

  /** The events read so far, handed over once. */
  take(): ScanEvent[] {
    const events = this.events;
    this.events = [];
    return events;
  }

  feed(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.buf = this.pos < this.buf.length ? Buffer.concat([this.buf.subarray(this.pos), bytes]) : bytes;
    this.pos = 0;
    this.captureFrom = 0;
    this.run();
    this.flushCapture();
    this.consumed += this.pos;
    // What is left (a cut token, a few bytes) is copied: the caller may reuse its chunk.
    this.buf = Buffer.from(this.buf.subarray(this.pos));
    this.pos = 0;
  }

  /** The end of the bytes: refused unless the manifest was complete and valid. */
  finish(): void {
    if (this.state !== DONE) {
      if (this.state === IDS) throw this.invalid('an "ssts" array is not closed');
      if ((this.state === SKIP_VALUE && this.skipString) || this.buf[this.pos] === QUOTE)
        throw this.invalid('a string is not closed');
      throw this.notJson(
        this.consumed === 0 && this.buf.length === 0
          ? 'Unexpected end of JSON input'
          : `it ends early, at byte ${this.consumed + this.buf.length}`,
      );
    }
    if (!this.sawManifestId) manifestIdOf(undefined, this.where);
    if (!this.sawEntries) throw this.invalid('snapshot_metadata: expected an array, got none');
  }

  private invalid(message: string): BackupError {
    return new BackupError('CORRUPT_MANIFEST', `${this.where} is not a valid manifest: ${message}`);
  }

  private notJson(message: string): BackupError {
    return new BackupError('CORRUPT_MANIFEST', `${this.where} is not valid JSON: ${message}`);
  }

  private unexpected(): BackupError {
    const byte = this.buf[this.pos]!;
    const shown =
      byte < 0x20 || byte > 0x7e ? `byte 0x${byte.toString(16)}` : JSON.stringify(String.fromCharCode(byte));
    return this.notJson(`unexpected ${shown} at byte ${this.consumed + this.pos}`);
  }

  private flushCapture(): void {
    if (this.capture && this.pos > this.captureFrom) this.capture.push(this.buf, this.captureFrom, this.pos);
    this.captureFrom = this.pos;
  }

  /** Offset in `capture` of `buf[at]`. */
  private captured(at: number): number {
    return this.capture!.length + at - this.captureFrom;
  }

  /** Skips whitespace; false at the end of the bytes. */
  private skipSpace(): boolean {
    const { buf } = this;
    while (this.pos < buf.length && isJsonSpace(buf[this.pos]!)) this.pos++;
    return this.pos < buf.length;
  }

  /** Reads the key whose `"` is at `pos` into `key`; returns the index after it, or -1 when it is cut by the end of the bytes. */
  private readKey(): number {
    const { buf } = this;
    let end = this.pos + 1;
    let escaped = false;
    for (;;) {
      if (end >= buf.length) return -1;
      const byte = buf[end]!;
      if (byte === QUOTE) break;
      if (byte === BACKSLASH) {
        escaped = true;
        end++;
      }
      end++;
    }
    end++;
    this.key = escaped
      ? String(parseJsonValue(buf.subarray(this.pos, end), this.where, `a key at byte ${this.consumed + this.pos}`))
      : buf.toString('utf8', this.pos + 1, end - 1);
    return end;
  }

  private startSkip(returnTo: number): void {
    this.state = SKIP_VALUE;
    this.skipReturn = returnTo;
    this.skipStarted = this.skipString = this.skipScalar = false;
    this.skipDepth = 0;
  }

  private run(): void {
    const { buf } = this;
    while (this.pos < buf.length) {
      switch (this.state) {
        case TOP_OPEN:
          if (!this.skipSpace()) return;
          if (buf[this.pos] !== OPEN_BRACE) {
            if (buf[this.pos] === OPEN_BRACKET || buf[this.pos] === QUOTE || isScalarByte(buf[this.pos]!))
              throw this.invalid('(root): expected an object');
            throw this.unexpected();
          }
          this.pos++;
          this.state = TOP_KEY;
          break;
        case TOP_KEY: {
          if (!this.skipSpace()) return;
          if (this.first && buf[this.pos] === CLOSE_BRACE) {
            this.pos++;
            this.state = DONE;
            break;
          }
          if (buf[this.pos] !== QUOTE) throw this.unexpected();
          const keyEnd = this.readKey();
          if (keyEnd < 0) return;
          if (this.key !== 'snapshot_metadata') {
            this.capture = new ByteBuilder();
            this.captureFrom = this.pos;
          }
          this.pos = keyEnd;
          this.state = TOP_COLON;
          break;
        }
        case TOP_COLON:
          if (!this.skipSpace()) return;
          if (buf[this.pos] !== COLON) throw this.unexpected();
          this.pos++;
          this.state = TOP_VALUE;
          break;
        case TOP_VALUE:
          if (this.key === 'snapshot_metadata') {
            if (!this.skipSpace()) return;
            if (this.sawEntries) throw this.invalid('snapshot_metadata is there twice');
            if (buf[this.pos] !== OPEN_BRACKET) throw this.invalid('snapshot_metadata: expected an array');
            this.sawEntries = true;
            this.events.push({ kind: 'entries' });
            this.pos++;
            this.state = LIST_FIRST;
          } else {
            this.valueAt = this.captured(this.pos);
            this.startSkip(TOP_NEXT);
          }
          break;
        case TOP_NEXT:
          if (!this.skipSpace()) return;
          this.first = false;
          if (buf[this.pos] === COMMA) this.state = TOP_KEY;
          else if (buf[this.pos] === CLOSE_BRACE) this.state = DONE;
          else throw this.unexpected();
          this.pos++;
          break;
        case DONE:
          if (!this.skipSpace()) return;
          throw this.unexpected();
        case LIST_FIRST:
        case LIST_ITEM:
          if (!this.skipSpace()) return;
          if (this.state === LIST_FIRST && buf[this.pos] === CLOSE_BRACKET) {
            this.endEntries();
            break;
          }
          if (buf[this.pos] !== OPEN_BRACE)
            throw this.invalid(`snapshot_metadata.${this.entryIndex}: expected an object`);
          this.entryText = this.capture = new ByteBuilder();
          this.captureFrom = this.pos;
          this.extras = [];
          this.sstsAt = -1;
          this.sstsText = null;
          this.first = true;
          this.pos++;
          this.state = ENTRY_KEY;
          break;
        case LIST_NEXT:
          if (!this.skipSpace()) return;
          if (buf[this.pos] === COMMA) {
            this.pos++;
            this.state = LIST_ITEM;
          } else if (buf[this.pos] === CLOSE_BRACKET) {
            this.endEntries();
          } else {
            throw this.unexpected();
          }
          break;
        case ENTRY_KEY: {
          if (!this.skipSpace()) return;
          if (this.first && buf[this.pos] === CLOSE_BRACE) {
            this.endEntry();
            break;
          }
          if (buf[this.pos] !== QUOTE) throw this.unexpected();
          const fieldKeyEnd = this.readKey();
          if (fieldKeyEnd < 0) return;
          this.fieldAt = this.captured(this.pos);
          this.pos = fieldKeyEnd;
          this.state = ENTRY_COLON;
          break;
        }
        case ENTRY_COLON:
          if (!this.skipSpace()) return;
          if (buf[this.pos] !== COLON) throw this.unexpected();
          this.pos++;
          this.state = ENTRY_VALUE;
          break;
        case ENTRY_VALUE:
          if (!this.skipSpace()) return;
          if (this.key === 'ssts' && buf[this.pos] === OPEN_BRACKET) this.openIds();
          else this.startSkip(ENTRY_NEXT);
          break;
        case ENTRY_NEXT:
          if (!this.skipSpace()) return;
          this.first = false;
          if (buf[this.pos] === COMMA) {
            this.pos++;
            this.state = ENTRY_KEY;
          } else if (buf[this.pos] === CLOSE_BRACE) {
            this.endEntry();
          } else {
            throw this.unexpected();
          }
          break;
        case SKIP_VALUE:
          if (this.skipValue()) this.endValue();
          else return;
          break;
        case IDS:
          if (!this.readIds()) return;
          break;
      }
    }
  }

  /** Moves over a value this scanner does not look into (JSON.parse checks it later); true at its end. */
  private skipValue(): boolean {
    const { buf } = this;
    while (this.pos < buf.length) {
      const byte = buf[this.pos]!;
      if (this.skipString) {
        if (byte === BACKSLASH) {
          if (this.pos + 1 >= buf.length) return false;
          this.pos += 2;
          continue;
        }
        this.pos++;
        if (byte === QUOTE) {
          this.skipString = false;
          if (this.skipDepth === 0) return true;
        }
      } else if (!this.skipStarted) {
        if (isJsonSpace(byte)) {
          this.pos++;
          continue;
        }
        this.skipStarted = true;
        if (byte === QUOTE) this.skipString = true;
        else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) this.skipDepth = 1;
        else if (isScalarByte(byte)) this.skipScalar = true;
        else throw this.unexpected();
        this.pos++;
      } else if (this.skipScalar) {
        if (!isScalarByte(byte)) return true;
        this.pos++;
      } else {
        this.pos++;
        if (byte === QUOTE) this.skipString = true;
        else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) this.skipDepth++;
        else if ((byte === CLOSE_BRACE || byte === CLOSE_BRACKET) && --this.skipDepth === 0) return true;
      }
    }
    return false;
  }

  private endValue(): void {
    this.state = this.skipReturn;
    if (this.state === ENTRY_NEXT) {
      if (!KNOWN_ENTRY_FIELDS.has(this.key)) this.extras.push(this.fieldAt, this.captured(this.pos));
      return;
    }
    this.flushCapture();
    const field = this.capture!.view();
    this.capture = null;
    if (this.key === 'manifest_id') {
      if (this.sawManifestId) throw this.invalid('manifest_id is there twice');
      this.sawManifestId = true;
      this.events.push({ kind: 'manifest_id', manifestId: manifestIdOf(field.subarray(this.valueAt), this.where) });
    } else {
      // Checked as JSON here: it is copied into every rewrite.
      parseJsonValue(Buffer.concat([Buffer.of(OPEN_BRACE), field, Buffer.of(CLOSE_BRACE)]), this.where, this.key);
      this.events.push({ kind: 'extra', bytes: field });
    }
  }

  private endEntries(): void {
    this.pos++;
    this.events.push({ kind: 'entries_end' });
    this.state = TOP_NEXT;
  }

  private openIds(): void {
    if (this.sstsAt >= 0) throw this.invalid(`snapshot_metadata.${this.entryIndex}: "ssts" is there twice`);
    this.flushCapture();
    this.sstsAt = this.capture!.length;
    this.capture!.push(Buffer.of(DIGIT_ZERO));
    this.capture = null;
    this.pos++;
    this.captureFrom = this.pos;
    this.idCount = 0;
    this.idsNext = IDS_FIRST;
    this.idsAscending = true;
    this.idsCompact = this.options.keepBytes;
    // Ids only checked are not there to be written back: the text is kept.
    if (this.options.keepBytes && this.options.ssts === 'skip') this.keepIdsText();
    this.state = IDS;
  }

  /**
   * From here on the array's text is kept as read: what came before is exactly what its ids so
   * far make written back, so only that is made, not stored from the start.
   */
  private keepIdsText(): void {
    this.idsCompact = false;
    if (!this.options.keepBytes) return;
    const text = new ByteBuilder();
    text.push(Buffer.of(OPEN_BRACKET));
    text.push(sortedIdsText(this.ids.subarray(0, this.idCount)));
    if (this.idsNext === IDS_NUMBER) text.push(Buffer.of(COMMA));
    this.sstsText = this.capture = text;
    this.captureFrom = this.pos;
  }

  /** Reads ids up to the array's `]`; false when more bytes are needed. */
  private readIds(): boolean {
    const { buf } = this;
    const length = buf.length;
    const decode = this.options.ssts === 'decode';
    // The hot loop keeps its state in locals, written back before anything else runs.
    let pos = this.pos;
    let count = this.idCount;
    let halves = this.halves;
    let ascending = this.idsAscending;
    let next = this.idsNext;
    const save = () => {
      this.pos = pos;
      this.idCount = count;
      this.idsAscending = ascending;
      this.idsNext = next;
    };
    while (pos < length) {
      const byte = buf[pos]!;
      if (next === IDS_SEPARATOR) {
        if (byte === COMMA) {
          next = IDS_NUMBER;
          pos++;
          continue;
        }
        if (byte === CLOSE_BRACKET) {
          save();
          return this.closeIds();
        }
      }
      if (isJsonSpace(byte)) {
        if (this.idsCompact) {
          save();
          this.keepIdsText();
        }
        pos++;
        continue;
      }
      if (next === IDS_SEPARATOR) {
        save();
        throw this.invalid(`unexpected ${JSON.stringify(String.fromCharCode(byte))} in an "ssts" array`);
      }
      if (byte === CLOSE_BRACKET) {
        if (next === IDS_NUMBER) throw this.invalid('an "ssts" array ends with a comma');
        save();
        return this.closeIds();
      }
      if (count === this.ids.length) {
        if (decode) {
          const grown = new BigUint64Array(this.ids.length * 2);
          grown.set(this.ids);
          this.ids = grown;
          halves = this.halves = u64Halves(grown);
        } else {
          count = 0; // only checked, not kept
        }
      }
      let end = readU64Digits(buf, pos, length, halves, count);
      if (end < 0 || end === length) {
        // Not a u64, or digits that may go on in the next chunk.
        end = pos;
        while (end < length && end - pos <= LONGEST_BAD_ID && isDigit(buf[end]!)) end++;
        if (end === length && end - pos <= LONGEST_BAD_ID) {
          save();
          return false;
        }
        if (end === pos || end - pos > LONGEST_BAD_ID || readU64Digits(buf, pos, end, halves, count) < 0) {
          while (end < length && end - pos < LONGEST_BAD_ID && buf[end] !== COMMA && buf[end] !== CLOSE_BRACKET) {
            if (isJsonSpace(buf[end]!)) break;
            end++;
          }
          if (end === length && end - pos < LONGEST_BAD_ID) {
            save();
            return false;
          }
          throw this.invalid(
            `snapshot_metadata.ssts: ${JSON.stringify(buf.toString('latin1', pos, end))} is not a u64`,
          );
        }
      }
      if (decode && ascending && count > 0) {
        const hi = halves[2 * count + 1]! - halves[2 * count - 1]!;
        ascending = hi > 0 || (hi === 0 && halves[2 * count]! > halves[2 * count - 2]!);
      }
      if (this.idsCompact && (!ascending || (byte === DIGIT_ZERO && end - pos > 1))) {
        save();
        this.keepIdsText();
      }
      count++;
      pos = end;
      next = IDS_SEPARATOR;
    }
    save();
    return false;
  }

  private closeIds(): boolean {
    this.pos++;
    let ids = EMPTY_IDS;
    if (this.options.ssts === 'decode') {
      const read = this.ids.subarray(0, this.idCount);
      const sorted = this.idsAscending ? read : sortUnique(read);
      ids = sorted.slice();
    }
    if (this.sstsText) this.flushCapture();
    this.idsSsts = this.options.keepBytes && !this.sstsText ? ids : null;
    // Large arrays are not kept between entries.
    if (this.ids.length > 1024) {
      this.ids = new BigUint64Array(1024);
      this.halves = u64Halves(this.ids);
    }
    this.entryIds = ids;
    this.capture = this.entryText;
    this.captureFrom = this.pos;
    this.state = ENTRY_NEXT;
    return true;
  }

  private endEntry(): void {
    this.pos++;
    this.flushCapture();
    const text = this.entryText!.view();
    this.capture = this.entryText = null;
    let extra: Uint8Array | undefined;
    if (this.extras.length > 0) {
      const pieces: Uint8Array[] = [];
      for (let i = 0; i < this.extras.length; i += 2)
        pieces.push(Buffer.of(COMMA), text.subarray(this.extras[i]!, this.extras[i + 1]!));
      extra = Buffer.concat(pieces);
    }
    const hasIds = this.sstsAt >= 0;
    const pool = this.options.pool ?? new StateTableInfoPool();
    const metadata = entryOf(text, hasIds ? this.entryIds : null, extra, this.entryIndex, this.where, pool);
    let bytes: EntryBytes | null = null;
    if (this.options.keepBytes)
      bytes = hasIds
        ? {
            before: text.subarray(0, this.sstsAt),
            ssts: this.sstsText ? this.sstsText.view() : this.idsSsts!,
            after: text.subarray(this.sstsAt + 1),
          }
        : { before: text, ssts: null, after: EMPTY_BYTES };
    this.events.push({ kind: 'entry', index: this.entryIndex++, metadata, bytes });
    this.entryIds = EMPTY_IDS;
    this.idsSsts = null;
    this.sstsText = null;
    this.state = LIST_NEXT;
  }
}

const EMPTY_BYTES = new Uint8Array(0);
