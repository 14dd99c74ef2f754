// BackupManager: RisingWave's backup manager semantics, safe for several processes sharing
// one meta store. The database arbitrates (one RUNNING job by a unique index, ids from the
// persistent `meta_backup` sequence, safe points and heartbeats in tables); the object store
// holds the snapshots and the manifest. Callers pass in the meta store; nothing here knows
// about Next.js, HTTP or the terminal.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { recordPendingAudit, type PendingAudit } from '../meta/audit-log.ts';
import type { MetaStore } from '../meta/client.ts';
import { openConsistentReader, type ConsistentReader } from '../meta/consistent-reader.ts';
import { minSafePointVersion, registerSafePoint, releaseSafePoint } from '../meta/safe-points.ts';
import { readBackupStorageParams, writeBackupStorageParams, type BackupStorageParams } from '../meta/system-params.ts';
import {
  isObjectStoreError,
  maskUrl,
  openObjectStore,
  parseObjectStoreUrl,
  type ObjectStore,
} from '../object-store/index.ts';
import { BackupError, isBackupError } from './errors.ts';
import type { Manifest, SnapshotMetadata } from './manifest.ts';
import { buildSnapshot, type SnapshotBuild } from './snapshot-builder.ts';
import { diffSnapshots, type SnapshotDiff } from './diff.ts';
import { previewDelete, readCatalog, type DeletePreview, type SnapshotCatalog } from './snapshot-inspector.ts';
import { verifySnapshot, type VerifyResult } from './verify.ts';
import { checkStorageDirectory, MetaSnapshotStorage, type Orphan } from './snapshot-storage.ts';
import { lowerBound, sstSetHas, unionWithCounts } from './sst-set.ts';
import { remarksSchema } from './validation.ts';

/** Job rows and verifications keep ids in signed 64-bit columns; u64 ids above this name none. */
const MAX_STORED_ID = 2n ** 63n - 1n;
/** The abort reason of jobs stopped because their process is shutting down. */
const SHUT_DOWN = 'shut down';

export const MAX_META_SNAPSHOTS = 100;
export type JobStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED' | 'NOT_FOUND';

export interface BackupJob {
  id: bigint;
  status: Exclude<JobStatus, 'NOT_FOUND'>;
  remarks: string | null;
  startedBy: string;
  startedAt: Date;
  finishedAt: Date | null;
  heartbeatAt: Date;
  durationMs: number;
  rowsWritten: bigint;
  bytesWritten: bigint;
  snapshotBytes: bigint | null;
  hummockVersionId: bigint | null;
  error: string | null;
  cancelRequested: boolean;
  storageUrl: string;
  storageDirectory: string;
}

interface PinnedIndex {
  manifestId: bigint;
  url: string;
  dir: string;
  ids: BigUint64Array;
  snapshots: SnapshotMetadata[];
}

/** A page of a sorted id set: ids after `after` whose decimal form contains `search`. */
function pageOf(
  ids: BigUint64Array,
  options: { after?: bigint; limit?: number; search?: string },
): { items: bigint[]; next: bigint | null } {
  const limit = Math.min(Math.max(options.limit ?? 1000, 1), 100_000);
  const start = options.after === undefined ? 0 : lowerBound(ids, options.after + 1n);
  if (!options.search) {
    const items = Array.from(ids.subarray(start, start + limit));
    return { items, next: start + limit < ids.length ? items.at(-1)! : null };
  }
  const items: bigint[] = [];
  for (let i = start; i < ids.length; i++) {
    if (!ids[i]!.toString().includes(options.search)) continue;
    if (items.length === limit) return { items, next: items.at(-1)! };
    items.push(ids[i]!);
  }
  return { items, next: null };
}

export interface PinnedSst {
  objectId: bigint;
  snapshotIds: bigint[];
}

export interface BackupManagerOptions {
  meta: MetaStore;
  /** A RUNNING job whose heartbeat is older than this has lost its process. */
  leaseMs?: number;
  heartbeatMs?: number;
  maxSnapshots?: number;
  /** Base for relative fs:// paths (default: the working directory). */
  fsBaseDir?: string;
  /** Wraps every object store the manager opens: for fault injection and drills. */
  wrapStore?: (store: ObjectStore) => ObjectStore;
}

interface CurrentStorage {
  params: BackupStorageParams;
  storage: MetaSnapshotStorage;
}

interface LocalJob {
  controller: AbortController;
  done: Promise<void>;
}

type JobRow = Awaited<ReturnType<MetaStore['prisma']['backupJob']['findUnique']>> & {};

