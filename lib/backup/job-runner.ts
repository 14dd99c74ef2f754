// Runs backup jobs in this process: reads the meta store at one consistent point, streams the
// snapshot to storage, renews the job's lease with a heartbeat (which also picks up a cancel
// asked for by another process), records the end, then verifies when the job asked for it.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { AlertEventInput } from '../alerts/events.ts';
import type { Clock } from '../clock.ts';
import { errorText, type Logger } from '../log.ts';
import type { MetaStore } from '../meta/client.ts';
import { type ConsistentReader, openConsistentReader } from '../meta/consistent-reader.ts';
import { BackupError } from './errors.ts';
import type { BackupJob, JobRecords } from './job-records.ts';
import { buildSnapshot, type SnapshotBuild } from './snapshot-builder.ts';
import type { MetaSnapshotStorage } from './snapshot-storage.ts';
import type { VerifyResult } from './verify.ts';

/** The abort reason of jobs stopped because their process is shutting down. */
const SHUT_DOWN = 'shut down';

interface LocalJob {
  controller: AbortController;
  done: Promise<void>;
}

export class JobRunner {
  readonly runnerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly localJobs = new Map<bigint, LocalJob>();

  constructor(
    private readonly options: {
      meta: MetaStore;
      records: JobRecords;
      clock: Clock;
      log: Logger;
      heartbeatMs: number;
      /** Reads a finished snapshot back and stores the result. */
      verify: (id: bigint) => Promise<VerifyResult>;
      /** Runs after a job succeeded (and passed its verify, when it asked for one): retention. */
      afterSuccess?: (id: bigint, job: { requestId: string | null }) => Promise<void>;
      /** Alerts (lib/alerts): a failed job, a failed verify. Must not throw or wait. */
      alert: (event: AlertEventInput) => void;
    },
  ) {}

  runsHere(id: bigint): boolean {
    return this.localJobs.has(id);
  }

  /** Resolves when this process's run of the job has ended (at once if it runs elsewhere). */
  async done(id: bigint): Promise<void> {
    await this.localJobs.get(id)?.done;
  }

  launch(id: bigint, storage: MetaSnapshotStorage, job: { verify: boolean; requestId: string | null }): void {
    const log = this.options.log.child({ jobId: String(id), requestId: job.requestId });
    const controller = new AbortController();
    log.info({ storage: storage.store.displayUrl, directory: storage.dir, verify: job.verify }, 'backup job started');
    const done = this.execute(id, storage, controller, log, job.requestId)
      .then(async (state) => {
        if (state !== 'SUCCEEDED') return;
        // A snapshot that failed its verify must not make retention delete older good ones.
        if (job.verify && !(await this.verifyAfterBackup(id, log, job.requestId))) return;
        await this.options
          .afterSuccess?.(id, job)
          .catch((error: unknown) => log.error({ err: error }, 'retention after backup failed'));
      })
      // Never an unhandled rejection: it would end the whole process (the console, or ctl).
      .catch((error: unknown) => log.error({ err: error }, 'backup job runner failed'))
      .finally(() => this.localJobs.delete(id));
    this.localJobs.set(id, { controller, done });
  }

  /** The snapshot is read back and checked; the outcome is kept on the job, a failure logged. */
  private async verifyAfterBackup(id: bigint, log: Logger, requestId: string | null): Promise<boolean> {
    let outcome: { ok: boolean; message: string | null };
    try {
      const result = await this.options.verify(id);
      outcome = { ok: result.ok, message: result.ok ? null : result.problems.join('; ') };
    } catch (error) {
      outcome = { ok: false, message: `verify could not run: ${errorText(error)}` };
    }
    if (outcome.ok) log.info('snapshot verified after backup');
    else log.error({ problems: outcome.message }, 'snapshot failed its verify after backup');
    await this.options.records.recordVerification(id, outcome);
    if (!outcome.ok)
      this.options.alert({
        kind: 'verify.failed',
        summary: `backup job ${id}: its snapshot failed the verify after backup`,
        details: { jobId: String(id), problems: outcome.message ?? '', requestId },
      });
    return outcome.ok;
  }

