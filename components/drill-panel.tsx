'use client';
// A snapshot's last restore drill, and a button to run one: the snapshot is verified, restored
// into a scratch SQLite meta store, its row counts compared, and the store removed.
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { drillSnapshotAction } from '@/app/actions';
import { formatCount, formatDuration, formatTime } from './format';
import { useCan } from './session';
import { useStorageOk } from './storage-health';

export interface DrillView {
  state: 'RUNNING' | 'PASSED' | 'FAILED';
  startedAt: string;
  startedBy: string;
  rows: string;
  durationMs: number;
  problem: string | null;
}

export function DrillPanel({ id, last }: { id: string; last: DrillView | null }) {
  const router = useRouter();
  const storageOk = useStorageOk();
  const canDrill = useCan('operator');
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const drill = () =>
    startTransition(async () => {
      setError(null);
      const result = await drillSnapshotAction({ id });
      if (!result.ok) setError(result.message);
      router.refresh();
    });
  return (
    <section className="card" aria-labelledby="drill-heading">
      <h2 id="drill-heading">Restore drill</h2>
      {last ? (
        <div data-testid="drill">
          <p>
            <span className={last.state === 'PASSED' ? 'verify-ok' : last.state === 'FAILED' ? 'verify-bad' : ''}>
              {last.state === 'PASSED'
                ? 'Restore drill passed'
                : last.state === 'FAILED'
                  ? 'Restore drill failed'
                  : 'Running'}
            </span>{' '}
            <span className="muted">
              {formatTime(last.startedAt)} by {last.startedBy} · {formatCount(last.rows)} rows restored and counted ·{' '}
              {formatDuration(last.durationMs)}
            </span>
          </p>
          {last.problem && <p className="error-text">{last.problem}</p>}
        </div>
      ) : (
        <p className="muted">
          No drill yet. A drill restores this snapshot into a scratch SQLite meta store, compares every table's row
          count with the snapshot and removes the store: proof that it can be brought back.
        </p>
      )}
      {canDrill && (
        <div className="actions">
          <button type="button" onClick={drill} disabled={pending || !storageOk}>
            {pending ? 'Restoring into a scratch store…' : 'Run a restore drill'}
          </button>
        </div>
      )}
      {error && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
    </section>
  );
}