function toJob(row: JobRow, leaseMs: number): BackupJob {
  // A running job whose lease ran out stopped at its last heartbeat, even before it is reaped.
  const end = row.finished_at ?? (row.heartbeat_at.getTime() < Date.now() - leaseMs ? row.heartbeat_at : new Date());
  return {
    id: row.id,
    status: row.state as BackupJob['status'],
    remarks: row.remarks,
    startedBy: row.started_by,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    heartbeatAt: row.heartbeat_at,
    durationMs: Math.max(0, end.getTime() - row.started_at.getTime()),
    rowsWritten: row.rows_written,
    bytesWritten: row.bytes_written,
    snapshotBytes: row.snapshot_bytes,
    hummockVersionId: row.hummock_version_id,
    error: row.error,
    cancelRequested: row.cancel_requested,
    storageUrl: row.storage_url,
    storageDirectory: row.storage_directory,
  };
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string; meta?: { driverAdapterError?: { cause?: { kind?: string } } } };
  return (
    e?.code === 'P2002' ||
    /unique constraint/i.test(e?.message ?? '') ||
    e?.meta?.driverAdapterError?.cause?.kind === 'UniqueConstraintViolation'
  );
}

const safePointHolder = (id: bigint) => `backup-job-${id}`;

/** Attempts to record a job's end while the meta store is away: 1 + 2 + 4 + 8 s of waiting. */
const END_ATTEMPTS = 5;

/** How many finished jobs are kept in memory for polls. */
const FINISHED_JOBS_KEPT = 1_000;
/**
 * A running job's row, once read, answers polls for this long: fifty consoles polling once a
 * second cost ten queries a second, not fifty. Its runner writes progress once a second.
 */
const RUNNING_JOB_READ_MS = 100;

/**
 * Pages may show a manifest confirmed up to a second ago: a conditional GET costs 15 ms against
 * the test S3 server (more against a remote one), and a detail page needs the manifest three
 * times. This process's own changes show at once; another process's on a render a second later.
 * API routes and the garbage collector read it fresh.
 */
export const PAGE_MANIFEST_MAX_AGE_MS = 1_000;

/** A location offered in a storage change that cannot be used is bad input (INVALID_CONFIG), not an outage of the store in use. */
function rejectedLocation(error: unknown): never {
  if (isBackupError(error, 'STORAGE_UNAVAILABLE'))
    throw new BackupError(
      'INVALID_CONFIG',
      `this storage location cannot be used: ${error.message.replace(/^backup storage: /, '')}`,
      { cause: error },
    );
  throw error;
}

export class BackupManager {
  readonly runnerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly meta: MetaStore;
  private readonly leaseMs: number;
  private readonly heartbeatMs: number;
  private readonly maxSnapshots: number;
  private readonly fsBaseDir: string | undefined;
  private readonly wrapStore: (store: ObjectStore) => ObjectStore;
  private current: CurrentStorage | undefined;
  private swapping: Promise<CurrentStorage> | undefined;
  private readonly localJobs = new Map<bigint, LocalJob>();
  private readonly jobReads = new Map<bigint, Promise<BackupJob | null>>();
  private readonly runningJobReads = new Map<bigint, { job: BackupJob; at: number }>();
  /** Finished jobs never change again (every write to a job row requires it RUNNING). */
  private readonly finishedJobs = new Map<bigint, BackupJob>();
  private pinnedCache: PinnedIndex | undefined;

  constructor(options: BackupManagerOptions) {
    this.meta = options.meta;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.heartbeatMs = options.heartbeatMs ?? 1_000;
    this.maxSnapshots = options.maxSnapshots ?? MAX_META_SNAPSHOTS;
    this.fsBaseDir = options.fsBaseDir;
    this.wrapStore = options.wrapStore ?? ((store) => store);
    processManagers().add(this);
  }

  private get prisma() {
    return this.meta.prisma;
  }

  // ---- storage location: read from system parameters before every operation ----

  private openStore(url: string): ObjectStore {
    try {
      return this.wrapStore(openObjectStore(url, { baseDir: this.fsBaseDir }));
    } catch (error) {
      if (isObjectStoreError(error, 'INVALID_URL')) throw new BackupError('INVALID_CONFIG', error.message);
      throw error;
    }
  }

  private async build(params: BackupStorageParams): Promise<CurrentStorage> {
    checkStorageDirectory(params.directory);
    const store = this.openStore(params.url);
    try {
      await store.checkLocation(`${checkStorageDirectory(params.directory)}/`).catch((error: unknown) => {
        throw isObjectStoreError(error)
          ? new BackupError('STORAGE_UNAVAILABLE', `backup storage: ${error.message}`, { cause: error })
          : error;
      });
      return { params, storage: await MetaSnapshotStorage.open(store, params.directory) };
    } catch (error) {
      await store.close();
      throw error;
    }
  }

