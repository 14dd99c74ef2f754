// Scans a manifest's bytes as they arrive, in chunks split anywhere: each entry is checked and
// handed out as soon as its `}` is read, its `ssts` decoded straight into a BigUint64Array. It
// holds one entry at most (its fields as text, its ids as 8 bytes each), never the whole text:
// a manifest of 100 snapshots of 1,000,000 SSTs is 2.4 GB. The stream reader, `parseManifest`
// and the byte-copying rewrite all go through it.
import {
  CLOSE_BRACE,
  CLOSE_BRACKET,
  COLON,
  COMMA,
  DIGIT_ZERO,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
} from '../format/ascii.ts';
import { ByteBuilder } from '../format/byte-builder.ts';
import { ChunkCursor } from '../format/chunk-cursor.ts';
import { isScalarByte, JsonValueSkipper } from '../format/json-skip.ts';
import { BackupError } from './errors.ts';
import { type SnapshotMetadata, StateTableInfoPool } from './manifest.ts';
import { countStateTables, entryOf, KNOWN_ENTRY_FIELDS, manifestIdOf, parseJsonValue } from './manifest-entry.ts';
import { type SstArray, SstArrayReader } from './manifest-ssts.ts';

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
  /**
   * `sstCount`: how many ids its `ssts` holds, decoded or not; `start` and `end`: where its `{`
   * and what follows its `}` stand in the manifest's bytes.
   */
  | {
      kind: 'entry';
      index: number;
      metadata: SnapshotMetadata;
      sstCount: number;
      stateTableCount: number;
      start: number;
      end: number;
      bytes: EntryBytes | null;
    }
  | { kind: 'entries_end' };

export interface ScanOptions {
  /** 'skip' checks each id's digits without keeping them: entries come with empty `ssts`. */
  ssts: 'decode' | 'skip';
  /**
   * 'count' checks `state_table_info` and counts its tables (`stateTableCount`) without making
   * them: entries come with it empty. Default 'parse'.
   */
  stateTables?: 'parse' | 'count';
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

const EMPTY_BYTES = new Uint8Array(0);

export class ManifestScanner extends ChunkCursor {
  /** What was read so far and not yet taken. */
  private events: ScanEvent[] = [];
  private state = TOP_OPEN;

  private sawManifestId = false;
  private sawEntries = false;
  private first = true;
  private key = '';
  /** Where the field being read starts in `capture`, and its value. */
  private fieldAt = 0;
  private valueAt = 0;
  private entryIndex = 0;
  private entryStart = 0;
  /** Where `state_table_info`'s value stands in `entryText` when only counted, or -1. */
  private tablesAt = -1;
  private tablesEnd = -1;
  private entryText: ByteBuilder | null = null;
  private extras: number[] = [];
  /** The `ssts` array's place in `entryText` (a 0 stands there), or -1, and what it held. */
  private sstsAt = -1;
  private ssts: SstArray | null = null;
  /** The state after the value being skipped. */
  private skipReturn = TOP_NEXT;
  private readonly skipper = new JsonValueSkipper((at) => this.unexpected(at));
  private readonly sstsReader: SstArrayReader;

  constructor(
    private readonly where: string,
    private readonly options: ScanOptions,
  ) {
    super();
    this.sstsReader = new SstArrayReader((message) => this.invalid(message), {
      decode: options.ssts === 'decode',
      keepText: options.keepBytes,
    });
  }

  /** The events read so far, handed over once. */
  take(): ScanEvent[] {
    const events = this.events;
    this.events = [];
    return events;
  }

  /** The end of the bytes: refused unless the manifest was complete and valid. */
  finish(): void {
    if (this.state !== DONE) {
      if (this.state === IDS) throw this.invalid('an "ssts" array is not closed');
      if ((this.state === SKIP_VALUE && this.skipper.inString) || this.buf[this.pos] === QUOTE)
        throw this.invalid('a string is not closed');
      throw this.notJson(
        this.consumed === 0 && this.buf.length === 0
          ? 'Unexpected end of JSON input'
          : `it ends early, at byte ${this.offset}`,
      );
    }
    if (!this.sawManifestId) manifestIdOf(undefined, this.where);
    if (!this.sawEntries) throw this.invalid('snapshot_metadata: expected an array, got none');
  }

