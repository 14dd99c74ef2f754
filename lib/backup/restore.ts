// Restores a snapshot into an empty meta store: every check first (the snapshot exists, its
// format is known, the target is empty, the sequences of newer snapshots are consistent), then
// all rows in foreign-key order in one transaction, so a failure leaves the target empty.
// SSTs are never copied or deleted.
import { sealStorageUrl } from '../object-store/sealed-secrets.ts';
import { SNAPSHOT_SECTIONS, EXCLUDED_MODELS } from '../meta/models.ts';
import { migrateMetaStore } from '../meta/migrate.ts';
import { openRestoreTarget } from '../meta/restore-target.ts';
import { BackupError } from './errors.ts';
import { parseJson64, toBigInt } from './json64.ts';
import type { SnapshotSummary } from './manifest.ts';
import { SUPPORTED_FORMAT_VERSIONS } from './snapshot-codec.ts';
import { decodeSnapshotTables } from './snapshot-contents.ts';
import { readingSnapshot } from './snapshot-readers.ts';
import type { MetaSnapshotStorage } from './snapshot-storage.ts';
import { verifySnapshot } from './verify.ts';

export interface StorageOverwrite {
  hummockUrl: string;
  hummockDirectory: string;
  backupUrl: string;
  backupDirectory: string;
}

export interface RestoreOptions {
  targetUrl: string;
  snapshotId: bigint;
  storage: MetaSnapshotStorage;
  dryRun?: boolean;
  validateIntegrity?: boolean;
  overwrite?: StorageOverwrite;
  fsBaseDir?: string;
}

export interface RestoreReport {
  snapshotId: bigint;
  hummockVersionId: bigint;
  dryRun: boolean;
  rows: Record<string, number>;
  /** The snapshot whose id sequences were restored (a newer one when the manifest has it). */
  sequencesFrom: bigint;
  durationMs: number;
}

const BATCH_ROWS = 5_000;
const BATCH_BYTES = 8 << 20;
const OBJECT_ORDER: Record<string, number> = { DATABASE: 0, SCHEMA: 1 };

type Sequences = Map<string, bigint>;

function sequencesOf(rows: Uint8Array[]): Sequences {
  const out: Sequences = new Map();
  for (const row of rows) {
    const { name, seq } = parseJson64(row) as { name: string; seq: unknown };
    out.set(name, toBigInt(seq, `sequence ${name}`));
  }
  return out;
}

async function readSequences(storage: MetaSnapshotStorage, id: bigint): Promise<Uint8Array[]> {
  const rows: Uint8Array[] = [];
  await decodeSnapshotTables(
    await storage.stream(id),
    { row: (table, json) => void (table === 'hummock_sequence' && rows.push(new Uint8Array(json))) },
    { name: `snapshot ${id}` },
  );
  return rows;
}

/** Upstream's rule: a newer snapshot's sequences must cover every sequence and never go back. */
function checkNewerSequences(restored: Sequences, newer: Sequences, newerId: bigint): void {
  for (const [name, value] of restored) {
    const newest = newer.get(name);
    if (newest === undefined)
      throw new BackupError(
        'INVALID_INPUT',
        `violate superset requirement: snapshot ${newerId} has no sequence ${name}`,
      );
    if (newest < value)
      throw new BackupError(
        'INVALID_INPUT',
        `violate monotonicity requirement: sequence ${name} is ${newest} in snapshot ${newerId} but ${value} in the restored one`,
      );
  }
}

/** Restores a snapshot; retention leaves it alone while it is read (snapshot-readers.ts). */
export function restoreSnapshot(options: RestoreOptions): Promise<RestoreReport> {
  return readingSnapshot(options.storage, options.snapshotId, () => restore(options));
}