  /** The storage named by the system parameters now; rebuilt (hot swap) when they changed. */
  async storage(): Promise<MetaSnapshotStorage> {
    const params = await readBackupStorageParams(this.prisma);
    const current = this.current;
    if (current && current.params.url === params.url && current.params.directory === params.directory)
      return current.storage;
    this.swapping ??= this.build(params).finally(() => (this.swapping = undefined));
    const next = await this.swapping;
    if (this.current !== next) {
      const old = this.current;
      this.current = next;
      if (old && old.storage.store !== next.storage.store) await old.storage.store.close();
    }
    return next.storage;
  }

  /** Snapshot storage at another location (for restore from elsewhere); the caller closes its store. */
  async openStorageAt(location: { url?: string; directory?: string }): Promise<MetaSnapshotStorage> {
    const current = await readBackupStorageParams(this.prisma);
    const params = { url: location.url ?? current.url, directory: location.directory ?? current.directory };
    try {
      parseObjectStoreUrl(params.url);
    } catch (error) {
      throw new BackupError('INVALID_CONFIG', (error as Error).message);
    }
    return (await this.build(params)).storage;
  }

  async getConfig(): Promise<{ url: string; displayUrl: string; directory: string }> {
    const params = await readBackupStorageParams(this.prisma);
    return { url: params.url, displayUrl: maskUrl(params.url), directory: params.directory };
  }

  /**
   * Validates the new location, builds its store and reads its manifest, then saves the
   * parameters and swaps. If anything fails the old location stays and the error is thrown.
   */
  async setConfig(
    change: { url?: string; directory?: string },
    audit?: PendingAudit,
  ): Promise<{ displayUrl: string; directory: string; snapshots: number }> {
    const old = await readBackupStorageParams(this.prisma);
    const params = { url: change.url?.trim() ?? old.url, directory: change.directory?.trim() ?? old.directory };
    if (audit) audit.target = `${maskUrl(params.url)} ${params.directory}`;
    try {
      parseObjectStoreUrl(params.url);
    } catch (error) {
      throw new BackupError('INVALID_CONFIG', (error as Error).message);
    }
    checkStorageDirectory(params.directory);
    const next = await this.build(params).catch(rejectedLocation);
    // The saved (sealed) form, so the next read of the parameters finds the same location.
    next.params = await writeBackupStorageParams(this.prisma, params, audit);
    const previous = this.current;
    this.current = next;
    if (previous) await previous.storage.store.close();
    return {
      displayUrl: maskUrl(params.url),
      directory: params.directory,
      snapshots: next.storage.manifest().snapshot_metadata.length,
    };
  }

  /** Writes, reads back and deletes a probe object at a location, without saving anything. */
  async probeStorage(location: { url: string; directory: string }): Promise<void> {
    try {
      parseObjectStoreUrl(location.url);
    } catch (error) {
      throw new BackupError('INVALID_CONFIG', (error as Error).message);
    }
    const dir = checkStorageDirectory(location.directory);
    const store = this.openStore(location.url);
    const key = `${dir}/.probe-${randomUUID()}`;
    try {
      await store.checkLocation(`${dir}/`);
      const payload = `probe ${new Date().toISOString()}`;
      await store.put(key, payload);
      const read = new TextDecoder().decode((await store.get(key)).body);
      if (read !== payload)
        throw new BackupError(
          'STORAGE_UNAVAILABLE',
          `${store.displayUrl}: the probe object read back differs from what was written`,
        );
      await store.deleteMany([key]);
      await MetaSnapshotStorage.open(store, dir); // its manifest, if any, must be readable
    } catch (error) {
      if (isBackupError(error)) rejectedLocation(error);
      rejectedLocation(
        new BackupError('STORAGE_UNAVAILABLE', `${store.displayUrl}: ${(error as Error).message}`, { cause: error }),
      );
    } finally {
      await store.close();
    }
  }

  // ---- jobs ----

