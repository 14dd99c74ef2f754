// BackupManager: RisingWave's backup manager semantics, safe for several processes sharing
// one meta store. The one entry point of the CLI, the routes and the tests, over its parts:
// the storage location (storage-location.ts), job rows (job-records.ts), the job runner
// (job-runner.ts), snapshot queries and verification results (snapshot-queries.ts) and pinned
// SSTs (pinned-ssts.ts). Nothing here knows about Next.js, HTTP or the terminal.
import { Alerts, type AlertsOptions } from '../alerts/alerts.ts';
import { type Clock, systemClock } from '../clock.ts';
import { type Logger, processLogger } from '../log.ts';
import type { PendingAudit } from '../meta/audit-log.ts';
import type { MetaStore } from '../meta/client.ts';
import type { ObjectStore } from '../object-store/index.ts';
import type { SnapshotDiff } from './diff.ts';
import { BackupError } from './errors.ts';
import { type BackupJob, JobRecords, type JobStatus } from './job-records.ts';
import { JobRunner } from './job-runner.ts';
import type { ManifestSummary, SnapshotSummary } from './manifest.ts';
import { PinnedSsts, type PinnedSst } from './pinned-ssts.ts';
import type { RetentionPlan } from './retention.ts';
import {
  type KeepPin,
  type RetentionApplied,
  RetentionService,
  type StoredRetentionRule,
} from './retention-service.ts';
import type { DeletePreview, SnapshotCatalog } from './snapshot-inspector.ts';
import type { MetaSnapshotStorage, Orphan } from './snapshot-storage.ts';
import { type DrillResult, listDrills, runRestoreDrill } from './restore-drill.ts';
import { SnapshotQueries } from './snapshot-queries.ts';
import { StorageLocation } from './storage-location.ts';
import { DEFAULT_VERIFY_AFTER_BACKUP, remarksSchema } from './validation.ts';
import type { VerifyResult } from './verify.ts';

export type { BackupJob, JobStatus, PinnedSst };

export const MAX_META_SNAPSHOTS = 100;

/**
 * Pages may show a manifest confirmed up to a second ago: a conditional GET costs 15 ms against
 * the test S3 server (more against a remote one), and a detail page needs the manifest three
 * times. This process's own changes show at once; another process's on a render a second later.
 * API routes and the garbage collector read it fresh.
 */
export const PAGE_MANIFEST_MAX_AGE_MS = 1_000;

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
  /** Time: the system clock unless a test moves it by hand. */
  clock?: Clock;
  log?: Logger;
  /** Alert delivery settings: the environment it reads (SMTP_URL, …) and the retry delays. */
  alerts?: Pick<AlertsOptions, 'env' | 'retryDelaysMs'>;
}

export class BackupManager {
  private readonly meta: MetaStore;
  private readonly maxSnapshots: number;
  private readonly fsBaseDir: string | undefined;
  private readonly log: Logger;
  private readonly location: StorageLocation;
  private readonly jobs: JobRecords;
  private readonly runner: JobRunner;
  private readonly pinned = new PinnedSsts();
  private readonly snapshots: SnapshotQueries;
  /** The manager's time (BackupManagerOptions.clock): for figures that depend on "now", such as metrics. */
  readonly clock: Clock;
  private readonly retention: RetentionService;
  /** Alert channels and delivery: the runner's failures and the storage health checks feed it. */
  readonly alerts: Alerts;

