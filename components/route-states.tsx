'use client';
// Shared loading and error states of the routes.
import { useEffect } from 'react';

export function PageSkeleton({ title }: { title: string }) {
  return (
    <div aria-busy="true" aria-live="polite">
      <h1>{title}</h1>
      <p className="visually-hidden">Loading…</p>
      <div className="skeleton skeleton-card" />
      <div className="skeleton skeleton-row" />
      <div className="skeleton skeleton-row" />
      <div className="skeleton skeleton-row" />
    </div>
  );
}

export function RouteError({
  error,
  reset,
  what,
}: {
  error: Error & { digest?: string };
  reset: () => void;
  what: string;
}) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <div className="callout callout-error" role="alert">
      <h1>Cannot show {what}</h1>
      <p>{error.digest ? `The server failed (reference ${error.digest}); its log has the details.` : error.message}</p>
      <button type="button" onClick={reset}>
        Try again
      </button>
    </div>
  );
}
