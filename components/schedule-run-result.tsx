// How a scheduled run went, in a badge and a few words: the schedules list, its history, and a
// schedule's own page.
import type { ScheduleRun } from '@/lib/schedule/schedules';
import { formatTime } from './format';

export function RunResult({ run }: { run: ScheduleRun | null }) {
  if (!run) return <span className="muted">never ran</span>;
  switch (run.outcome) {
    case 'STARTED':
      return (
        <span>
          <span className="badge badge-ok">started</span> job{' '}
          <a href={`/snapshots/${run.jobId}`} className="mono">
            {String(run.jobId)}
          </a>
          {run.catchUp && <span className="muted small"> (catch-up)</span>}
        </span>
      );
    case 'PASSED':
      return (
        <span>
          <span className="badge badge-ok">passed</span> <span className="small">restore drill {run.drillId}</span>
          {run.catchUp && <span className="muted small"> (catch-up)</span>}
        </span>
      );
    case 'SKIPPED':
      return (
        <span title={run.message ?? ''}>
          <span className="badge badge-running">skipped</span>{' '}
          <span className="small">
            {run.drillId === null && run.message?.includes('drill') ? run.message : 'a job was running'}
          </span>
        </span>
      );
    case 'FAILED':
      return (
        <span>
          <span className="badge badge-bad">failed</span>{' '}
          <span className="small">
            {run.drillId !== null && `restore drill ${run.drillId}: `}
            {run.message}
          </span>
        </span>
      );
    case 'MISSED':
      return (
        <span title={run.message ?? ''}>
          <span className="badge badge-bad">missed</span>{' '}
          <span className="small">
            {run.missedCount} run{run.missedCount === 1 ? '' : 's'} while no scheduler ran
          </span>
        </span>
      );
    default:
      return <span className="badge badge-running">{run.drillId === null ? 'starting' : 'drilling'}</span>;
  }
}

/** A run's due time (to the last one, for missed runs), when it was handled, and how it went: three cells. */
export function RunCells({ run }: { run: ScheduleRun }) {
  return (
    <>
      <td>
        {formatTime(run.dueAt.toISOString())}
        {run.missedUntil && <div className="muted small">to {formatTime(run.missedUntil.toISOString())}</div>}
      </td>
      <td>{formatTime(run.firedAt.toISOString())}</td>
      <td>
        <RunResult run={run} />
      </td>
    </>
  );
}
