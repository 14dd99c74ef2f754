import type { Metadata } from 'next';
import Link from 'next/link';
import { formatCount } from '@/components/format';
import { isBackupError } from '@/lib/backup/errors';
import { getBackupManager } from '@/lib/backup/process-manager';
import { idSchema } from '@/lib/backup/validation';
import { requirePageRole } from '@/app/_lib/page-auth';

export const metadata: Metadata = { title: 'Compare snapshots' };
export const dynamic = 'force-dynamic';
const SHOWN = 100;

type Props = { searchParams: Promise<{ from?: string; to?: string }> };

function RelationList({
  title,
  items,
}: {
  title: string;
  items: { id: number; kind: string; name: string; fields?: string[] }[];
}) {
  return (
    <section className="card">
      <h2>
        {title} <span className="muted">({formatCount(items.length)})</span>
      </h2>
      {items.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <ul className="schema-list">
          {items.slice(0, SHOWN).map((r) => (
            <li key={r.id}>
              <span className="mono">{r.name}</span>{' '}
              <span className="muted">
                {r.kind.toLowerCase().replaceAll('_', ' ')} {r.id}
              </span>
              {r.fields && <span className="muted"> · changed: {r.fields.join(', ')}</span>}
            </li>
          ))}
          {items.length > SHOWN && <li className="muted">and {formatCount(items.length - SHOWN)} more</li>}
        </ul>
      )}
    </section>
  );
}

export default async function DiffPage({ searchParams }: Props) {
  await requirePageRole('operator');
  const params = await searchParams;
  const from = idSchema.safeParse(params.from ?? '');
  const to = idSchema.safeParse(params.to ?? '');
  if (!from.success || !to.success) {
    return (
      <div className="callout callout-error" role="alert">
        <h1>Compare snapshots</h1>
        <p>
          Choose two snapshots to compare: select two rows on the <Link href="/">snapshots page</Link>.
        </p>
      </div>
    );
  }
  let diff: Awaited<ReturnType<ReturnType<typeof getBackupManager>['diffSnapshots']>>;
  try {
    diff = await getBackupManager().diffSnapshots(from.data, to.data);
  } catch (error) {
    if (isBackupError(error, 'NOT_FOUND')) {
      return (
        <div className="callout callout-error" role="alert">
          <h1>Compare snapshots</h1>
          <p>{error.message}</p>
        </div>
      );
    }
    throw error;
  }
  return (
    <>
      <p className="breadcrumb">
        <Link href="/">Snapshots</Link> / compare
      </p>
      <h1>
        Snapshot <Link href={`/snapshots/${diff.from.id}`}>{diff.from.id.toString()}</Link> →{' '}
        <Link href={`/snapshots/${diff.to.id}`}>{diff.to.id.toString()}</Link>
      </h1>
      <section className="card">
        <dl className="facts" data-testid="diff-summary">
          <dt>Hummock version</dt>
          <dd>
            {diff.from.hummockVersionId.toString()} → {diff.to.hummockVersionId.toString()}
          </dd>
          <dt>SSTs added</dt>
          <dd>{formatCount(diff.ssts.added.length)}</dd>
          <dt>SSTs removed</dt>
          <dd>{formatCount(diff.ssts.removed.length)}</dd>
          <dt>SSTs in both</dt>
          <dd>{formatCount(diff.ssts.unchanged)}</dd>
        </dl>
      </section>
      <div className="two-columns">
        <RelationList title="Relations added" items={diff.relations.added} />
        <RelationList title="Relations removed" items={diff.relations.removed} />
      </div>
      <RelationList title="Relations changed" items={diff.relations.changed} />
    </>
  );
}
