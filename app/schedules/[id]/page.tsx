import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { formatTime } from '@/components/format';
import { RunCells } from '@/components/schedule-run-result';
import { BrowserZone, EditScheduleForm, EnabledToggle, RunTimes } from '@/components/schedules-admin';
import { roleAllows } from '@/lib/auth/roles';
import { getMetaStore } from '@/lib/meta/shared-store';
import { nextRuns, ScheduleStore } from '@/lib/schedule/schedules';
import { requirePageRole } from '../../_lib/page-auth';
import { EmptyRow } from '@/components/empty-row';

export const dynamic = 'force-dynamic';
const NEXT_RUNS = 10;
const RUNS_SHOWN = 100;

type Props = { params: Promise<{ id: string }> };

const scheduleId = (raw: string) => (/^\d{1,9}$/.test(raw) && Number(raw) > 0 ? Number(raw) : null);

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Schedule ${(await params).id}` };
}

export default async function SchedulePage({ params }: Props) {
  const actor = await requirePageRole('viewer');
  const id = scheduleId((await params).id);
  if (id === null) notFound();
  const store = new ScheduleStore(getMetaStore());
  const schedule = await store.find(id);
  if (!schedule) notFound();
  const admin = roleAllows(actor.role, 'admin');
  const now = new Date();
  const upcoming = schedule.enabled ? nextRuns(schedule, now, NEXT_RUNS) : [];
  const runs = await store.runs(id, RUNS_SHOWN);
  return (
    <>
      <p className="muted small">
        <Link href="/schedules">Schedules</Link> /
      </p>
      <h1>
        Schedule <span className="mono">{schedule.name}</span>
      </h1>
      <section className="card">
        <dl className="facts" data-testid="schedule-facts">
          <dt>Runs</dt>
          <dd>
            {schedule.kind === 'drill' ? 'a restore drill of the newest snapshot' : 'a backup'}
            {schedule.kind === 'backup' && schedule.verify ? ', verified after it is written' : ''}
          </dd>
          <dt>Cron</dt>
          <dd className="mono">{schedule.cron}</dd>
          <dt>Time zone</dt>
          <dd>{schedule.timeZone}</dd>
          {schedule.kind === 'backup' && (
            <>
              <dt>Remarks</dt>
              <dd className="mono">{schedule.remarks}</dd>
            </>
          )}
          <dt>Enabled</dt>
          <dd>
            {admin ? (
              <EnabledToggle id={schedule.id} name={schedule.name} enabled={schedule.enabled} />
            ) : schedule.enabled ? (
              'on'
            ) : (
              'off'
            )}
          </dd>
          <dt>Added</dt>
          <dd>
            {formatTime(schedule.createdAt.toISOString())} by {schedule.createdBy}
          </dd>
          <dt>Next runs</dt>
          <dd>
            {upcoming.length ? (
              <>
                <span className="muted small">
                  in {schedule.timeZone}, and beside each in yours (<BrowserZone />)
                </span>
                <RunTimes times={upcoming.map((d) => d.toISOString())} zone={schedule.timeZone} />
              </>
            ) : (
              <span className="muted">none: the schedule is off</span>
            )}
          </dd>
        </dl>
      </section>
      {admin && (
        <section className="card">
          <h2>Change</h2>
          <EditScheduleForm schedule={schedule} />
        </section>
      )}
      <h2 className="section-gap">History</h2>
      <div className="table-wrap">
        <table data-testid="schedule-history">
          <caption className="visually-hidden">Runs of {schedule.name}, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Due</th>
              <th scope="col">Handled</th>
              <th scope="col">Result</th>
              <th scope="col" className="hide-narrow">
                By
              </th>
            </tr>
          </thead>
          <tbody>
            {runs.length === 0 && <EmptyRow columns={4}>No runs yet.</EmptyRow>}
            {runs.map((r) => (
              <tr key={r.id}>
                <RunCells run={r} />
                <td className="mono small hide-narrow">{r.runner}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
