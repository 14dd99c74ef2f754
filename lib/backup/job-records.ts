// Job rows in the meta store, and this process's read caches of them. The database arbitrates
// between processes: one RUNNING job (a partial unique index), ids from the persistent
// `meta_backup` sequence, leases renewed by heartbeats; a safe point is held while a job runs.
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import { type PendingAudit, recordPendingAudit } from '../meta/audit-log.ts';
import type { MetaStore } from '../meta/client.ts';
import { registerSafePoint, releaseSafePoint } from '../meta/safe-points.ts';
import { BackupError } from './errors.ts';

/** Job rows and verifications keep ids in signed 64-bit columns; u64 ids above this name none. */
export const MAX_STORED_ID = 2n ** 63n - 1n;

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
  /** Whether the snapshot is read back once written. */
  verify: boolean;
  /** The outcome of that read-back: null until it ran. */
  verification: { ok: boolean; message: string | null } | null;
  /** The request that started the job, as in the logs. */
  requestId: string | null;
}

export type JobEnd = {
  state: BackupJob['status'];
  error: string | null;
  snapshot_bytes: bigint | null;
  rows_written: bigint;
  bytes_written: bigint;
};

type JobRow = Awaited<ReturnType<MetaStore['prisma']['backupJob']['findUnique']>> & {};

export const safePointHolder = (id: bigint) => `backup-job-${id}`;

/** Attempts to record a job's end while the meta store is away: 1 + 2 + 4 + 8 s of waiting. */
const END_ATTEMPTS = 5;
/** How many finished jobs are kept in memory for polls. */
const FINISHED_JOBS_KEPT = 1_000;
/**
 * A running job's row, once read, answers polls for this long: fifty consoles polling once a
 * second cost ten queries a second, not fifty. Its runner writes progress once a second.
 */
const RUNNING_JOB_READ_MS = 100;

export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string; meta?: { driverAdapterError?: { cause?: { kind?: string } } } };
  return (
    e?.code === 'P2002' ||
    /unique constraint/i.test(e?.message ?? '') ||
    e?.meta?.driverAdapterError?.cause?.kind === 'UniqueConstraintViolation'
  );
}

export class JobRecords {
  private readonly jobReads = new Map<bigint, Promise<BackupJob | null>>();
  private readonly runningJobReads = new Map<bigint, { job: BackupJob; at: number }>();
  /** Finished jobs never change again (every write to a job row requires it RUNNING). */
  private readonly finishedJobs = new Map<bigint, BackupJob>();

  constructor(
    private readonly options: {
      meta: MetaStore;
      clock: Clock;
      log: Logger;
      /** A RUNNING job whose heartbeat is older than this has lost its process. */
      leaseMs: number;
      /** Whether this process runs the job (then a late heartbeat is not a lost process). */
      runsHere: (id: bigint) => boolean;
      /** A job this process failed because its lease ran out (an alert). */
      onReaped?: (id: bigint, error: string, requestId: string | null) => void;
    },
  ) {}

  private get prisma() {
    return this.options.meta.prisma;
  }

