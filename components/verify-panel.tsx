'use client';
// A snapshot's last verification, and buttons to verify it again (with or without checking
// that every pinned SST exists in the Hummock data store).
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { verifySnapshotAction } from '@/app/actions';
import { formatBytes, formatCount, formatTime } from './format';
import { useStorageOk } from './storage-health';
import { useCan } from './session';

export interface VerificationView {
  ok: boolean;
  problems: string[];
  rows: number;
  bytes: number;
  integrityChecked: boolean;
  verifiedAt: string;
}

export function VerifyPanel({ id, last }: { id: string; last: VerificationView | null }) {
  const router = useRouter();
  const storageOk = useStorageOk();
  const canVerify = useCan('operator');
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const verify = (validateIntegrity: boolean) =>
    startTransition(async () => {
      setError(null);
      const result = await verifySnapshotAction({ id, validateIntegrity });
      if (!result.ok) setError(result.message);
      router.refresh();
    });
  return (
    <section className="card" aria-labelledby="verify-heading">
      <h2 id="verify-heading">Verification</h2>
      {last ? (
        <div data-testid="verification">
          <p>
            <span className={last.ok ? 'verify-ok' : 'verify-bad'}>{last.ok ? 'Verified' : 'Verification failed'}</span>{' '}
            <span className="muted">
              {formatTime(last.verifiedAt)} · {formatCount(last.rows)} rows, {formatBytes(last.bytes)} read back ·
              checksum {last.ok || !last.problems.some((p) => /checksum/.test(p)) ? 'checked' : 'wrong'}
              {last.integrityChecked ? ' · every pinned SST checked in the data store' : ''}
            </span>
          </p>
          {last.problems.length > 0 && (
            <ul className="problems">
              {last.problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          )}
        </div>
      ) : (
        <p className="muted">
          Not verified yet. Verifying reads the snapshot back, checks its checksum, decodes every table and compares it
          with its manifest entry.
        </p>
      )}
      {canVerify && (
        <div className="actions">
          <button type="button" onClick={() => verify(false)} disabled={pending || !storageOk}>
            {pending ? 'Verifying…' : 'Verify'}
          </button>
          <button type="button" onClick={() => verify(true)} disabled={pending || !storageOk}>
            Verify with SST integrity
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
