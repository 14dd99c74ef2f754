// Prometheus metrics, computed from the meta store and the manifest at scrape time, so every
// console process reports the same figures and they survive restarts.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { BackupManager } from './backup-manager.ts';
import type { MetaClient } from '../meta/client.ts';

/** Upstream's buckets: exponential(1.0, 1.5, 20) seconds. */
export const LATENCY_BUCKETS = Array.from({ length: 20 }, (_, i) => 1.5 ** i);

export async function renderMetrics(
  manager: BackupManager,
  prisma: MetaClient,
): Promise<{ contentType: string; body: string }> {
  const registry = new Registry();
  const jobCount = new Counter({ name: 'backup_job_count', help: 'Backup jobs started', registers: [registry] });
  const latency = new Histogram({
    name: 'backup_job_latency_seconds',
    help: 'Duration of finished backup jobs',
    labelNames: ['state'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const snapshots = new Gauge({
    name: 'backup_snapshot_count',
    help: 'Snapshots in the manifest',
    registers: [registry],
  });
  const pinned = new Gauge({
    name: 'backup_pinned_sst_count',
    help: 'SST objects pinned by snapshots',
    registers: [registry],
  });
  const lastSuccess = new Gauge({
    name: 'backup_last_success_timestamp_seconds',
    help: 'When the last successful backup job finished',
    registers: [registry],
  });
  const running = new Gauge({ name: 'backup_job_running', help: '1 while a backup job runs', registers: [registry] });

  const [count, finished, last, runningCount] = await Promise.all([
    prisma.backupJob.count(),
    prisma.backupJob.findMany({
      where: { state: { in: ['SUCCEEDED', 'FAILED'] }, finished_at: { not: null } },
      select: { state: true, started_at: true, finished_at: true },
    }),
    prisma.backupJob.findFirst({
      where: { state: 'SUCCEEDED' },
      orderBy: { finished_at: 'desc' },
      select: { finished_at: true },
    }),
    prisma.backupJob.count({ where: { state: 'RUNNING' } }),
  ]);
  jobCount.inc(count);
  for (const job of finished) {
    latency.observe(
      { state: job.state === 'SUCCEEDED' ? 'success' : 'failure' },
      (job.finished_at!.getTime() - job.started_at.getTime()) / 1000,
    );
  }
  if (last?.finished_at) lastSuccess.set(last.finished_at.getTime() / 1000);
  running.set(runningCount);
  try {
    const manifest = await manager.manifest();
    snapshots.set(manifest.snapshot_metadata.length);
    pinned.set((await manager.listPinnedSsts({ limit: 1 })).total);
  } catch {
    // Storage unreachable: the gauges are left out rather than reported as zero.
    registry.removeSingleMetric('backup_snapshot_count');
    registry.removeSingleMetric('backup_pinned_sst_count');
  }
  return { contentType: registry.contentType, body: await registry.metrics() };
}