  constructor(options: BackupManagerOptions) {
    this.meta = options.meta;
    this.maxSnapshots = options.maxSnapshots ?? MAX_META_SNAPSHOTS;
    this.fsBaseDir = options.fsBaseDir;
    this.log = options.log ?? processLogger();
    const clock = options.clock ?? systemClock;
    this.clock = clock;
    const log = this.log;
    this.alerts = new Alerts({ meta: this.meta, clock, log, ...options.alerts });
    const alert = this.alerts.bus.emit.bind(this.alerts.bus);
    const wrapStore = options.wrapStore ?? ((store: ObjectStore) => store);
    this.location = new StorageLocation({ meta: this.meta, clock, log, fsBaseDir: this.fsBaseDir, wrapStore });
    const leaseMs = options.leaseMs ?? 30_000;
    this.jobs = new JobRecords({
      meta: this.meta,
      clock,
      log,
      leaseMs,
      runsHere: (id) => this.runner.runsHere(id),
      onReaped: (id, error, requestId) =>
        alert({
          kind: 'job.failed',
          summary: `backup job ${id} failed`,
          details: { jobId: String(id), error, requestId },
        }),
    });
    this.runner = new JobRunner({
      meta: this.meta,
      records: this.jobs,
      clock,
      log,
      heartbeatMs: options.heartbeatMs ?? 1_000,
      verify: (id) => this.verifySnapshot(id),
      afterSuccess: async (_id, job) => {
        await this.applyRetention({ requestId: job.requestId });
      },
      alert,
    });
    this.retention = new RetentionService({ meta: this.meta, clock, log, storage: () => this.storage() });
    this.snapshots = new SnapshotQueries({ meta: this.meta, fsBaseDir: this.fsBaseDir, storage: () => this.storage() });
    processManagers().add(this);
  }

  get runnerId(): string {
    return this.runner.runnerId;
  }

  // ---- storage location ----

  /** The storage named by the system parameters now; rebuilt (hot swap) when they changed. */
  storage(): Promise<MetaSnapshotStorage> {
    return this.location.storage();
  }
  /** Snapshot storage at another location (for restore from elsewhere); the caller closes its store. */
  openStorageAt(location: { url?: string; directory?: string }): Promise<MetaSnapshotStorage> {
    return this.location.openAt(location);
  }
  getConfig(): Promise<{ url: string; displayUrl: string; directory: string }> {
    return this.location.config();
  }
  /** Checks and saves a new location, then swaps to it; on any failure the old one stays. */
  setConfig(change: { url?: string; directory?: string }, audit?: PendingAudit) {
    return this.location.change(change, audit);
  }
  /** Writes, reads back and deletes a probe object at a location, without saving anything. */
  probeStorage(location: { url: string; directory: string }): Promise<void> {
    return this.location.probe(location);
  }

  // ---- jobs ----

