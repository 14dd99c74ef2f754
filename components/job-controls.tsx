'use client';
import { useRouter } from 'next/navigation';
import { useEffect, useState, useTransition } from 'react';
import { cancelJobAction } from '@/app/actions';
import { useCan } from './session';

export function CancelJobButton({ id, requested }: { id: string; requested: boolean }) {
  const allowed = useCan('operator');
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  if (!allowed) return null;
  return (
    <>
      <button
        type="button"
        disabled={pending || requested}
        onClick={() =>
          startTransition(async () => {
            const result = await cancelJobAction({ id });
            if (!result.ok) setError(result.message);
            router.refresh();
          })
        }
      >
        {requested ? 'Cancelling…' : `Cancel job ${id}`}
      </button>
      {error && (
        <span role="alert" className="error-text">
          {' '}
          {error}
        </span>
      )}
    </>
  );
}

/** Re-renders the page every 2 s while a job runs, so its figures stay current. */
export function RefreshWhileRunning({ running }: { running: boolean }) {
  const router = useRouter();
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => router.refresh(), 2000);
    return () => clearInterval(timer);
  }, [running, router]);
  return null;
}