  private async execute(
    id: bigint,
    storage: MetaSnapshotStorage,
    controller: AbortController,
    log: Logger,
    requestId: string | null,
  ): Promise<BackupJob['status']> {
    const { records, clock } = this.options;
    let build: SnapshotBuild | undefined;
    const counters = () => ({
      rows_written: BigInt(build?.progress.rows ?? 0),
      bytes_written: BigInt(build?.progress.bytes ?? 0),
    });
    let beating = Promise.resolve();
    const heartbeat = clock.every(this.options.heartbeatMs, () => {
      beating = beating
        .then(async () => {
          if (await records.beat(id, counters())) controller.abort(new BackupError('CANCELLED', 'cancelled'));
        })
        // A missed beat is retried next time; the lease covers several.
        .catch((error: unknown) => log.warn({ cause: errorText(error) }, 'heartbeat not written'));
    });
    let outcome: { state: 'SUCCEEDED' | 'FAILED' | 'CANCELLED'; error: string | null; bytes: bigint | null };
    let reader: ConsistentReader | undefined;
    try {
      const remarks = await records.remarks(id);
      reader = await openConsistentReader(this.options.meta.url);
      const opened = reader;
      // A cancel or shutdown must end the job even when the read is waiting on a stalled upload.
      if (controller.signal.aborted) opened.abort();
      else controller.signal.addEventListener('abort', () => opened.abort(), { once: true });
      build = buildSnapshot(reader, id, { remarks, createdAt: clock.now() });
      const uploaded = await storage.upload(id, build.body, { signal: controller.signal });
      // The builder's entry (SSTs, state tables) is complete once the body has been consumed.
      await storage.commit(uploaded, build.metadata());
      outcome = { state: 'SUCCEEDED', error: null, bytes: BigInt(uploaded.size) };
    } catch (error) {
      const reason = controller.signal.aborted ? (controller.signal.reason as Error | undefined) : undefined;
      outcome =
        reason?.message === SHUT_DOWN
          ? { state: 'FAILED', error: `failed backup job ${id}: interrupted: its process shut down`, bytes: null }
          : controller.signal.aborted
            ? { state: 'CANCELLED', error: `backup job ${id} was cancelled`, bytes: null }
            : { state: 'FAILED', error: `failed backup job ${id}: ${errorText(error)}`, bytes: null };
    } finally {
      heartbeat.stop();
      await beating;
      await reader
        ?.close()
        .catch((error: unknown) => log.warn({ cause: errorText(error) }, 'closing the meta store reader failed'));
    }
    const end = { state: outcome.state, error: outcome.error, snapshot_bytes: outcome.bytes, ...counters() };
    await records.recordEnd(id, end, log);
    const fields = { rows: Number(end.rows_written), bytes: Number(end.bytes_written), snapshotBytes: outcome.bytes };
    if (outcome.state === 'SUCCEEDED') log.info(fields, 'backup job succeeded');
    else if (outcome.state === 'CANCELLED') log.info(fields, 'backup job cancelled');
    else {
      log.error({ ...fields, error: outcome.error }, 'backup job failed');
      this.options.alert({
        kind: 'job.failed',
        summary: `backup job ${id} failed`,
        details: { jobId: String(id), error: outcome.error ?? '', requestId },
      });
    }
    return outcome.state;
  }

  /** Aborts this process's run of the job, if it runs here. */
  cancel(id: bigint): void {
    this.localJobs.get(id)?.controller.abort(new BackupError('CANCELLED', 'cancelled'));
  }

  /**
   * For SIGTERM: the jobs this process runs stop at once and end FAILED ("its process shut
   * down"), their safe points released and partial uploads aborted; resolves when they have.
   */
  async shutdown(): Promise<bigint[]> {
    const ids = [...this.localJobs.keys()];
    for (const job of this.localJobs.values()) job.controller.abort(new BackupError('CANCELLED', SHUT_DOWN));
    await this.settled();
    return ids;
  }

  cancelAll(): void {
    for (const id of this.localJobs.keys()) this.cancel(id);
  }

  /** Resolves when every job this process runs has ended. */
  async settled(): Promise<void> {
    await Promise.all([...this.localJobs.values()].map((j) => j.done));
  }
}