  /** Marks RUNNING jobs whose process stopped renewing the lease as FAILED and frees their safe points. */
  reapStaleJobs(): Promise<bigint[]> {
    return this.jobs.reapStale();
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
      requestId?: string;
      audit?: PendingAudit;
    } = {},
  ): Promise<bigint> {
    // Every caller (console, API, ctl) comes through here: the remarks are checked once, here.
    const parsed = remarksSchema.safeParse(options.remarks ?? '');
    if (!parsed.success) throw new BackupError('INVALID_INPUT', `remarks: ${parsed.error.issues[0]!.message}`);
    await this.jobs.reapStale();
    const running = await this.jobs.running();
    if (running)
      throw new BackupError('CONCURRENT_JOB', `concurrent backup job is not supported: existent job ${running.id}`);
    const storage = await this.storage();
    this.checkSnapshotLimit(await storage.refreshManifest());
    const job = {
      verify: options.verify ?? DEFAULT_VERIFY_AFTER_BACKUP,
      requestId: options.requestId ?? options.audit?.requestId ?? null,
    };
    const id = await this.jobs.create({
      ...job,
      remarks: parsed.data,
      startedBy: options.startedBy ?? 'unknown',
      runner: options.detach ? 'detached' : this.runner.runnerId,
      storageUrl: storage.store.displayUrl,
      storageDirectory: storage.dir,
      audit: options.audit,
    });
    // Holding the only RUNNING slot, no other job can add snapshots: check the limit again.
    try {
      this.checkSnapshotLimit(await storage.refreshManifest());
    } catch (error) {
      await this.jobs.discard(id);
      throw error;
    }
    if (!options.detach) this.runner.launch(id, storage, job);
    return id;
  }

  private checkSnapshotLimit(manifest: ManifestSummary): void {
    if (manifest.snapshot_metadata.length >= this.maxSnapshots)
      throw new BackupError(
        'TOO_MANY_SNAPSHOTS',
        `too many existent meta snapshots, expect at most ${this.maxSnapshots}`,
      );
  }

  /** Runs a job created with `detach` in this process, until it ends. */
  async runJob(id: bigint): Promise<void> {
    const job = await this.jobs.claim(id, this.runner.runnerId);
    this.runner.launch(id, await this.storage(), job);
    await this.runner.done(id);
  }

  /** One job; polls of a running job share reads, a finished one is served from memory. */
  getJob(id: bigint): Promise<BackupJob | null> {
    return this.jobs.get(id);
  }

  /** Upstream's status call: NOT_FOUND with an empty message for an unknown id. */
  async getJobStatus(id: bigint): Promise<{ id: bigint; status: JobStatus; message: string }> {
    const job = await this.getJob(id);
    return job ? { id, status: job.status, message: job.error ?? '' } : { id, status: 'NOT_FOUND', message: '' };
  }

  listJobs(options: { limit?: number; before?: bigint } = {}): Promise<BackupJob[]> {
    return this.jobs.list(options);
  }

  /** Asks a running job to stop: its upload is aborted, no manifest entry is written. */
  async cancelJob(id: bigint, audit?: PendingAudit): Promise<BackupJob> {
    const job = await this.jobs.read(id); // its state now, not a poll's cached read
    if (!job) throw new BackupError('NOT_FOUND', `backup job ${id} not found`);
    if (job.status !== 'RUNNING')
      throw new BackupError('INVALID_INPUT', `backup job ${id} is not running (${job.status})`);
    await this.jobs.requestCancel(id, audit);
    this.log.info({ jobId: String(id), by: audit?.actor, requestId: audit?.requestId }, 'backup job cancel requested');
    this.runner.cancel(id);
    return (await this.jobs.read(id))!;
  }

  /** Polls until the job has ended (and, when it ran here, its verify and retention after it). */
  async waitForJob(
    id: bigint,
    options: { pollMs?: number; onProgress?: (job: BackupJob) => void; signal?: AbortSignal } = {},
  ): Promise<BackupJob> {
    for (;;) {
      // Asked before the read: a runner that ends between the read and the question would
      // leave a job read before its verification was recorded.
      const runsHere = this.runner.runsHere(id);
      const job = await this.getJob(id);
      if (!job) throw new BackupError('NOT_FOUND', `backup job ${id} not found`);
      options.onProgress?.(job);
      // A job that ran here is done once its verify and retention after it are.
      const verifying = job.status === 'SUCCEEDED' && runsHere;
      if (job.status !== 'RUNNING' && !verifying) return job;
      if (options.signal?.aborted) throw options.signal.reason;
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1000));
    }
  }

  // ---- snapshots (snapshot-queries.ts) ----

  /** The manifest; `maxAgeMs` as in MetaSnapshotStorage#refreshManifest (for pages: PAGE_MANIFEST_MAX_AGE_MS). */
  manifest(options: { maxAgeMs?: number } = {}): Promise<ManifestSummary> {
    return this.snapshots.manifest(options);
  }
  getSnapshot(id: bigint, options: { maxAgeMs?: number } = {}): Promise<SnapshotSummary> {
    return this.snapshots.get(id, options);
  }
  /** Every SST object id one snapshot pins, ascending (its count is on the snapshot's summary). */
  async snapshotSstIds(id: bigint): Promise<BigUint64Array> {
    return (await this.storage()).sstsOf(id);
  }
  /** The SST object ids one snapshot pins, in id order, a page at a time. */
  snapshotSsts(id: bigint, options: { after?: bigint; limit?: number; search?: string } = {}) {
    return this.snapshots.ssts(id, options);
  }
  snapshotCatalog(id: bigint, options: { maxAgeMs?: number } = {}): Promise<SnapshotCatalog> {
    return this.snapshots.catalog(id, options);
  }
  /** What deleting these snapshots would do: which exist, and the SSTs (and bytes) only they pin. */
  previewDeleteSnapshots(ids: readonly bigint[]): Promise<DeletePreview> {
    return this.snapshots.previewDelete(ids);
  }
  /** Reads a snapshot back and checks it; the result is kept and shown beside the snapshot. */
  verifySnapshot(id: bigint, options: { validateIntegrity?: boolean } = {}): Promise<VerifyResult> {
    return this.snapshots.verify(id, options);
  }
  /** The last verification of a snapshot in the current storage location, if any. */
  lastVerification(id: bigint): Promise<VerifyResult | null> {
    return this.snapshots.lastVerification(id);
  }
  diffSnapshots(from: bigint, to: bigint): Promise<SnapshotDiff> {
    return this.snapshots.diff(from, to);
  }
  /** Objects in the backup directory that no manifest entry names, and unfinished uploads; never a running job's. */
  async listOrphans(): Promise<Orphan[]> {
    return this.snapshots.orphans((await this.jobs.running())?.id ?? null);
  }
  /** Deletes those of the given keys that are still orphans (as listed before); returns them. */
  async deleteOrphans(keys: readonly string[]): Promise<string[]> {
    return this.snapshots.deleteOrphans(keys, (await this.jobs.running())?.id ?? null);
  }
  /** Deletes snapshots (manifest first, then objects); unknown ids are fine. Their keep marks go too. */
  async deleteSnapshots(ids: readonly bigint[]): Promise<ManifestSummary> {
    const manifest = await this.snapshots.delete(ids);
    await this.retention.forget(await this.storage(), ids);
    return manifest;
  }

  // ---- retention (retention.ts plans, retention-service.ts stores and applies) ----

  /** The retention rule of the current location; null when none was set (everything is kept). */
  retentionRule(): Promise<StoredRetentionRule | null> {
    return this.retention.rule();
  }
  /** Validates and saves the current location's rule (parts not given are off); nothing is deleted here. */
  setRetentionRule(rule: unknown, by: string, audit?: PendingAudit): Promise<StoredRetentionRule> {
    return this.retention.setRule(rule, by, audit);
  }
  /** What the rule (the stored one unless given) would keep and delete now, and why; changes nothing. */
  previewRetention(rule?: unknown): Promise<RetentionPlan> {
    return this.retention.preview(rule);
  }
  /** Deletes what the stored rule does not keep; each deletion leaves an audit row naming the rule. */
  async applyRetention(options: { requestId?: string | null } = {}): Promise<RetentionApplied> {
    const applied = await this.retention.apply(options);
    const ids = applied.deleted.toSorted((a, b) => (a < b ? -1 : 1));
    if (ids.length)
      this.alerts.bus.emit({
        kind: 'retention.deleted',
        summary: `retention deleted ${ids.length} snapshot${ids.length === 1 ? '' : 's'}: ${ids.join(', ')}`,
        details: { snapshots: ids.join(','), requestId: options.requestId ?? null },
      });
    return applied;
  }
  /** Keep marks of the current location's snapshots, by id. */
  keepPins(): Promise<Map<bigint, KeepPin>> {
    return this.retention.keeps();
  }
  keepPin(id: bigint): Promise<KeepPin | null> {
    return this.retention.keepOf(id);
  }
  /** Marks a snapshot keep: retention never deletes it. */
  keepSnapshot(id: bigint, options: { reason?: string | null; by: string; audit?: PendingAudit }): Promise<KeepPin> {
    return this.retention.keep(id, {
      ...options,
      entries: async () => (await this.manifest()).snapshot_metadata,
    });
  }
  /** Removes a snapshot's keep mark; true when it had one. */
  unkeepSnapshot(id: bigint, audit?: PendingAudit): Promise<boolean> {
    return this.retention.unkeep(id, audit);
  }

  // ---- restore drills (restore-drill.ts) ----

  /**
   * Verifies a snapshot (the newest when no id is given), restores it into a scratch SQLite meta
   * store, compares its row counts with the snapshot's and removes the store; the result is kept.
   */
  async drillSnapshot(
    id?: bigint,
    options: { startedBy?: string; requestId?: string; audit?: PendingAudit } = {},
  ): Promise<DrillResult> {
    const manifest = await this.manifest();
    const entry =
      id === undefined
        ? manifest.snapshot_metadata.reduce<SnapshotSummary | undefined>(
            (a, b) => (!a || b.id > a.id ? b : a),
            undefined,
          )
        : await this.getSnapshot(id);
    if (!entry) throw new BackupError('NOT_FOUND', 'there is no snapshot to drill');
    if (options.audit) options.audit.target = `snapshot ${entry.id}`;
    const drill = await runRestoreDrill({
      prisma: this.meta.prisma,
      storage: await this.storage(),
      entry,
      clock: this.clock,
      log: this.log,
      startedBy: options.startedBy ?? 'unknown',
      requestId: options.requestId ?? options.audit?.requestId ?? null,
      fsBaseDir: this.fsBaseDir,
    });
    if (drill.state === 'FAILED')
      this.alerts.bus.emit({
        kind: 'drill.failed',
        summary: `restore drill of snapshot ${drill.snapshotId} failed: ${drill.problem}`,
        details: { snapshotId: String(drill.snapshotId), problem: drill.problem, requestId: drill.requestId },
      });
    return drill;
  }
  /** Drills in the current location, newest first (of one snapshot when given). */
  async listDrills(options: { snapshotId?: bigint; limit?: number } = {}): Promise<DrillResult[]> {
    return listDrills(this.meta.prisma, await this.storage(), options);
  }

  /** The exact union of `ssts` over the current manifest, in object id order, a page at a time. */
  async listPinnedSsts(options: { after?: bigint; limit?: number; search?: string; maxAgeMs?: number } = {}) {
    return this.pinned.list(await this.storage(), options);
  }

  /** Of the candidate SSTs, those GC may delete: pinned by no snapshot, held by no safe point. */
  async gcDeletableSsts(candidates: readonly bigint[]): Promise<bigint[]> {
    return this.pinned.gcDeletable(await this.storage(), this.meta.prisma, candidates);
  }

  // ---- process lifetime ----

  /**
   * Ends the running jobs of every BackupManager of this process (a signal handler's call): a
   * bundler may load this module more than once (Next.js does, per server layer), so the
   * managers are found on `process`, which every copy shares, not through a module variable.
   */
  static async shutdownAll(): Promise<bigint[]> {
    const ids = await Promise.all([...processManagers()].map((manager) => manager.shutdown()));
    return ids.flat();
  }

  /** For SIGTERM: this process's jobs end FAILED ("its process shut down"); resolves when they have. */
  shutdown(): Promise<bigint[]> {
    return this.runner.shutdown();
  }

  /** Waits for this process's running jobs (cancelling them if asked) and closes the store. */
  async close(options: { cancelRunning?: boolean } = {}): Promise<void> {
    if (options.cancelRunning) this.runner.cancelAll();
    await this.runner.settled();
    await this.alerts.settled(); // a failed job's alert goes out before ctl or the worker exits
    await this.location.close();
    processManagers().delete(this);
  }
}

/** Every open BackupManager of this process, whichever copy of this module made it. */
function processManagers(): Set<BackupManager> {
  const holder = process as NodeJS.Process & { __mbcBackupManagers?: Set<BackupManager> };
  holder.__mbcBackupManagers ??= new Set();
  return holder.__mbcBackupManagers;
}
