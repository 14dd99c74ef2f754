import type { Metadata } from 'next';
import { RetentionForm } from '@/components/retention-form';
import { getBackupManager } from '@/lib/backup/process-manager';
import { toJsonValue } from '@/lib/backup/json-view';
import { requirePageRole } from '@/app/_lib/page-auth';

export const metadata: Metadata = { title: 'Retention' };
export const dynamic = 'force-dynamic';

export default async function RetentionPage() {
  await requirePageRole('viewer');
  const manager = getBackupManager();
  const [config, stored] = await Promise.all([manager.getConfig(), manager.retentionRule()]);
  const plan = await manager.previewRetention().then(
    (p) => ({ ok: true as const, plan: toJsonValue(p) }),
    (e: Error) => ({ ok: false as const, message: e.message }),
  );
  return (
    <>
      <h1>Retention</h1>
      <p className="muted">
        Which snapshots of <span className="mono">{config.displayUrl}</span>{' '}
        <span className="mono">{config.directory}</span> are kept. A snapshot is kept if any part of the rule keeps it;
        the newest snapshot, snapshots marked keep and snapshots being read are never deleted. Days, weeks (from Monday)
        and months are UTC. The rule is applied after each successful backup.
      </p>
      <RetentionForm
        stored={stored && { ...stored.rule, updatedBy: stored.updatedBy, updatedAt: stored.updatedAt.toISOString() }}
        initialPlan={plan.ok ? plan.plan : null}
        planError={plan.ok ? null : plan.message}
      />
    </>
  );
}
