import type { Metadata } from 'next';
import { OrphansCard } from '@/components/orphans-card';
import { SettingsForm } from '@/components/settings-form';
import { PAGE_MANIFEST_MAX_AGE_MS } from '@/lib/backup/backup-manager';
import { getBackupManager } from '@/lib/backup/process-manager';
import { requirePageRole } from '@/app/_lib/page-auth';

export const metadata: Metadata = { title: 'Settings' };
export const dynamic = 'force-dynamic';

export default async function SettingsPage() {
  await requirePageRole('viewer');
  const manager = getBackupManager();
  const config = await manager.getConfig();
  const snapshotCount = await manager.manifest({ maxAgeMs: PAGE_MANIFEST_MAX_AGE_MS }).then(
    (m) => m.snapshot_metadata.length,
    () => 0,
  );
  const orphans = await manager.listOrphans().then(
    (list) => ({
      rows: list.map((o) => ({ key: o.key, kind: o.kind, size: o.size, lastModified: o.lastModified.toISOString() })),
      error: undefined,
    }),
    (error: unknown) => ({ rows: [], error: error instanceof Error ? error.message : String(error) }),
  );
  return (
    <>
      <h1>Settings</h1>
      <section className="card">
        <h2>Backup storage</h2>
        <p className="muted">
          Where snapshots and their manifest are stored. Every console process picks a change up before its next
          operation.
        </p>
        <SettingsForm
          currentUrl={config.displayUrl}
          currentDirectory={config.directory}
          snapshotCount={snapshotCount}
        />
      </section>
      <OrphansCard orphans={orphans.rows} error={orphans.error} />
    </>
  );
}
