'use client';
// A snapshot's keep mark: who set it, when and why, for everyone; admins set and remove it.
import { useRouter } from 'next/navigation';
import { useId, useState, useTransition } from 'react';
import { keepSnapshotAction, unkeepSnapshotAction } from '@/app/actions';
import { formatTime } from './format';
import { useCan } from './session';

export interface KeepView {
  reason: string | null;
  keptBy: string;
  keptAt: string;
}

export function KeepToggle({ id, keep, compact = false }: { id: string; keep: KeepView | null; compact?: boolean }) {
  const router = useRouter();
  const canChange = useCan('admin');
  const reasonId = useId();
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const run = (work: () => Promise<{ ok: true } | { ok: false; message: string }>) =>
    startTransition(async () => {
      setError(null);
      const result = await work();
      if (!result.ok) setError(result.message);
      else {
        setAsking(false);
        setReason('');
      }
      router.refresh();
    });
  const who = keep && `Kept by ${keep.keptBy}, ${formatTime(keep.keptAt)}${keep.reason ? `: ${keep.reason}` : ''}`;
  return (
    <div className={compact ? 'keep keep-compact' : 'keep'} data-testid={`keep-${id}`}>
      {keep ? (
        <span className="badge badge-keep" title={who ?? undefined}>
          Kept
        </span>
      ) : (
        compact && !canChange && <span className="muted">–</span>
      )}
      {compact ? (
        keep && (
          <span className="muted keep-who" title={who ?? undefined}>
            {keep.keptBy}
            {keep.reason ? `: ${keep.reason}` : ''}
          </span>
        )
      ) : (
        <p className={keep ? undefined : 'muted'}>{who ?? 'Not marked keep: retention may delete it.'}</p>
      )}
      {canChange && !asking && (
        <button
          type="button"
          className="link-button"
          disabled={pending}
          aria-label={keep ? `Remove the keep mark of snapshot ${id}` : `Keep snapshot ${id}`}
          onClick={() => (keep ? run(() => unkeepSnapshotAction({ id })) : setAsking(true))}
        >
          {keep ? 'Unkeep' : 'Keep'}
        </button>
      )}
      {asking && (
        <form
          className="keep-form"
          onSubmit={(e) => {
            e.preventDefault();
            run(() => keepSnapshotAction({ id, reason }));
          }}
        >
          <label htmlFor={reasonId} className="visually-hidden">
            Why keep snapshot {id}
          </label>
          <input
            id={reasonId}
            value={reason}
            maxLength={500}
            placeholder="Why (optional)"
            onChange={(e) => setReason(e.target.value)}
          />
          <button type="submit" disabled={pending}>
            Keep
          </button>
          <button type="button" className="link-button" onClick={() => setAsking(false)}>
            Cancel
          </button>
        </form>
      )}
      {error && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
    </div>
  );
}