async function restore(options: RestoreOptions): Promise<RestoreReport> {
  const started = Date.now();
  const { storage, snapshotId } = options;
  if (options.overwrite) {
    const missing = (['hummockUrl', 'hummockDirectory', 'backupUrl', 'backupDirectory'] as const).filter(
      (k) => !options.overwrite![k]?.trim(),
    );
    if (missing.length)
      throw new BackupError(
        'INVALID_INPUT',
        'the Hummock storage URL and directory and the backup storage URL and directory must be set simultaneously',
      );
  }
  const manifest = await storage.refreshManifest();
  const entry = manifest.snapshot_metadata.find((s) => s.id === snapshotId);
  if (!entry) throw new BackupError('NOT_FOUND', `snapshot id ${snapshotId} not found`);
  if (!SUPPORTED_FORMAT_VERSIONS.includes(entry.format_version)) {
    throw new BackupError(
      'UNSUPPORTED_FORMAT',
      `snapshot ${snapshotId} has format version ${entry.format_version}; this version restores ${SUPPORTED_FORMAT_VERSIONS.join(', ')}`,
    );
  }

  const allTables = [
    ...SNAPSHOT_SECTIONS.map((s) => s.table as string),
    ...Object.values(EXCLUDED_MODELS).map((e) => e.table),
  ];
  const target = await openRestoreTarget(options.targetUrl);
  try {
    const counts = await target.rowCounts(allTables);
    const nonEmpty = Object.entries(counts).filter(([, n]) => n > 0);
    if (nonEmpty.length) {
      throw new BackupError(
        'INVALID_INPUT',
        `Meta storage is not empty before being restored: ${nonEmpty.map(([t, n]) => `${t} has ${n} rows`).join(', ')}`,
      );
    }

    if (options.validateIntegrity) {
      const result = await verifySnapshot(storage, entry, { validateIntegrity: true, fsBaseDir: options.fsBaseDir });
      if (!result.ok)
        throw new BackupError(
          'CORRUPT_SNAPSHOT',
          `snapshot ${snapshotId} failed verification: ${result.problems.join('; ')}`,
        );
    }

    // Ids must never go back: take the sequences from the newest snapshot when it is newer.
    const newest = manifest.snapshot_metadata.reduce<SnapshotSummary>((a, b) => (b.id > a.id ? b : a), entry);
    let sequenceRows: Uint8Array[] | undefined;
    if (newest.id !== snapshotId) {
      const restored = sequencesOf(await readSequences(storage, snapshotId));
      sequenceRows = await readSequences(storage, newest.id);
      checkNewerSequences(restored, sequencesOf(sequenceRows), newest.id);
    }

    if (!options.dryRun) {
      // An empty target gets the schema: a never-migrated PostgreSQL one inside the restore's
      // transaction (the writer's begin), any other through Prisma's migrate deploy first.
      const inTransaction = await target.createsSchema();
      await target.close();
      if (!inTransaction) await migrateMetaStore(options.targetUrl);
    }
    const writer = options.dryRun ? null : await openRestoreTarget(options.targetUrl);
    const rows: Record<string, number> = {};
    try {
      await writer?.begin();
      // Rows are views into the snapshot stream's chunks, held only until their batch is written.
      let batch: Uint8Array[] = [];
      let batchBytes = 0;
      let batchTable = '';
      const objects: Uint8Array[] = [];
      const flush = async () => {
        if (batch.length) await writer?.insert(batchTable, batch);
        batch = [];
        batchBytes = 0;
      };
      const add = async (table: string, rowsToAdd: Iterable<Uint8Array>) => {
        if (table !== batchTable) {
          await flush();
          batchTable = table;
        }
        for (const row of rowsToAdd) {
          batch.push(row);
          batchBytes += row.length;
          if (batch.length >= BATCH_ROWS || batchBytes >= BATCH_BYTES) await flush();
        }
      };
      // Objects reference objects (their database and schema): databases first, then schemas.
      const flushObjects = async () => {
        if (!objects.length) return;
        // Only obj_type is read: the native parser is fine here, and ten times faster.
        const rank = (row: Uint8Array) =>
          OBJECT_ORDER[
            (
              JSON.parse(Buffer.from(row.buffer, row.byteOffset, row.byteLength).toString('utf8')) as {
                obj_type: string;
              }
            ).obj_type
          ] ?? 2;
        const sorted = objects.map((row) => ({ row, rank: rank(row) })).sort((a, b) => a.rank - b.rank);
        objects.length = 0;
        await add(
          'object',
          sorted.map(({ row }) => row),
        );
        await flush();
      };
      let versionId: bigint | undefined;
      const result = await decodeSnapshotTables(
        await storage.stream(snapshotId),
        {
          async table() {
            await flush();
            await flushObjects();
          },
          async rows(table, tableRows) {
            rows[table] = (rows[table] ?? 0) + tableRows.length;
            if (table === 'hummock_version')
              for (const row of tableRows)
                versionId = toBigInt((parseJson64(row) as { version_id: unknown }).version_id, 'version_id');
            if (table === 'object') objects.push(...tableRows);
            else if (table === 'hummock_sequence' && sequenceRows)
              return; // replaced by the newer snapshot's
            else await add(table, tableRows);
          },
        },
        { name: `snapshot ${snapshotId}` },
      );
      await flush();
      await flushObjects();
      if (result.header.id !== snapshotId)
        throw new BackupError('CORRUPT_SNAPSHOT', `snapshot object ${snapshotId} holds snapshot ${result.header.id}`);
      if (versionId !== entry.hummock_version_id)
        throw new BackupError(
          'CORRUPT_SNAPSHOT',
          `snapshot ${snapshotId} holds Hummock version ${versionId}, its manifest entry ${entry.hummock_version_id}`,
        );
      if (writer) {
        if (sequenceRows) await writer.insert('hummock_sequence', sequenceRows);
        if (options.overwrite) {
          const o = options.overwrite;
          const values: [string, string][] = [
            // Secrets sealed, as everywhere the product writes a storage URL.
            ['state_store', sealStorageUrl(`hummock+${o.hummockUrl.replace(/^hummock\+/, '')}`)],
            ['data_directory', o.hummockDirectory],
            ['backup_storage_url', sealStorageUrl(o.backupUrl)],
            ['backup_storage_directory', o.backupDirectory],
          ];
          for (const [name, value] of values) {
            if (!(await writer.setSystemParameter(name, value)))
              throw new BackupError(
                'CORRUPT_SNAPSHOT',
                `snapshot ${snapshotId} has no system parameter ${name} to overwrite`,
              );
          }
        }
        await writer.fixSerialSequences();
        await writer.commit();
      }
      return {
        snapshotId,
        hummockVersionId: entry.hummock_version_id,
        dryRun: Boolean(options.dryRun),
        rows,
        sequencesFrom: sequenceRows ? newest.id : snapshotId,
        durationMs: Date.now() - started,
      };
    } catch (error) {
      await writer?.rollback();
      throw error;
    } finally {
      await writer?.close();
    }
  } finally {
    await target.close().catch(() => undefined);
  }
}
