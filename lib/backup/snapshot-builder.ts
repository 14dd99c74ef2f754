// Builds a meta snapshot: every backed-up table, in section order, from one consistent read,
// streamed through the codec. Rows arrive as JSON bytes made by the database and are framed
// without being parsed; only the few values the manifest entry needs are picked out.
import { hasClearSecret, sealStorageUrl } from '../object-store/sealed-secrets.ts';
import type { ConsistentReader } from '../meta/consistent-reader.ts';
import { batchRows, forEachFramedRow, isFramedRows, rowCount, type RowBatch } from '../format/item-frame.ts';
import { SNAPSHOT_SECTIONS } from '../meta/models.ts';
import { BackupError } from './errors.ts';
import { parseJson64, toBigInt } from './json64.ts';
import { StateTableInfoPool, type SnapshotMetadata, type StateTableInfo } from './manifest.ts';
import { encodeSnapshot, SNAPSHOT_FORMAT_VERSION, type SnapshotSectionSource } from './snapshot-codec.ts';
import { sortUnique } from './sst-set.ts';
import { readU64Digits, u64Halves } from './u64-digits.ts';

export const PRODUCT_VERSION = 'meta-backup-console 0.1.0';

export interface BuildProgress {
  rows: number;
  bytes: number;
}

export interface SnapshotBuild {
  /** The snapshot's bytes; consume once. */
  body: AsyncIterable<Uint8Array>;
  /** Live counters, updated as the body is consumed. */
  progress: BuildProgress;
  /** The manifest entry; complete once the body has been consumed. */
  metadata(): SnapshotMetadata;
}

const OBJECT_ID_KEY = Buffer.from('"object_id":');
const STATE_TABLE_KEYS = ['"table_id":', '"committed_epoch":', '"compaction_group_id":'].map((key) => Buffer.from(key));
/** Bytes that may follow a number in JSON: `,` `}` `]` and whitespace (not `.`, `e`, digits). */
const VALUE_ENDS = Uint8Array.from({ length: 256 }, (_, byte) =>
  Number(',}] \t\r\n'.includes(String.fromCharCode(byte))),
);
const text = (row: Uint8Array) => Buffer.from(row.buffer, row.byteOffset, row.byteLength).toString('utf8');
const bytesOf = (row: Uint8Array) =>
  Buffer.isBuffer(row) ? row : Buffer.from(row.buffer, row.byteOffset, row.byteLength);

/** Reads the u64 after `key` in a row's JSON bytes into `ids[index]` (given as `u64Halves(ids)`); false when it is not there. */
function readU64Field(
  bytes: Buffer,
  start: number,
  end: number,
  key: Buffer,
  halves: Uint32Array,
  index: number,
): boolean {
  const at = bytes.indexOf(key, start);
  if (at < 0 || at + key.length > end) return false;
  const after = readU64Digits(bytes, at + key.length, end, halves, index);
  return after >= 0 && (after === end || VALUE_ENDS[bytes[after]!] === 1);
}

/** `readObjectId` for the row at `bytes[start..end)`. */
function readObjectIdAt(bytes: Buffer, start: number, end: number, halves: Uint32Array, index: number): void {
  if (!readU64Field(bytes, start, end, OBJECT_ID_KEY, halves, index)) {
    throw new BackupError(
      'CORRUPT_SNAPSHOT',
      `an SST row has no u64 object_id: ${text(bytes.subarray(start, end)).slice(0, 200)}`,
    );
  }
}

/**
 * Reads the `object_id` of an SST row from its JSON bytes into `ids[index]` (given as
 * `u64Halves(ids)`), without decoding the whole row.
 */
export function readObjectId(row: Uint8Array, halves: Uint32Array, index: number): void {
  const bytes = bytesOf(row);
  readObjectIdAt(bytes, 0, bytes.length, halves, index);
}

const stateTableFields = new BigUint64Array(3);
const stateTableHalves = u64Halves(stateTableFields);

/**
 * A state table row's id, committed epoch and compaction group: read from the bytes as the SST
 * ids are (parsing 100,000 rows as JSON cost a third of a second), or parsed when they are not
 * plain u64 digits, which gives the exact error.
 */
export function readStateTableInfo(row: Uint8Array): {
  tableId: bigint;
  committedEpoch: bigint;
  compactionGroupId: bigint;
} {
  const bytes = bytesOf(row);
  if (STATE_TABLE_KEYS.every((key, i) => readU64Field(bytes, 0, bytes.length, key, stateTableHalves, i))) {
    return {
      tableId: stateTableFields[0]!,
      committedEpoch: stateTableFields[1]!,
      compactionGroupId: stateTableFields[2]!,
    };
  }
  const info = parseJson64(row) as { table_id: unknown; committed_epoch: unknown; compaction_group_id: unknown };
  return {
    tableId: toBigInt(info.table_id, 'table_id'),
    committedEpoch: toBigInt(info.committed_epoch, 'committed_epoch'),
    compactionGroupId: toBigInt(info.compaction_group_id, 'compaction_group_id'),
  };
}

