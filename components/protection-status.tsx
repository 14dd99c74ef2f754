// The two questions an operator asks first: how old is the newest good backup against the
// freshness objective, and did the last restore drill pass.
import Link from 'next/link';
import { formatDuration, formatTime } from './format';

export interface ProtectionStatusView {
  /** When the newest successful backup finished; null when none of the recent jobs did. */
  lastSuccessAt: string | null;
  objectiveSeconds: number;
  overdue: boolean;
  now: string;
  lastDrill: {
    snapshotId: string;
    state: 'RUNNING' | 'PASSED' | 'FAILED';
    startedAt: string;
    problem: string | null;
  } | null;
}

export function ProtectionStatus({ status }: { status: ProtectionStatusView }) {
  const age = status.lastSuccessAt ? Date.parse(status.now) - Date.parse(status.lastSuccessAt) : null;
  const objective = formatDuration(status.objectiveSeconds * 1000);
  const drill = status.lastDrill;
  return (
    <section className="card protection-status" aria-label="Protection status">
      <p data-testid="freshness" className={status.overdue ? 'error-text' : undefined}>
        <strong>Last good backup:</strong>{' '}
        {age === null
          ? 'none among the recent jobs'
          : `${formatDuration(age)} ago (${formatTime(status.lastSuccessAt)})`}
        {' · '}
        <span className={status.overdue ? undefined : 'muted'}>
          {status.overdue ? `overdue: the objective is one every ${objective}` : `objective: one every ${objective}`}
        </span>
      </p>
      <p data-testid="last-drill">
        <strong>Last restore drill:</strong>{' '}
        {drill ? (
          <>
            <span className={drill.state === 'PASSED' ? 'verify-ok' : drill.state === 'FAILED' ? 'verify-bad' : ''}>
              {drill.state === 'PASSED' ? 'passed' : drill.state === 'FAILED' ? 'failed' : 'running'}
            </span>{' '}
            on <Link href={`/snapshots/${drill.snapshotId}`}>snapshot {drill.snapshotId}</Link>,{' '}
            <span className="muted">{formatTime(drill.startedAt)}</span>
            {drill.problem && <span className="error-text"> · {drill.problem}</span>}
          </>
        ) : (
          <span className="muted">none yet: run one from a snapshot's page to prove it restores</span>
        )}
      </p>
    </section>
  );
}
