import type { Metadata } from 'next';
import Link from 'next/link';
import {
  BrowserZone,
  CreateScheduleForm,
  DeleteScheduleButton,
  EnabledToggle,
  RunTimes,
} from '@/components/schedules-admin';
import { roleAllows } from '@/lib/auth/roles';
import { getMetaStore } from '@/lib/meta/shared-store';
import { DEFAULT_REMARKS_TEMPLATE } from '@/lib/schedule/remarks';
import { ScheduleStore } from '@/lib/schedule/schedules';
import { RunCells, RunResult } from '@/components/schedule-run-result';
import { requirePageRole } from '../_lib/page-auth';
import { EmptyRow } from '@/components/empty-row';

export const metadata: Metadata = { title: 'Schedules' };
export const dynamic = 'force-dynamic';

export default async function SchedulesPage() {
  const actor = await requirePageRole('viewer');
  const admin = roleAllows(actor.role, 'admin');
  const store = new ScheduleStore(getMetaStore());
  const now = new Date();
  const [schedules, runs] = await Promise.all([store.list(now), store.recentRuns(30)]);
  return (
    <>
      <h1>Schedules</h1>
      <p className="muted">
        Backups, and restore drills of the newest snapshot, that start on a cron schedule. One console (or{' '}
        <code>ctl scheduler</code>) fires each run; a run that finds a backup (or its previous drill) running is
        skipped, and runs missed while no scheduler ran are caught up once. Times are shown in the schedule's zone, and
        below in yours (<BrowserZone />
        ).
      </p>
      <div className="table-wrap">
        <table data-testid="schedules-table">
          <caption className="visually-hidden">Schedules</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Cron</th>
              <th scope="col">Zone</th>
              <th scope="col">Next runs</th>
              <th scope="col">Last result</th>
              <th scope="col">Enabled</th>
              {admin && <th scope="col" />}
            </tr>
          </thead>
          <tbody>
            {schedules.length === 0 && <EmptyRow columns={admin ? 7 : 6}>No schedules yet.</EmptyRow>}
            {schedules.map((s) => (
              <tr key={s.id}>
                <td>
                  <Link href={`/schedules/${s.id}`} className="mono">
                    {s.name}
                  </Link>
                  <div className="muted small">
                    {s.kind === 'drill' ? (
                      'restore drill of the newest snapshot'
                    ) : (
                      <>
                        {s.verify ? 'backup, verified · ' : 'backup · '}
                        <span className="mono">{s.remarks}</span>
                      </>
                    )}
                  </div>
                </td>
                <td className="mono schedule-cron">{s.cron}</td>
                <td>{s.timeZone}</td>
                <td>
                  <RunTimes times={s.nextRuns.slice(0, 3).map((d) => d.toISOString())} zone={s.timeZone} />
                </td>
                <td>
                  <RunResult run={s.lastRun} />
                </td>
                <td>
                  {admin ? <EnabledToggle id={s.id} name={s.name} enabled={s.enabled} /> : s.enabled ? 'on' : 'off'}
                </td>
                {admin && (
                  <td>
                    <DeleteScheduleButton id={s.id} name={s.name} />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {admin && (
        <section className="card">
          <h2>Add a schedule</h2>
          <CreateScheduleForm defaultRemarks={DEFAULT_REMARKS_TEMPLATE} />
        </section>
      )}
      <h2>Run history</h2>
      <div className="table-wrap">
        <table data-testid="schedule-runs-table">
          <caption className="visually-hidden">Run history</caption>
          <thead>
            <tr>
              <th scope="col">Schedule</th>
              <th scope="col">Due</th>
              <th scope="col">Handled</th>
              <th scope="col">Result</th>
            </tr>
          </thead>
          <tbody>
            {runs.length === 0 && <EmptyRow columns={4}>No runs yet.</EmptyRow>}
            {runs.map((r) => (
              <tr key={r.id}>
                <td className="mono">{r.scheduleName}</td>
                <RunCells run={r} />
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
