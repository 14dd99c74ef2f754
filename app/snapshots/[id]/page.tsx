import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { DeleteSnapshotsButton } from '@/components/delete-dialog';
import { formatBytes, formatCount, formatTime } from '@/components/format';
import { KeepToggle } from '@/components/keep-toggle';
import { SnapshotSsts } from '@/components/snapshot-ssts';
import { VerifyPanel } from '@/components/verify-panel';
import { DrillPanel } from '@/components/drill-panel';
import { PAGE_MANIFEST_MAX_AGE_MS } from '@/lib/backup/backup-manager';
import { isBackupError } from '@/lib/backup/errors';
import { getBackupManager } from '@/lib/backup/process-manager';
import { idSchema } from '@/lib/backup/validation';
import { requirePageRole } from '@/app/_lib/page-auth';

export const dynamic = 'force-dynamic';
const RELATIONS_SHOWN = 50;

type Props = { params: Promise<{ id: string }>; searchParams: Promise<{ q?: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Snapshot ${(await params).id}` };
}

export default async function SnapshotPage({ params, searchParams }: Props) {
  const actor = await requirePageRole('viewer');
  const parsed = idSchema.safeParse((await params).id);
  if (!parsed.success) notFound();
  const id = parsed.data;
  const q = ((await searchParams).q ?? '').trim().toLowerCase();
  const manager = getBackupManager();
  let snapshot: Awaited<ReturnType<typeof manager.getSnapshot>>;
  try {
    snapshot = await manager.getSnapshot(id, { maxAgeMs: PAGE_MANIFEST_MAX_AGE_MS });
  } catch (error) {
    if (isBackupError(error, 'NOT_FOUND')) notFound();
    throw error;
  }
  const [catalog, verification, keep, [drill]] = await Promise.all([
    manager.snapshotCatalog(id, { maxAgeMs: PAGE_MANIFEST_MAX_AGE_MS }),
    manager.lastVerification(id),
    manager.keepPin(id),
    manager.listDrills({ snapshotId: id, limit: 1 }),
  ]);
  const schemaName = new Map(catalog.schemas.map((s) => [s.id, s.name]));
  const relationsPerSchema = new Map<number | null, number>();
  for (const r of catalog.relations) relationsPerSchema.set(r.schemaId, (relationsPerSchema.get(r.schemaId) ?? 0) + 1);
  const matching = q
    ? catalog.relations.filter((r) => r.name.toLowerCase().includes(q) || r.kind.toLowerCase().includes(q))
    : catalog.relations;
  const kinds = new Map<string, number>();
  for (const r of catalog.relations) kinds.set(r.kind, (kinds.get(r.kind) ?? 0) + 1);

  return (
    <>
      <p className="breadcrumb">
        <Link href="/">Snapshots</Link> / {id.toString()}
      </p>
      <div className="title-row">
        <h1>Snapshot {id.toString()}</h1>
        <div className="actions">
          {actor.role === 'admin' && (
            <a className="button" href={`/api/snapshots/${id}/download`} download>
              Download snapshot file
            </a>
          )}
          <DeleteSnapshotsButton ids={[id.toString()]} label="Delete snapshot…" redirectTo="/" />
        </div>
      </div>
      <section className="card">
        <h2>Metadata</h2>
        <dl className="facts">
          <dt>Created</dt>
          <dd>{formatTime(snapshot.created_at)}</dd>
          <dt>Hummock version</dt>
          <dd>{snapshot.hummock_version_id.toString()}</dd>
          <dt>Size</dt>
          <dd>{formatBytes(snapshot.size_bytes ?? null)}</dd>
          <dt>Pinned SSTs</dt>
          <dd>{formatCount(snapshot.sst_count)}</dd>
          <dt>State tables</dt>
          <dd>{formatCount(snapshot.state_table_count)}</dd>
          <dt>Format version</dt>
          <dd>{snapshot.format_version}</dd>
          <dt>Product version</dt>
          <dd>{snapshot.rw_version ?? '–'}</dd>
          <dt>Remarks</dt>
          <dd>{snapshot.remarks ?? '–'}</dd>
        </dl>
      </section>
      <section className="card" aria-labelledby="keep-heading">
        <h2 id="keep-heading">Keep</h2>
        <KeepToggle
          id={id.toString()}
          keep={keep && { reason: keep.reason, keptBy: keep.keptBy, keptAt: keep.keptAt.toISOString() }}
        />
      </section>
      <VerifyPanel
        id={id.toString()}
        last={verification && { ...verification, verifiedAt: verification.verifiedAt.toISOString() }}
      />
      <DrillPanel
        id={id.toString()}
        last={
          drill
            ? {
                state: drill.state,
                startedAt: drill.startedAt.toISOString(),
                startedBy: drill.startedBy,
                rows: drill.rows.toString(),
                durationMs: drill.durationMs,
                problem: drill.problem,
              }
            : null
        }
      />
      <div className="two-columns">
        <section className="card">
          <h2>Rows per table</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Table</th>
                <th scope="col" className="num">
                  Rows
                </th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(snapshot.section_counts ?? {}).map(([table, count]) => (
                <tr key={table}>
                  <td className="mono">{table}</td>
                  <td className="num">{formatCount(count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section className="card">
          <h2>Catalog</h2>
          <p>
            {catalog.databases.map((d) => d.name).join(', ') || 'No database'}: {formatCount(catalog.schemas.length)}{' '}
            schemas, {formatCount(catalog.relations.length)} relations
            {kinds.size > 0 &&
              ` (${[...kinds].map(([k, n]) => `${formatCount(n)} ${k.toLowerCase().replaceAll('_', ' ')}`).join(', ')})`}
            .
          </p>
          <ul className="schema-list">
            {catalog.schemas.map((s) => (
              <li key={s.id}>
                <span className="mono">{s.name}</span>{' '}
                <span className="muted">{formatCount(relationsPerSchema.get(s.id) ?? 0)} relations</span>
              </li>
            ))}
          </ul>
        </section>
      </div>
      <section className="card">
        <h2>Relations</h2>
        <search>
          <form className="inline-form">
            <label htmlFor="relation-search">Filter by name or kind</label>
            <input id="relation-search" name="q" defaultValue={q} placeholder="e.g. orders or sink" />
            <button type="submit">Filter</button>
          </form>
        </search>
        <p className="muted">
          {matching.length > RELATIONS_SHOWN
            ? `Showing ${RELATIONS_SHOWN} of ${formatCount(matching.length)} matching relations.`
            : `${formatCount(matching.length)} matching relations.`}
        </p>
        <div className="table-wrap">
          <table aria-label="Relations in this snapshot">
            <thead>
              <tr>
                <th scope="col" className="num">
                  Id
                </th>
                <th scope="col">Name</th>
                <th scope="col">Kind</th>
                <th scope="col">Schema</th>
                <th scope="col">Definition</th>
              </tr>
            </thead>
            <tbody>
              {matching.slice(0, RELATIONS_SHOWN).map((r) => (
                <tr key={r.id}>
                  <td className="num">{r.id}</td>
                  <td className="mono">{r.name}</td>
                  <td>{r.kind.toLowerCase().replaceAll('_', ' ')}</td>
                  <td className="mono">{r.schemaId === null ? '–' : schemaName.get(r.schemaId)}</td>
                  <td className="definition">{r.definition}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section className="card">
        <h2>Pinned SSTs</h2>
        <p className="muted">Garbage collection keeps these SST objects while this snapshot exists.</p>
        <SnapshotSsts id={id.toString()} />
      </section>
    </>
  );
}
