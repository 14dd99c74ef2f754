import type { Metadata } from 'next';
import Link from 'next/link';
import { formatTime } from '@/components/format';
import { auditQuerySchema, toAuditQuery } from '@/lib/auth/audit-query';
import { listAuditEvents } from '@/lib/meta/audit-log';
import { getMetaStore } from '@/lib/meta/shared-store';
import { requirePageRole } from '../_lib/page-auth';
import { EmptyRow } from '@/components/empty-row';

export const metadata: Metadata = { title: 'Audit' };
export const dynamic = 'force-dynamic';

export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requirePageRole('admin');
  const raw = Object.fromEntries(
    Object.entries(await searchParams).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''),
  );
  const parsed = auditQuerySchema.safeParse(raw);
  const filters = parsed.success ? parsed.data : auditQuerySchema.parse({});
  const rows = await listAuditEvents(getMetaStore().prisma, toAuditQuery(filters));
  const keep = new URLSearchParams(
    Object.entries({ actor: filters.actor, action: filters.action, from: filters.from, to: filters.to }).filter(
      (e): e is [string, string] => !!e[1],
    ),
  );
  const older =
    rows.length === filters.limit
      ? `?${new URLSearchParams({ ...Object.fromEntries(keep), before: String(rows.at(-1)!.id) })}`
      : null;
  return (
    <>
      <h1>Audit</h1>
      <p className="muted">
        Every change, sign-in and refused call, from the console, the API and the CLI. Nothing here can be edited or
        deleted.
      </p>
      <form className="filters" method="get" aria-label="Filter the audit log">
        <label>
          Actor
          <input name="actor" defaultValue={filters.actor ?? ''} placeholder="admin, token:gc, cli:root" />
        </label>
        <label>
          Action
          <input name="action" defaultValue={filters.action ?? ''} placeholder="snapshot.delete" />
        </label>
        <label>
          From (UTC)
          <input name="from" type="date" defaultValue={filters.from ?? ''} />
        </label>
        <label>
          To (UTC)
          <input name="to" type="date" defaultValue={filters.to ?? ''} />
        </label>
        <button type="submit">Filter</button>
        <Link href="/audit">Clear</Link>
        <a className="button" href={`/api/audit/csv?${keep}`} download>
          Export CSV
        </a>
      </form>
      {!parsed.success && (
        <p role="alert" className="error-text">
          {parsed.error.issues[0]!.path.join('.')}: {parsed.error.issues[0]!.message}
        </p>
      )}
      <div className="table-wrap">
        <table data-testid="audit-table">
          <caption className="visually-hidden">Audit log</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">From</th>
              <th scope="col">Action</th>
              <th scope="col">Target</th>
              <th scope="col">Result</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 && <EmptyRow columns={6}>Nothing matches.</EmptyRow>}
            {rows.map((r) => (
              <tr key={r.id}>
                <td className="nowrap">{formatTime(r.at.toISOString())}</td>
                <td>{r.actor}</td>
                <td title={r.userAgent ?? undefined}>{r.address ?? <span className="muted">local</span>}</td>
                <td className="mono">{r.action}</td>
                <td className="mono">{r.target}</td>
                <td title={r.requestId ? `request ${r.requestId}` : undefined}>
                  <span className={r.result === 'ok' ? 'result-ok' : 'result-bad'}>{r.result}</span>
                  {r.message && <span className="muted"> · {r.message}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {older && (
        <p>
          <Link href={older}>Older entries</Link>
        </p>
      )}
    </>
  );
}
