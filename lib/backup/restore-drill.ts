// A restore drill proves a snapshot can be brought back: it is verified, restored into a scratch
// SQLite meta store, the restored row counts are compared with the snapshot's sections, and the
// scratch store is removed. Its result is kept (restore_drill) and shown with the snapshot.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Clock } from '../clock.ts';
import { errorText, type Logger } from '../log.ts';
import type { MetaClient } from '../meta/client.ts';
import { openRestoreTarget } from '../meta/restore-target.ts';
import type { SnapshotSummary } from './manifest.ts';
import { restoreSnapshot } from './restore.ts';
import type { MetaSnapshotStorage } from './snapshot-storage.ts';
import { verifySnapshot } from './verify.ts';

export interface DrillResult {
  id: number;
  snapshotId: bigint;
  state: 'RUNNING' | 'PASSED' | 'FAILED';
  startedBy: string;
  startedAt: Date;
  finishedAt: Date | null;
  rows: bigint;
  durationMs: number;
  /** The first difference or error of a failed drill. */
  problem: string | null;
  requestId: string | null;
}

type DrillRow = Awaited<ReturnType<MetaClient['restoreDrill']['create']>>;

function toResult(row: DrillRow): DrillResult {
  return {
    id: row.id,
    snapshotId: row.snapshot_id,
    state: row.state as DrillResult['state'],
    startedBy: row.started_by,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    rows: row.rows,
    durationMs: row.duration_ms,
    problem: row.problem,
    requestId: row.request_id,
  };
}

/** What a drill checks, on a scratch store it is given: the first difference, or null. */
async function drillOnce(
  storage: MetaSnapshotStorage,
  entry: SnapshotSummary,
  scratchUrl: string,
  fsBaseDir: string | undefined,
): Promise<{ rows: number; problem: string | null }> {
  const verified = await verifySnapshot(storage, entry, { fsBaseDir });
  if (!verified.ok) return { rows: 0, problem: `verify: ${verified.problems[0]}` };
  const report = await restoreSnapshot({ targetUrl: scratchUrl, snapshotId: entry.id, storage, fsBaseDir });
  const expected = entry.section_counts ?? report.rows;
  const target = await openRestoreTarget(scratchUrl);
  let restored: Record<string, number>;
  try {
    restored = await target.rowCounts(Object.keys(expected));
  } finally {
    await target.close();
  }
  let rows = 0;
  for (const [table, count] of Object.entries(expected)) {
    rows += restored[table] ?? 0;
    // A restore takes the id sequences of the newest snapshot (ids never go back): not this one's.
    if (table === 'hummock_sequence' && report.sequencesFrom !== entry.id) continue;
    if (restored[table] !== count)
      return { rows, problem: `${table}: ${restored[table] ?? 0} rows restored, ${count} in the snapshot` };
  }
  return { rows, problem: null };
}

/** Runs a drill of one snapshot and records it; never throws for a failed drill, only records it. */
export async function runRestoreDrill(options: {
  prisma: MetaClient;
  storage: MetaSnapshotStorage;
  entry: SnapshotSummary;
  clock: Clock;
  log: Logger;
  startedBy: string;
  requestId: string | null;
  fsBaseDir?: string;
  /** Where the scratch store is made (default: the system's temporary directory). */
  scratchDir?: string;
}): Promise<DrillResult> {
  const { prisma, storage, entry, clock } = options;
  const startedAt = clock.now();
  const row = await prisma.restoreDrill.create({
    data: {
      snapshot_id: entry.id,
      storage_url: storage.store.displayUrl,
      storage_directory: storage.dir,
      started_by: options.startedBy,
      started_at: startedAt,
      state: 'RUNNING',
      request_id: options.requestId,
    },
  });
  const log = options.log.child({ drillId: row.id, snapshotId: String(entry.id), requestId: options.requestId });
  log.info('restore drill started');
  const scratch = await fs.mkdtemp(path.join(options.scratchDir ?? os.tmpdir(), 'mbc-drill-'));
  let outcome: { rows: number; problem: string | null };
  try {
    outcome = await drillOnce(storage, entry, `file:${path.join(scratch, 'meta.db')}`, options.fsBaseDir);
  } catch (error) {
    outcome = { rows: 0, problem: errorText(error) };
  } finally {
    await fs
      .rm(scratch, { recursive: true, force: true })
      .catch((error: unknown) => log.warn({ scratch, cause: errorText(error) }, 'could not remove the scratch store'));
  }
  const finishedAt = clock.now();
  const done = await prisma.restoreDrill.update({
    where: { id: row.id },
    data: {
      state: outcome.problem ? 'FAILED' : 'PASSED',
      finished_at: finishedAt,
      rows: BigInt(outcome.rows),
      duration_ms: Math.max(0, finishedAt.getTime() - startedAt.getTime()),
      problem: outcome.problem,
    },
  });
  if (outcome.problem) log.error({ problem: outcome.problem }, 'restore drill failed');
  else log.info({ rows: outcome.rows }, 'restore drill passed');
  return toResult(done);
}

/** Drills of a location, newest first; of one snapshot when `snapshotId` is given. */
export async function listDrills(
  prisma: MetaClient,
  storage: MetaSnapshotStorage,
  options: { snapshotId?: bigint; limit?: number } = {},
): Promise<DrillResult[]> {
  const rows = await prisma.restoreDrill.findMany({
    where: {
      storage_url: storage.store.displayUrl,
      storage_directory: storage.dir,
      ...(options.snapshotId === undefined ? {} : { snapshot_id: options.snapshotId }),
    },
    orderBy: { id: 'desc' },
    take: Math.min(Math.max(options.limit ?? 20, 1), 200),
  });
  return rows.map(toResult);
}