  /** Marks RUNNING jobs whose process stopped renewing the lease as FAILED and frees their safe points. */
  async reapStaleJobs(): Promise<bigint[]> {
    const cutoff = new Date(Date.now() - this.leaseMs);
    const stale = await this.prisma.backupJob.findMany({
      where: { state: 'RUNNING', heartbeat_at: { lt: cutoff } },
      select: { id: true, heartbeat_at: true },
    });
    for (const { id, heartbeat_at } of stale) {
      if (this.localJobs.has(id)) continue; // ours and alive: the heartbeat is just late
      const { count } = await this.prisma.backupJob.updateMany({
        where: { id, state: 'RUNNING', heartbeat_at },
        // It ended at its last sign of life, not whenever someone next looked.
        data: {
          state: 'FAILED',
          finished_at: heartbeat_at,
          error: `failed backup job ${id}: interrupted: its process stopped renewing the lease for ${this.leaseMs / 1000} s`,
        },
      });
      if (count) await releaseSafePoint(this.prisma, safePointHolder(id));
    }
    return stale.map((s) => s.id).filter((id) => !this.localJobs.has(id));
  }

  private async runningJob(): Promise<JobRow | null> {
    return this.prisma.backupJob.findFirst({ where: { state: 'RUNNING' } });
  }

