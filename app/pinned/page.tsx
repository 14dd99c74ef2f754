import type { Metadata } from 'next';
import { formatCount } from '@/components/format';
import { PinnedSsts } from '@/components/snapshot-ssts';
import { PAGE_MANIFEST_MAX_AGE_MS } from '@/lib/backup/backup-manager';
import { getBackupManager } from '@/lib/backup/process-manager';
import { requirePageRole } from '@/app/_lib/page-auth';

export const metadata: Metadata = { title: 'Pinned SSTs' };
export const dynamic = 'force-dynamic';

export default async function PinnedPage() {
  await requirePageRole('viewer');
  const manager = getBackupManager();
  const [manifest, pinned] = await Promise.all([
    manager.manifest({ maxAgeMs: PAGE_MANIFEST_MAX_AGE_MS }),
    manager.listPinnedSsts({ limit: 1, maxAgeMs: PAGE_MANIFEST_MAX_AGE_MS }),
  ]);
  return (
    <>
      <div className="title-row">
        <h1>Pinned SSTs</h1>
        <a className="button" href="/api/pinned-ssts/csv" download>
          Export CSV
        </a>
      </div>
      <p>
        <strong data-testid="pinned-total">{formatCount(pinned.total)}</strong> SST objects are pinned by{' '}
        {formatCount(manifest.snapshot_metadata.length)} snapshots: garbage collection keeps them until every snapshot
        that pins them is deleted.
      </p>
      <section className="card">
        <PinnedSsts />
      </section>
    </>
  );
}