  private toJob(row: JobRow): BackupJob {
    // A running job whose lease ran out stopped at its last heartbeat, even before it is reaped.
    const now = this.options.clock.now();
    const end =
      row.finished_at ?? (row.heartbeat_at.getTime() < now.getTime() - this.options.leaseMs ? row.heartbeat_at : now);
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
      verify: row.verify,
      verification: row.verify_ok === null ? null : { ok: row.verify_ok, message: row.verify_message },
      requestId: row.request_id,
    };
  }

  async running(): Promise<{ id: bigint } | null> {
    return this.prisma.backupJob.findFirst({ where: { state: 'RUNNING' }, select: { id: true } });
  }

  /**
   * Takes the next id from the sequence and writes the RUNNING row and its safe point in one
   * transaction; a second RUNNING job is refused by the database (CONCURRENT_JOB).
   */
  async create(job: {
    remarks: string | null;
    startedBy: string;
    runner: string;
    verify: boolean;
    requestId: string | null;
    storageUrl: string;
    storageDirectory: string;
    audit?: PendingAudit;
  }): Promise<bigint> {
    const now = this.options.clock.now();
    try {
      return await this.prisma.$transaction(async (tx) => {
        // The first statement writes, so on SQLite the transaction takes the write lock at once.
        const sequence = await tx.hummockSequence.update({
          where: { name: 'meta_backup' },
          data: { seq: { increment: 1n } },
        });
        const id = sequence.seq - 1n;
        await tx.backupJob.create({
          data: {
            id,
            state: 'RUNNING',
            remarks: job.remarks,
            started_by: job.startedBy,
            started_at: now,
            heartbeat_at: now,
            runner: job.runner,
            storage_url: job.storageUrl,
            storage_directory: job.storageDirectory,
            verify: job.verify,
            request_id: job.requestId,
          },
        });
        const versionId = await registerSafePoint(tx as unknown as MetaStore['prisma'], safePointHolder(id));
        await tx.backupJob.update({ where: { id }, data: { hummock_version_id: versionId } });
        await recordPendingAudit(tx, job.audit, `job ${id}`);
        return id;
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        const other = await this.running();
        throw new BackupError(
          'CONCURRENT_JOB',
          `concurrent backup job is not supported: existent job ${other?.id ?? '(just finished)'}`,
        );
      }
      if ((error as { code?: string }).code === 'P2025')
        throw new BackupError('INVALID_CONFIG', 'the meta store has no meta_backup sequence: is it seeded?');
      throw error;
    }
  }

  /** Undoes `create` for a job that never ran. */
  async discard(id: bigint): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await tx.backupJob.delete({ where: { id } });
      await releaseSafePoint(tx as unknown as MetaStore['prisma'], safePointHolder(id));
    });
  }

  /** Takes over a job started with `detach`; returns its row as the runner needs it. */
  async claim(id: bigint, runner: string): Promise<{ verify: boolean; requestId: string | null }> {
    const row = await this.prisma.backupJob.findUnique({ where: { id } });
    if (!row) throw new BackupError('NOT_FOUND', `backup job ${id} not found`);
    if (row.state !== 'RUNNING')
      throw new BackupError('INVALID_INPUT', `backup job ${id} is ${row.state}, not RUNNING`);
    const claimed = await this.prisma.backupJob.updateMany({
      where: { id, state: 'RUNNING', runner: 'detached' },
      data: { runner, heartbeat_at: this.options.clock.now() },
    });
    if (!claimed.count) throw new BackupError('INVALID_INPUT', `backup job ${id} is already run by ${row.runner}`);
    return { verify: row.verify, requestId: row.request_id };
  }

  async remarks(id: bigint): Promise<string | null> {
    const row = await this.prisma.backupJob.findUniqueOrThrow({ where: { id }, select: { remarks: true } });
    return row.remarks;
  }

  /** A heartbeat: renews the lease, stores progress; answers whether a cancel was asked for. */
  async beat(id: bigint, progress: { rows_written: bigint; bytes_written: bigint }): Promise<boolean> {
    const row = await this.prisma.backupJob.update({
      where: { id },
      data: { heartbeat_at: this.options.clock.now(), ...progress },
      select: { cancel_requested: true },
    });
    return row.cancel_requested;
  }

  /** Marks RUNNING jobs whose process stopped renewing the lease as FAILED and frees their safe points. */
  async reapStale(): Promise<bigint[]> {
    const { leaseMs, clock, log, runsHere } = this.options;
    const cutoff = new Date(clock.now().getTime() - leaseMs);
    const stale = await this.prisma.backupJob.findMany({
      where: { state: 'RUNNING', heartbeat_at: { lt: cutoff } },
      select: { id: true, heartbeat_at: true, request_id: true },
    });
    const reaped: bigint[] = [];
    for (const { id, heartbeat_at, request_id } of stale) {
      if (runsHere(id)) continue; // ours and alive: the heartbeat is just late
      const error = `failed backup job ${id}: interrupted: its process stopped renewing the lease for ${leaseMs / 1000} s`;
      const ended = await this.prisma.$transaction(async (tx) => {
        // It ended at its last sign of life, not whenever someone next looked.
        const { count } = await tx.backupJob.updateMany({
          where: { id, state: 'RUNNING', heartbeat_at },
          data: { state: 'FAILED', finished_at: heartbeat_at, error },
        });
        if (count) await releaseSafePoint(tx as unknown as MetaStore['prisma'], safePointHolder(id));
        return count > 0;
      });
      this.runningJobReads.delete(id);
      if (ended) {
        log.warn({ jobId: String(id), requestId: request_id, heartbeatAt: heartbeat_at }, error);
        this.options.onReaped?.(id, error, request_id);
      }
      reaped.push(id);
    }
    return reaped;
  }

  /**
   * Writes a job's end and releases its safe point, in one transaction (whoever sees the job
   * finished sees its safe point released). A meta store that is away is retried for a while;
   * if it stays away the job is left RUNNING, for a process to fail once its lease runs out.
   */
  async recordEnd(id: bigint, end: JobEnd, log: Logger): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const now = this.options.clock.now();
        await this.prisma.$transaction(async (tx) => {
          // Only a job still RUNNING: one reaped meanwhile keeps what the reaper wrote.
          await tx.backupJob.updateMany({
            where: { id, state: 'RUNNING' },
            data: { ...end, finished_at: now, heartbeat_at: now },
          });
          await releaseSafePoint(tx as unknown as MetaStore['prisma'], safePointHolder(id));
        });
        this.runningJobReads.delete(id); // this process's own polls see the end at once
        return;
      } catch (error) {
        const message = (error as Error).message.split('\n').filter(Boolean).at(-1) ?? String(error);
        if (attempt >= END_ATTEMPTS) {
          log.error(
            { state: end.state, attempts: attempt, cause: message },
            'could not record the job end in the meta store; it is failed as interrupted once its lease runs out',
          );
          return;
        }
        log.warn({ state: end.state, attempt, cause: message }, 'recording the job end failed; retrying');
        await this.options.clock.sleep(500 * 2 ** attempt);
      }
    }
  }

  /** Stores the verify-after-backup outcome on a finished job. */
  async recordVerification(id: bigint, outcome: { ok: boolean; message: string | null }): Promise<void> {
    await this.prisma.backupJob.update({
      where: { id },
      data: { verify_ok: outcome.ok, verify_message: outcome.message },
    });
    this.finishedJobs.delete(id);
  }

  async requestCancel(id: bigint, audit?: PendingAudit): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await tx.backupJob.updateMany({ where: { id, state: 'RUNNING' }, data: { cancel_requested: true } });
      await recordPendingAudit(tx, audit, `job ${id}`);
    });
  }

  /**
   * One job. Calls for the same job share one read while it is in flight, and a running job's
   * read for RUNNING_JOB_READ_MS more (a caller that just wrote reads with `read`).
   */
  get(id: bigint): Promise<BackupJob | null> {
    const recent = this.runningJobReads.get(id);
    if (recent && this.options.clock.now().getTime() - recent.at < RUNNING_JOB_READ_MS)
      return Promise.resolve(recent.job);
    let pending = this.jobReads.get(id);
    if (!pending) {
      pending = this.read(id).finally(() => this.jobReads.delete(id));
      this.jobReads.set(id, pending);
    }
    return pending;
  }

  /**
   * Reads a job; reaps stale jobs only when this one looks stale (one query otherwise). A job
   * once read finished is kept and served from memory: polls of it cost no query.
   */
  async read(id: bigint): Promise<BackupJob | null> {
    if (id > MAX_STORED_ID) return null; // a valid u64 id, but beyond any the database holds
    const finished = this.finishedJobs.get(id);
    if (finished) return finished;
    const now = this.options.clock.now().getTime();
    let row = await this.prisma.backupJob.findUnique({ where: { id } });
    if (row?.state === 'RUNNING' && row.heartbeat_at.getTime() < now - this.options.leaseMs) {
      await this.reapStale();
      row = await this.prisma.backupJob.findUnique({ where: { id } });
    }
    if (!row) return null;
    const job = this.toJob(row);
    this.runningJobReads.delete(id);
    if (job.status === 'RUNNING') {
      if (this.runningJobReads.size >= FINISHED_JOBS_KEPT) this.runningJobReads.clear(); // jobs no one polled to the end
      this.runningJobReads.set(id, { job: Object.freeze(job), at: now });
    } else if (job.status !== 'SUCCEEDED' || !job.verify || job.verification) {
      // Final only once its verify-after-backup, if asked for, is recorded too.
      if (this.finishedJobs.size >= FINISHED_JOBS_KEPT)
        this.finishedJobs.delete(this.finishedJobs.keys().next().value!);
      this.finishedJobs.set(id, Object.freeze(job));
    }
    return job;
  }

  async list(options: { limit?: number; before?: bigint } = {}): Promise<BackupJob[]> {
    await this.reapStale();
    const before = options.before !== undefined && options.before <= MAX_STORED_ID ? options.before : undefined;
    const rows = await this.prisma.backupJob.findMany({
      where: before === undefined ? {} : { id: { lt: before } },
      orderBy: { id: 'desc' },
      take: Math.min(Math.max(options.limit ?? 50, 1), 1000),
    });
    return rows.map((row) => this.toJob(row));
  }
}
