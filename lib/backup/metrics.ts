// Prometheus metrics, computed from the meta store and the manifest at scrape time, so every
// console process reports the same figures and they survive restarts. Names follow Prometheus'
// conventions (`promtool check metrics` passes; test/metrics-promtool.test.ts) and README's
// "Metrics" table lists each one with the RisingWave metric it mirrors, if any.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { processLogger } from '../log.ts';
import type { MetaClient } from '../meta/client.ts';
import type { BackupManager } from './backup-manager.ts';
import { checkStorageHealth } from './storage-health.ts';

/** Upstream's buckets: exponential(1.0, 1.5, 20) seconds. */
export const LATENCY_BUCKETS = Array.from({ length: 20 }, (_, i) => 1.5 ** i);

export const DEFAULT_FRESHNESS_OBJECTIVE_HOURS = 24;

let warnedObjective = false;

/**
 * BACKUP_FRESHNESS_OBJECTIVE_HOURS: how old the newest successful backup may get before it is
 * overdue (default 24). A value that is not a positive number is ignored, with a warning.
 */
export function freshnessObjectiveSeconds(env: Record<string, string | undefined> = process.env): number {
  const raw = env.BACKUP_FRESHNESS_OBJECTIVE_HOURS;
  if (raw === undefined || raw.trim() === '') return DEFAULT_FRESHNESS_OBJECTIVE_HOURS * 3600;
  const hours = Number(raw);
  if (Number.isFinite(hours) && hours > 0) return Math.round(hours * 3600);
  if (!warnedObjective) {
    warnedObjective = true;
    processLogger().warn(
      { value: raw },
      `BACKUP_FRESHNESS_OBJECTIVE_HOURS is not a positive number of hours; using ${DEFAULT_FRESHNESS_OBJECTIVE_HOURS}`,
    );
  }
  return DEFAULT_FRESHNESS_OBJECTIVE_HOURS * 3600;
}

export interface Freshness {
  /** When the newest SUCCEEDED job finished; null when none has. */
  lastSuccess: Date | null;
  objectiveSeconds: number;
  /** No successful backup finished within the objective (also when there was never one). */
  overdue: boolean;
}

export function freshnessOf(lastSuccess: Date | null, now: Date, objectiveSeconds: number): Freshness {
  const overdue = lastSuccess === null || now.getTime() - lastSuccess.getTime() > objectiveSeconds * 1000;
  return { lastSuccess, objectiveSeconds, overdue };
}

export async function renderMetrics(
  manager: BackupManager,
  prisma: MetaClient,
  options: { objectiveSeconds?: number } = {},
): Promise<{ contentType: string; body: string }> {
  const registry = new Registry();
  const registers = [registry];
  // RisingWave's `backup_job_count`, with the `_total` suffix Prometheus asks of a counter.
  const jobCount = new Counter({ name: 'backup_job_count_total', help: 'Backup jobs started', registers });
  // RisingWave's `backup_job_latency`, with its unit in the name.
  const latency = new Histogram({
    name: 'backup_job_latency_seconds',
    help: 'Duration of finished backup jobs, by outcome (success or failure)',
    labelNames: ['state'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const running = new Gauge({ name: 'backup_job_running', help: '1 while a backup job runs', registers });
  const lastSuccess = new Gauge({
    name: 'backup_last_success_timestamp_seconds',
    help: 'When the newest successful backup job finished (absent when none has)',
    registers,
  });
  const lastFailure = new Gauge({
    name: 'backup_last_failure_timestamp_seconds',
    help: 'When the newest failed backup job finished (absent when none has)',
    registers,
  });
  const objective = new Gauge({
    name: 'backup_freshness_objective_seconds',
    help: 'How old the newest successful backup may get (BACKUP_FRESHNESS_OBJECTIVE_HOURS)',
    registers,
  });
  const overdue = new Gauge({
    name: 'backup_overdue',
    help: '1 when no backup succeeded within the freshness objective, else 0',
    registers,
  });
  const storageUp = new Gauge({
    name: 'backup_storage_up',
    help: '1 when the backup storage answered (its manifest read within 5 s), else 0',
    registers,
  });
  const snapshots = new Gauge({ name: 'backup_snapshots', help: 'Snapshots in the manifest', registers });
  const snapshotBytes = new Gauge({
    name: 'backup_snapshot_size_bytes',
    help: 'Total size of the snapshot objects in the manifest',
    registers,
  });
  const pinned = new Gauge({ name: 'backup_pinned_ssts', help: 'SST objects pinned by snapshots', registers });

  const [count, finished, success, failure, runningCount, health] = await Promise.all([
    prisma.backupJob.count(),
    prisma.backupJob.findMany({
      where: { state: { in: ['SUCCEEDED', 'FAILED'] }, finished_at: { not: null } },
      select: { state: true, started_at: true, finished_at: true },
    }),
    prisma.backupJob.findFirst({
      where: { state: 'SUCCEEDED', finished_at: { not: null } },
      orderBy: { finished_at: 'desc' },
      select: { finished_at: true },
    }),
    prisma.backupJob.findFirst({
      where: { state: 'FAILED', finished_at: { not: null } },
      orderBy: { finished_at: 'desc' },
      select: { finished_at: true },
    }),
    prisma.backupJob.count({ where: { state: 'RUNNING' } }),
    checkStorageHealth(manager),
  ]);
  jobCount.inc(count);
  for (const job of finished) {
    latency.observe(
      { state: job.state === 'SUCCEEDED' ? 'success' : 'failure' },
      (job.finished_at!.getTime() - job.started_at.getTime()) / 1000,
    );
  }
  running.set(runningCount);
  const fresh = freshnessOf(
    success?.finished_at ?? null,
    manager.clock.now(),
    options.objectiveSeconds ?? freshnessObjectiveSeconds(),
  );
  if (fresh.lastSuccess) lastSuccess.set(fresh.lastSuccess.getTime() / 1000);
  else registry.removeSingleMetric('backup_last_success_timestamp_seconds');
  if (failure?.finished_at) lastFailure.set(failure.finished_at.getTime() / 1000);
  else registry.removeSingleMetric('backup_last_failure_timestamp_seconds');
  objective.set(fresh.objectiveSeconds);
  overdue.set(fresh.overdue ? 1 : 0);

  let up = health.ok;
  if (up) {
    try {
      const manifest = await manager.manifest({ maxAgeMs: 1_000 });
      snapshots.set(manifest.snapshot_metadata.length);
      snapshotBytes.set(manifest.snapshot_metadata.reduce((sum, s) => sum + Number(s.size_bytes ?? 0n), 0));
      pinned.set((await manager.listPinnedSsts({ limit: 1, maxAgeMs: 1_000 })).total);
    } catch {
      up = false;
    }
  }
  storageUp.set(up ? 1 : 0);
  if (!up) {
    // Storage unreachable: its gauges are left out rather than reported as zero.
    for (const name of ['backup_snapshots', 'backup_snapshot_size_bytes', 'backup_pinned_ssts'])
      registry.removeSingleMetric(name);
  }
  return { contentType: registry.contentType, body: await registry.metrics() };
}