/** The `object_id` of an SST row. */
export function objectIdOf(row: Uint8Array): bigint {
  const id = new BigUint64Array(1);
  readObjectId(row, u64Halves(id), 0);
  return id[0]!;
}

/**
 * A system parameter row with any storage secret in its value sealed: a snapshot holds the whole
 * meta store and is downloaded and copied around; the secret travels only encrypted.
 */
export function sealedParameterRow(row: Uint8Array): Uint8Array {
  const parameter = JSON.parse(Buffer.from(row.buffer, row.byteOffset, row.byteLength).toString('utf8')) as {
    value?: unknown;
  };
  if (typeof parameter.value !== 'string' || !hasClearSecret(parameter.value)) return row;
  return Buffer.from(JSON.stringify({ ...parameter, value: sealStorageUrl(parameter.value) }));
}

export function buildSnapshot(
  reader: ConsistentReader,
  id: bigint,
  options: { remarks: string | null; createdAt?: Date },
): SnapshotBuild {
  const progress: BuildProgress = { rows: 0, bytes: 0 };
  // Sized from the section's row count (the encoder checks the rows agree with it).
  let ssts = new BigUint64Array(0);
  let sstCount = 0;
  const stateTableInfo: Record<string, StateTableInfo> = {};
  const stateTables = new StateTableInfoPool();
  const sectionCounts: Record<string, number> = {};
  let hummockVersionId: bigint | undefined;
  let finished = false;

  async function* rowsOf(table: string): AsyncGenerator<RowBatch> {
    for await (const batch of reader.rows(table)) {
      const count = rowCount(batch);
      progress.rows += count;
      if (table === 'hummock_sstable_info') {
        if (sstCount + count > ssts.length) {
          const grown = new BigUint64Array(Math.max(ssts.length * 2, sstCount + count));
          grown.set(ssts.subarray(0, sstCount));
          ssts = grown;
        }
        const halves = u64Halves(ssts);
        if (isFramedRows(batch)) {
          const framed = bytesOf(batch.framed);
          forEachFramedRow(batch, (_, start, end) => readObjectIdAt(framed, start, end, halves, sstCount++));
        } else for (const row of batch) readObjectId(row, halves, sstCount++);
      } else if (table === 'hummock_state_table_info') {
        for (const row of batchRows(batch)) {
          const info = readStateTableInfo(row);
          stateTableInfo[String(info.tableId)] = stateTables.get(info.committedEpoch, info.compactionGroupId);
        }
      } else if (table === 'hummock_version') {
        for (const row of batchRows(batch))
          hummockVersionId = toBigInt((parseJson64(row) as { version_id: unknown }).version_id, 'version_id');
      } else if (table === 'system_parameter') {
        yield batchRows(batch).map(sealedParameterRow);
        continue;
      }
      yield batch;
    }
  }

  async function* sections(): AsyncGenerator<SnapshotSectionSource> {
    for (const { table } of SNAPSHOT_SECTIONS) {
      const count = await reader.count(table);
      sectionCounts[table] = count;
      if (table === 'hummock_sstable_info') ssts = new BigUint64Array(count);
      yield { count, items: rowsOf(table) };
    }
  }

  async function* body(): AsyncGenerator<Uint8Array> {
    for await (const chunk of encodeSnapshot({ formatVersion: SNAPSHOT_FORMAT_VERSION, id }, sections())) {
      progress.bytes += chunk.length;
      yield chunk;
    }
    finished = true;
  }

  return {
    body: body(),
    progress,
    metadata() {
      if (!finished) throw new Error('the snapshot body has not been consumed yet');
      if (hummockVersionId === undefined)
        throw new BackupError('CORRUPT_SNAPSHOT', 'the meta store has no Hummock version row');
      return {
        id,
        hummock_version_id: hummockVersionId,
        ssts: sortUnique(ssts.subarray(0, sstCount)),
        format_version: SNAPSHOT_FORMAT_VERSION,
        remarks: options.remarks,
        state_table_info: stateTableInfo,
        rw_version: PRODUCT_VERSION,
        created_at: (options.createdAt ?? new Date()).toISOString(),
        section_counts: sectionCounts,
      };
    },
  };
}
