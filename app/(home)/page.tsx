import type { Metadata } from 'next';
import { BackupPanel } from '@/components/backup-panel';
import { HistoryChart } from '@/components/history-chart';
import type { KeepView } from '@/components/keep-toggle';
import type { KeepPin } from '@/lib/backup/retention-service';
import { ProtectionStatus } from '@/components/protection-status';
import { freshnessObjectiveSeconds, freshnessOf } from '@/lib/backup/metrics';
import { SnapshotsTable, type SnapshotRow } from '@/components/snapshots-table';
import { PAGE_MANIFEST_MAX_AGE_MS } from '@/lib/backup/backup-manager';
import { getBackupManager } from '@/lib/backup/process-manager';
import { requirePageRole } from '@/app/_lib/page-auth';

export const metadata: Metadata = { title: 'Snapshots' };
export const dynamic = 'force-dynamic';

function keepView(pin: KeepPin | undefined): KeepView | null {
  return pin ? { reason: pin.reason, keptBy: pin.keptBy, keptAt: pin.keptAt.toISOString() } : null;
}

export default async function SnapshotsPage() {
  await requirePageRole('viewer');
  const manager = getBackupManager();
  const [manifestResult, jobs, keeps] = await Promise.all([
    manager.manifest({ maxAgeMs: PAGE_MANIFEST_MAX_AGE_MS }).then(
      (m) => ({ ok: true as const, m }),
      (e: Error) => ({ ok: false as const, message: e.message }),
    ),
    manager.listJobs({ limit: 50 }),
    manager.keepPins().catch(() => new Map<bigint, never>()),
  ]);
  const [lastDrill] = await manager.listDrills({ limit: 1 }).catch(() => []);
  const lastSuccess = jobs.find((j) => j.status === 'SUCCEEDED')?.finishedAt ?? null;
  const now = manager.clock.now();
  const freshness = freshnessOf(lastSuccess, now, freshnessObjectiveSeconds());
  const running = jobs.find((j) => j.status === 'RUNNING');
  const history = jobs
    .filter((j) => j.status === 'SUCCEEDED' && j.snapshotBytes !== null)
    .slice(0, 30)
    .reverse()
    .map((j) => ({
      id: j.id.toString(),
      startedAt: j.startedAt.toISOString(),
      sizeBytes: Number(j.snapshotBytes),
      durationMs: j.durationMs,
    }));
  const rows: SnapshotRow[] = manifestResult.ok
    ? manifestResult.m.snapshot_metadata.map((s) => ({
        id: s.id.toString(),
        createdAt: s.created_at ?? null,
        hummockVersionId: s.hummock_version_id.toString(),
        sstCount: s.sst_count,
        sizeBytes: s.size_bytes?.toString() ?? null,
        remarks: s.remarks,
        productVersion: s.rw_version,
        keep: keepView(keeps.get(s.id)),
      }))
    : [];
  return (
    <>
      <h1>Snapshots</h1>
      <BackupPanel runningJobId={running ? running.id.toString() : null} />
      <ProtectionStatus
        status={{
          lastSuccessAt: lastSuccess?.toISOString() ?? null,
          objectiveSeconds: freshness.objectiveSeconds,
          overdue: freshness.overdue,
          now: now.toISOString(),
          lastDrill: lastDrill
            ? {
                snapshotId: lastDrill.snapshotId.toString(),
                state: lastDrill.state,
                startedAt: lastDrill.startedAt.toISOString(),
                problem: lastDrill.problem,
              }
            : null,
        }}
      />
      {manifestResult.ok ? (
        <SnapshotsTable rows={rows} />
      ) : (
        <div className="callout callout-error" role="alert">
          <h2>Cannot read the manifest</h2>
          <p>{manifestResult.message}</p>
        </div>
      )}
      <HistoryChart points={history} />
    </>
  );
}