  private invalid(message: string): BackupError {
    return new BackupError('CORRUPT_MANIFEST', `${this.where} is not a valid manifest: ${message}`);
  }

  protected notJson(message: string): BackupError {
    return new BackupError('CORRUPT_MANIFEST', `${this.where} is not valid JSON: ${message}`);
  }

  /** Reads the key at `pos` into `key`; false when the bytes end inside it. */
  private readKey(): boolean {
    const key = this.readString();
    if (key === null) return false;
    this.key = key.text;
    this.pos = key.end;
    return true;
  }

  private startSkip(returnTo: number): void {
    this.state = SKIP_VALUE;
    this.skipReturn = returnTo;
    this.skipper.start();
  }

  protected run(): void {
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
          // Any other field is kept as its bytes, key included.
          const keyAt = this.pos;
          if (!this.readKey()) return;
          if (this.key !== 'snapshot_metadata') {
            this.capture = new ByteBuilder();
            this.captureFrom = keyAt;
          }
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
          this.entryStart = this.consumed + this.pos;
          this.entryText = new ByteBuilder();
          this.captureInto(this.entryText);
          this.extras = [];
          this.sstsAt = -1;
          this.ssts = null;
          this.tablesAt = this.tablesEnd = -1;
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
          this.fieldAt = this.captured(this.pos);
          if (!this.readKey()) return;
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
          else {
            if (this.key === 'state_table_info' && this.options.stateTables === 'count')
              this.tablesAt = this.captured(this.pos);
            this.startSkip(ENTRY_NEXT);
          }
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
          this.pos = this.skipper.skip(buf, this.pos);
          if (!this.skipper.done) return;
          this.endValue();
          break;
        case IDS:
          this.pos = this.sstsReader.read(buf, this.pos);
          if (!this.sstsReader.closed) return;
          this.closeIds();
          break;
      }
    }
  }

  private endValue(): void {
    this.state = this.skipReturn;
    if (this.state === ENTRY_NEXT) {
      if (!KNOWN_ENTRY_FIELDS.has(this.key)) this.extras.push(this.fieldAt, this.captured(this.pos));
      if (this.key === 'state_table_info' && this.tablesAt >= 0) this.tablesEnd = this.captured(this.pos);
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
    // The array is not in the entry's text: a 0 stands in its place (for JSON.parse).
    this.flushCapture();
    this.sstsAt = this.capture!.length;
    this.capture!.push(Uint8Array.of(DIGIT_ZERO));
    this.capture = null;
    this.pos++;
    this.sstsReader.open();
    this.state = IDS;
  }

  private closeIds(): void {
    this.ssts = this.sstsReader.result();
    this.captureInto(this.entryText);
    this.state = ENTRY_NEXT;
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
    const { ssts } = this;
    const pool = this.options.pool ?? new StateTableInfoPool();
    let parsed = text;
    let stateTableCount = 0;
    if (this.tablesEnd > this.tablesAt && this.tablesAt >= 0) {
      const tables = text.subarray(this.tablesAt, this.tablesEnd);
      stateTableCount = countStateTables(tables, this.where, `snapshot_metadata.${this.entryIndex}`);
      // The rest is parsed with an empty object in its place.
      parsed = Buffer.concat([text.subarray(0, this.tablesAt), Buffer.from('{}'), text.subarray(this.tablesEnd)]);
    }
    const metadata = entryOf(parsed, ssts?.ids ?? null, extra, this.entryIndex, this.where, pool);
    if (parsed === text) stateTableCount = Object.keys(metadata.state_table_info).length;
    let bytes: EntryBytes | null = null;
    if (this.options.keepBytes)
      bytes = ssts
        ? {
            before: text.subarray(0, this.sstsAt),
            ssts: ssts.text ?? ssts.ids,
            after: text.subarray(this.sstsAt + 1),
          }
        : { before: text, ssts: null, after: EMPTY_BYTES };
    this.events.push({
      kind: 'entry',
      index: this.entryIndex++,
      metadata,
      sstCount: ssts?.count ?? 0,
      stateTableCount,
      start: this.entryStart,
      end: this.consumed + this.pos,
      bytes,
    });
    this.ssts = null;
    this.state = LIST_NEXT;
  }
}