  /**
   * Starts a backup job and returns its id (also the snapshot id) at once. The job runs in
   * this process unless `detach` is given, in which case the caller must hand it to a
   * process that calls `runJob` (see cli/backup-worker.ts) before the lease runs out.
   */
  async startBackupJob(
    options: {
      remarks?: string | null;
      startedBy?: string;
      detach?: boolean;
      verify?: boolean;
      audit?: PendingAudit;
    } = {},
  ): Promise<bigint> {
    const parsed = remarksSchema.safeParse(options.remarks ?? '');
    if (!parsed.success) throw new BackupError('INVALID_INPUT', parsed.error.issues[0]!.message);
    const remarks = parsed.data;
    await this.reapStaleJobs();
    const running = await this.runningJob();
    if (running)
      throw new BackupError('CONCURRENT_JOB', `concurrent backup job is not supported: existent job ${running.id}`);
    const storage = await this.storage();
    this.checkSnapshotLimit(await storage.refreshManifest());

    let id: bigint;
    try {
      id = await this.prisma.$transaction(async (tx) => {
        // The first statement writes, so on SQLite the transaction takes the write lock at once.
        const sequence = await tx.hummockSequence.update({
          where: { name: 'meta_backup' },
          data: { seq: { increment: 1n } },
        });
        const jobId = sequence.seq - 1n;
        await tx.backupJob.create({
          data: {
            id: jobId,
            state: 'RUNNING',
            remarks,
            started_by: options.startedBy ?? 'unknown',
            runner: options.detach ? 'detached' : this.runnerId,
            storage_url: storage.store.displayUrl,
            storage_directory: storage.dir,
          },
        });
        const versionId = await registerSafePoint(tx as unknown as MetaStore['prisma'], safePointHolder(jobId));
        await tx.backupJob.update({ where: { id: jobId }, data: { hummock_version_id: versionId } });
        await recordPendingAudit(tx, options.audit, `job ${jobId}`);
        return jobId;
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        const other = await this.runningJob();
        throw new BackupError(
          'CONCURRENT_JOB',
          `concurrent backup job is not supported: existent job ${other?.id ?? '(just finished)'}`,
        );
      }
      if ((error as { code?: string }).code === 'P2025')
        throw new BackupError('INVALID_CONFIG', 'the meta store has no meta_backup sequence: is it seeded?');
      throw error;
    }

    // Holding the only RUNNING slot, no other job can add snapshots: check the limit again.
    try {
      this.checkSnapshotLimit(await storage.refreshManifest());
    } catch (error) {
      await this.prisma.backupJob.delete({ where: { id } });
      await releaseSafePoint(this.prisma, safePointHolder(id));
      throw error;
    }
    if (!options.detach) this.launch(id, storage, { verify: options.verify });
    return id;
  }

  private checkSnapshotLimit(manifest: Manifest): void {
    if (manifest.snapshot_metadata.length >= this.maxSnapshots) {
      throw new BackupError(
        'TOO_MANY_SNAPSHOTS',
        `too many existent meta snapshots, expect at most ${this.maxSnapshots}`,
      );
    }
  }

  /** Runs a job created with `detach` in this process, until it ends. */
  async runJob(id: bigint): Promise<void> {
    const row = await this.prisma.backupJob.findUnique({ where: { id } });
    if (!row) throw new BackupError('NOT_FOUND', `backup job ${id} not found`);
    if (row.state !== 'RUNNING')
      throw new BackupError('INVALID_INPUT', `backup job ${id} is ${row.state}, not RUNNING`);
    const claimed = await this.prisma.backupJob.updateMany({
      where: { id, state: 'RUNNING', runner: 'detached' },
      data: { runner: this.runnerId, heartbeat_at: new Date() },
    });
    if (!claimed.count) throw new BackupError('INVALID_INPUT', `backup job ${id} is already run by ${row.runner}`);
    this.launch(id, await this.storage());
    await this.localJobs.get(id)?.done;
  }

  private launch(id: bigint, storage: MetaSnapshotStorage, options: { verify?: boolean } = {}): void {
    const controller = new AbortController();
    const done = this.execute(id, storage, controller)
      .then(async (state) => {
        // The snapshot is read back and checked; the result is kept beside it.
        if (state === 'SUCCEEDED' && options.verify) await this.verifySnapshot(id).catch(() => undefined);
      })
      // Never an unhandled rejection: it would end the whole process (the console, or ctl).
      .catch((error: unknown) =>
        console.error(`backup job ${id}: ${error instanceof Error ? error.message : String(error)}`),
      )
      .finally(() => this.localJobs.delete(id));
    this.localJobs.set(id, { controller, done });
  }

  private async execute(
    id: bigint,
    storage: MetaSnapshotStorage,
    controller: AbortController,
  ): Promise<BackupJob['status']> {
    let build: SnapshotBuild | undefined;
    const counters = () => ({
      rows_written: BigInt(build?.progress.rows ?? 0),
      bytes_written: BigInt(build?.progress.bytes ?? 0),
    });
    let beating = Promise.resolve();
    const beat = async () => {
      const row = await this.prisma.backupJob.update({
        where: { id },
        data: { heartbeat_at: new Date(), ...counters() },
        select: { cancel_requested: true },
      });
      if (row.cancel_requested) controller.abort(new BackupError('CANCELLED', 'cancelled'));
    };
    const timer = setInterval(() => {
      beating = beating.then(beat).catch(() => undefined); // a missed beat is retried next time
    }, this.heartbeatMs);
    let outcome: { state: 'SUCCEEDED' | 'FAILED' | 'CANCELLED'; error: string | null; bytes: bigint | null };
    let reader: ConsistentReader | undefined;
    try {
      const job = await this.prisma.backupJob.findUniqueOrThrow({ where: { id }, select: { remarks: true } });
      reader = await openConsistentReader(this.meta.url);
      const opened = reader;
      // A cancel or shutdown must end the job even when the read is waiting on a stalled upload.
      if (controller.signal.aborted) opened.abort();
      else controller.signal.addEventListener('abort', () => opened.abort(), { once: true });
      build = buildSnapshot(reader, id, { remarks: job.remarks });
      const entry = build.metadata.bind(build);
      const { size } = await storage.create(id, build.body, entry, { signal: controller.signal });
      outcome = { state: 'SUCCEEDED', error: null, bytes: BigInt(size) };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const shutDown =
        controller.signal.aborted && (controller.signal.reason as Error | undefined)?.message === SHUT_DOWN;
      outcome = shutDown
        ? { state: 'FAILED', error: `failed backup job ${id}: interrupted: its process shut down`, bytes: null }
        : controller.signal.aborted
          ? { state: 'CANCELLED', error: `backup job ${id} was cancelled`, bytes: null }
          : { state: 'FAILED', error: `failed backup job ${id}: ${message}`, bytes: null };
    } finally {
      clearInterval(timer);
      await beating;
      await reader?.close().catch(() => undefined);
    }
    await this.recordEnd(id, {
      state: outcome.state,
      error: outcome.error,
      snapshot_bytes: outcome.bytes,
      ...counters(),
    });
    this.runningJobReads.delete(id); // this process's own polls see the end at once
    return outcome.state;
  }

  /**
   * Writes a job's end and releases its safe point, in one transaction (whoever sees the job
   * finished sees its safe point released). A meta store that is away is retried for a while;
   * if it stays away the job is left RUNNING, for a process to fail once its lease runs out.
   */
  private async recordEnd(
    id: bigint,
    end: {
      state: BackupJob['status'];
      error: string | null;
      snapshot_bytes: bigint | null;
      rows_written: bigint;
      bytes_written: bigint;
    },
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.prisma.$transaction([
          // Only a job still RUNNING: one reaped meanwhile keeps what the reaper wrote.
          this.prisma.backupJob.updateMany({
            where: { id, state: 'RUNNING' },
            data: { ...end, finished_at: new Date(), heartbeat_at: new Date() },
          }),
          this.prisma.hummockVersionSafePoint.deleteMany({ where: { holder: safePointHolder(id) } }),
        ]);
        return;
      } catch (error) {
        const message = (error as Error).message.split('\n').filter(Boolean).at(-1) ?? String(error);
        if (attempt >= END_ATTEMPTS) {
          console.error(
            `backup job ${id}: could not record its end (${end.state}) in the meta store after ${attempt} attempts (${message}); it is failed as interrupted once its lease runs out`,
          );
          return;
        }
        console.error(`backup job ${id}: recording its end (${end.state}) failed (${message}); retrying`);
        await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt));
      }
    }
  }

  /**
   * One job. Calls for the same job share one read while it is in flight, and a running job's
   * read for RUNNING_JOB_READ_MS more (a caller that just wrote reads with `readJob`).
   */
  getJob(id: bigint): Promise<BackupJob | null> {
    const recent = this.runningJobReads.get(id);
    if (recent && performance.now() - recent.at < RUNNING_JOB_READ_MS) return Promise.resolve(recent.job);
    let pending = this.jobReads.get(id);
    if (!pending) {
      pending = this.readJob(id).finally(() => this.jobReads.delete(id));
      this.jobReads.set(id, pending);
    }
    return pending;
  }

  /**
   * Reads a job; reaps stale jobs only when this one looks stale (one query otherwise). A job
   * once read finished is kept and served from memory: polls of it cost no query.
   */
  private async readJob(id: bigint): Promise<BackupJob | null> {
    if (id > MAX_STORED_ID) return null; // a valid u64 id, but beyond any the database holds
    const finished = this.finishedJobs.get(id);
    if (finished) return finished;
    let row = await this.prisma.backupJob.findUnique({ where: { id } });
    if (row?.state === 'RUNNING' && row.heartbeat_at.getTime() < Date.now() - this.leaseMs) {
      await this.reapStaleJobs();
      row = await this.prisma.backupJob.findUnique({ where: { id } });
    }
    if (!row) return null;
    const job = toJob(row, this.leaseMs);
    this.runningJobReads.delete(id);
    if (job.status === 'RUNNING') {
      if (this.runningJobReads.size >= FINISHED_JOBS_KEPT) this.runningJobReads.clear(); // jobs no one polled to the end
      this.runningJobReads.set(id, { job: Object.freeze(job), at: performance.now() });
    } else {
      if (this.finishedJobs.size >= FINISHED_JOBS_KEPT)
        this.finishedJobs.delete(this.finishedJobs.keys().next().value!);
      this.finishedJobs.set(id, Object.freeze(job));
    }
    return job;
  }

  /** Upstream's status call: NOT_FOUND with an empty message for an unknown id. */
  async getJobStatus(id: bigint): Promise<{ id: bigint; status: JobStatus; message: string }> {
    const job = await this.getJob(id);
    return job ? { id, status: job.status, message: job.error ?? '' } : { id, status: 'NOT_FOUND', message: '' };
  }

  async listJobs(options: { limit?: number; before?: bigint } = {}): Promise<BackupJob[]> {
    await this.reapStaleJobs();
    if (options.before !== undefined && options.before > MAX_STORED_ID) options = { ...options, before: undefined };
    const rows = await this.prisma.backupJob.findMany({
      where: options.before === undefined ? {} : { id: { lt: options.before } },
      orderBy: { id: 'desc' },
      take: Math.min(Math.max(options.limit ?? 50, 1), 1000),
    });
    return rows.map((row) => toJob(row, this.leaseMs));
  }

  /** Asks a running job to stop: its upload is aborted, no manifest entry is written. */
  async cancelJob(id: bigint, audit?: PendingAudit): Promise<BackupJob> {
    const job = await this.getJob(id);
    if (!job) throw new BackupError('NOT_FOUND', `backup job ${id} not found`);
    if (job.status !== 'RUNNING')
      throw new BackupError('INVALID_INPUT', `backup job ${id} is not running (${job.status})`);
    await this.prisma.$transaction(async (tx) => {
      await tx.backupJob.updateMany({ where: { id, state: 'RUNNING' }, data: { cancel_requested: true } });
      await recordPendingAudit(tx, audit, `job ${id}`);
    });
    this.localJobs.get(id)?.controller.abort(new BackupError('CANCELLED', 'cancelled'));
    return (await this.readJob(id))!;
  }

  /** Polls until the job ends. */
  async waitForJob(
    id: bigint,
    options: { pollMs?: number; onProgress?: (job: BackupJob) => void; signal?: AbortSignal } = {},
  ): Promise<BackupJob> {
    for (;;) {
      const job = await this.getJob(id);
      if (!job) throw new BackupError('NOT_FOUND', `backup job ${id} not found`);
      options.onProgress?.(job);
      if (job.status !== 'RUNNING') return job;
      if (options.signal?.aborted) throw options.signal.reason;
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1000));
    }
  }

  // ---- snapshots ----

  /** The manifest; `maxAgeMs` as in MetaSnapshotStorage#refreshManifest (for pages: PAGE_MANIFEST_MAX_AGE_MS). */
  async manifest(options: { maxAgeMs?: number } = {}): Promise<Manifest> {
    return (await this.storage()).refreshManifest(options);
  }

  async getSnapshot(id: bigint, options: { maxAgeMs?: number } = {}): Promise<SnapshotMetadata> {
    const entry = (await this.manifest(options)).snapshot_metadata.find((s) => s.id === id);
    if (!entry) throw new BackupError('NOT_FOUND', `snapshot id ${id} not found`);
    return entry;
  }

  /** The SST object ids one snapshot pins, in id order, a page at a time. */
  async snapshotSsts(
    id: bigint,
    options: { after?: bigint; limit?: number; search?: string } = {},
  ): Promise<{ total: number; items: bigint[]; next: bigint | null }> {
    const { ssts } = await this.getSnapshot(id);
    return { total: ssts.length, ...pageOf(ssts, options) };
  }

  async snapshotCatalog(id: bigint, options: { maxAgeMs?: number } = {}): Promise<SnapshotCatalog> {
    await this.getSnapshot(id, options);
    return readCatalog(await this.storage(), id);
  }

  /** What deleting these snapshots would do: which exist, and the SSTs (and bytes) only they pin. */
  async previewDeleteSnapshots(ids: readonly bigint[]): Promise<DeletePreview> {
    return previewDelete(await this.storage(), await this.manifest(), ids);
  }

  /** Reads a snapshot back and checks it; the result is kept and shown beside the snapshot. */
  async verifySnapshot(id: bigint, options: { validateIntegrity?: boolean } = {}): Promise<VerifyResult> {
    const entry = await this.getSnapshot(id);
    const storage = await this.storage();
    const result = await verifySnapshot(storage, entry, {
      validateIntegrity: options.validateIntegrity,
      fsBaseDir: this.fsBaseDir,
    });
    await this.prisma.snapshotVerification.create({
      data: {
        snapshot_id: id,
        storage_url: storage.store.displayUrl,
        storage_directory: storage.dir,
        ok: result.ok,
        problems: result.problems,
        integrity_checked: result.integrityChecked,
        rows: BigInt(result.rows),
        bytes: BigInt(result.bytes),
        verified_at: result.verifiedAt,
      },
    });
    return result;
  }

  /** The last verification of a snapshot in the current storage location, if any. */
  async lastVerification(id: bigint): Promise<VerifyResult | null> {
    if (id > MAX_STORED_ID) return null;
    const storage = await this.storage();
    const row = await this.prisma.snapshotVerification.findFirst({
      where: { snapshot_id: id, storage_url: storage.store.displayUrl, storage_directory: storage.dir },
      orderBy: { id: 'desc' },
    });
    if (!row) return null;
    return {
      snapshotId: id,
      ok: row.ok,
      problems: row.problems as string[],
      rows: Number(row.rows),
      bytes: Number(row.bytes),
      integrityChecked: row.integrity_checked,
      verifiedAt: row.verified_at,
    };
  }

  async diffSnapshots(from: bigint, to: bigint): Promise<SnapshotDiff> {
    const [a, b] = [await this.getSnapshot(from), await this.getSnapshot(to)];
    return diffSnapshots(await this.storage(), a, b);
  }

  /** Objects in the backup directory that no manifest entry names, and unfinished uploads; never a running job's. */
  async listOrphans(): Promise<Orphan[]> {
    const storage = await this.storage();
    const running = await this.runningJob();
    return storage.listOrphans({ writing: running ? storage.snapshotKey(running.id) : null });
  }

  /** Deletes those of the given keys that are still orphans (as listed before); returns them. */
  async deleteOrphans(keys: readonly string[]): Promise<string[]> {
    const wanted = new Set(keys);
    const doomed = (await this.listOrphans()).filter((o) => wanted.has(o.key));
    await (await this.storage()).deleteOrphans(doomed);
    return doomed.map((o) => o.key);
  }

  /** Deletes snapshots (manifest first, then objects); unknown ids are fine. */
  async deleteSnapshots(ids: readonly bigint[]): Promise<Manifest> {
    if (ids.length === 0) throw new BackupError('INVALID_INPUT', 'give at least one snapshot id');
    return (await this.storage()).delete(ids);
  }

  /** The union of every snapshot's SSTs, rebuilt when the manifest changes. */
  private async pinnedIndex(options: { maxAgeMs?: number } = {}): Promise<PinnedIndex> {
    const storage = await this.storage();
    const manifest = await storage.refreshManifest(options);
    const cache = this.pinnedCache;
    if (
      cache &&
      cache.manifestId === manifest.manifest_id &&
      cache.url === storage.store.displayUrl &&
      cache.dir === storage.dir
    )
      return cache;
    const { ids } = unionWithCounts(manifest.snapshot_metadata.map((s) => s.ssts));
    this.pinnedCache = {
      manifestId: manifest.manifest_id,
      url: storage.store.displayUrl,
      dir: storage.dir,
      ids,
      snapshots: manifest.snapshot_metadata,
    };
    return this.pinnedCache;
  }

  /** The exact union of `ssts` over the current manifest, in object id order, a page at a time. */
  async listPinnedSsts(
    options: { after?: bigint; limit?: number; search?: string; maxAgeMs?: number } = {},
  ): Promise<{ total: number; items: PinnedSst[]; next: bigint | null }> {
    const index = await this.pinnedIndex({ maxAgeMs: options.maxAgeMs });
    const { items: objectIds, next } = pageOf(index.ids, options);
    // Which snapshots hold each id on the page: one merge walk per snapshot.
    const holders = objectIds.map(() => [] as bigint[]);
    for (const snapshot of index.snapshots) {
      if (!objectIds.length) break;
      let j = lowerBound(snapshot.ssts, objectIds[0]!);
      for (let k = 0; k < objectIds.length && j < snapshot.ssts.length; k++) {
        while (j < snapshot.ssts.length && snapshot.ssts[j]! < objectIds[k]!) j++;
        if (snapshot.ssts[j] === objectIds[k]) holders[k]!.push(snapshot.id);
      }
    }
    return {
      total: index.ids.length,
      items: objectIds.map((objectId, k) => ({ objectId, snapshotIds: holders[k]!.sort((a, b) => (a < b ? -1 : 1)) })),
      next,
    };
  }

  /**
   * Of the candidate SST object ids, those garbage collection may delete: pinned by no
   * snapshot, and not part of any version a running backup's safe point holds.
   */
  async gcDeletableSsts(candidates: readonly bigint[]): Promise<bigint[]> {
    // Pins are read after the candidates were listed, as upstream's full GC does.
    const pinned = (await this.pinnedIndex()).ids;
    const protectedIds = new Set<bigint>();
    const minVersion = await minSafePointVersion(this.prisma);
    if (minVersion !== null) {
      const current = await this.prisma.hummockSstableInfo.findMany({ select: { object_id: true } });
      for (const { object_id } of current) protectedIds.add(object_id);
      const deltas = await this.prisma.hummockVersionDelta.findMany({
        where: { id: { gt: minVersion } },
        select: { removed_object_ids: true },
      });
      for (const delta of deltas) for (const id of delta.removed_object_ids as string[]) protectedIds.add(BigInt(id));
    }
    const seen = new Set<bigint>();
    return candidates.filter((id) => {
      if (seen.has(id) || sstSetHas(pinned, id) || protectedIds.has(id)) return false;
      seen.add(id);
      return true;
    });
  }

  /** Waits for this process's running jobs (used at shutdown and in tests) and closes the store. */
  /**
   * For SIGTERM: the jobs this process runs stop at once and end FAILED ("its process shut
   * down"), their safe points released and partial uploads aborted; resolves when they have.
   */
  /**
   * Ends the running jobs of every BackupManager of this process (a signal handler's call): a
   * bundler may load this module more than once (Next.js does, per server layer), so the
   * managers are found on `process`, which every copy shares, not through a module variable.
   */
  static async shutdownAll(): Promise<bigint[]> {
    const ids = await Promise.all([...processManagers()].map((manager) => manager.shutdown()));
    return ids.flat();
  }

  async shutdown(): Promise<bigint[]> {
    const ids = [...this.localJobs.keys()];
    for (const job of this.localJobs.values()) job.controller.abort(new BackupError('CANCELLED', SHUT_DOWN));
    await Promise.all([...this.localJobs.values()].map((j) => j.done));
    return ids;
  }

  async close(options: { cancelRunning?: boolean } = {}): Promise<void> {
    if (options.cancelRunning)
      for (const job of this.localJobs.values()) job.controller.abort(new BackupError('CANCELLED', 'cancelled'));
    await Promise.all([...this.localJobs.values()].map((j) => j.done));
    await this.current?.storage.store.close();
    this.current = undefined;
    processManagers().delete(this);
  }
}

/** Every open BackupManager of this process, whichever copy of this module made it. */
function processManagers(): Set<BackupManager> {
  const holder = process as NodeJS.Process & { __mbcBackupManagers?: Set<BackupManager> };
  holder.__mbcBackupManagers ??= new Set();
  return holder.__mbcBackupManagers;
}
