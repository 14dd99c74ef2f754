import type { Metadata } from 'next';
import { AddAlertChannelForm, AlertChannelButtons } from '@/components/alerts-admin';
import { formatTime } from '@/components/format';
import { ALERT_EVENT_KINDS } from '@/lib/alerts/events';
import { getBackupManager } from '@/lib/backup/process-manager';
import { requirePageRole } from '../_lib/page-auth';
import { EmptyRow } from '@/components/empty-row';

export const metadata: Metadata = { title: 'Alerts' };
export const dynamic = 'force-dynamic';

const OUTCOME_CLASS = { delivered: 'result-ok', retrying: 'muted', failed: 'result-bad' } as const;

export default async function AlertsPage() {
  await requirePageRole('admin');
  const { alerts } = getBackupManager();
  const [channels, deliveries] = await Promise.all([alerts.channels.list(), alerts.deliveries({ limit: 50 })]);
  return (
    <>
      <h1>Alerts</h1>
      <section className="card">
        <h2>Add a channel</h2>
        <p className="muted">
          A failed job, verify or restore drill, a skipped or missed scheduled run, no successful backup within the
          freshness objective, backup storage unreachable for {Math.round(alerts.storageUnreachableMs / 60_000)} min,
          and snapshots deleted by retention are sent at once to each channel that subscribes to them, retried after 1
          s, 4 s and 16 s. A webhook gets JSON signed in <code>X-MBC-Signature</code>; e-mail goes through{' '}
          <code>SMTP_URL</code>.
        </p>
        <AddAlertChannelForm kinds={ALERT_EVENT_KINDS} />
      </section>
      <h2 className="section-gap">Channels</h2>
      <div className="table-wrap">
        <table data-testid="alert-channels">
          <caption className="visually-hidden">Alert channels</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Kind</th>
              <th scope="col">Target</th>
              <th scope="col">Events</th>
              <th scope="col" className="hide-narrow">
                Created
              </th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {channels.length === 0 && <EmptyRow columns={6}>No channels yet: failures are only logged.</EmptyRow>}
            {channels.map((c) => (
              <tr key={c.id}>
                <td className="mono">{c.name}</td>
                <td>
                  {c.kind}
                  {c.hasSecret && <span className="muted"> (signed)</span>}
                </td>
                <td className="mono">{c.target}</td>
                <td>{c.allEvents ? <span className="muted">all</span> : c.events.join(', ')}</td>
                <td className="hide-narrow">
                  {formatTime(c.createdAt.toISOString())} <span className="muted">by {c.createdBy}</span>
                </td>
                <td>
                  <AlertChannelButtons id={c.id} name={c.name} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2 className="section-gap">Deliveries</h2>
      <div className="table-wrap">
        <table data-testid="alert-deliveries">
          <caption className="visually-hidden">Alert deliveries, newest first</caption>
          <thead>
            <tr>
              <th scope="col">At</th>
              <th scope="col">Channel</th>
              <th scope="col">Event</th>
              <th scope="col">Attempt</th>
              <th scope="col">Outcome</th>
              <th scope="col">Status</th>
              <th scope="col">Error</th>
            </tr>
          </thead>
          <tbody>
            {deliveries.length === 0 && <EmptyRow columns={7}>Nothing sent yet.</EmptyRow>}
            {deliveries.map((d) => (
              <tr key={d.id}>
                <td className="nowrap">{formatTime(d.at.toISOString())}</td>
                <td className="mono nowrap">{d.channel}</td>
                <td className="nowrap">
                  <code>{d.event}</code>
                </td>
                <td>{d.attempt}</td>
                <td className={OUTCOME_CLASS[d.outcome]}>{d.outcome}</td>
                <td className="mono">{d.status ?? '–'}</td>
                <td className="small alert-error">{d.error}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
