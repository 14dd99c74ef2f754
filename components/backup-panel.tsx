'use client';
// "Back up now" with optional remarks, and the live card of the job it started (or of the job
// already running when the page loaded). When the job ends the snapshot list refreshes; a
// failure stays visible until dismissed.
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState, useTransition } from 'react';
import { cancelJobAction, startBackupAction } from '@/app/actions';
import { DEFAULT_VERIFY_AFTER_BACKUP } from '@/lib/backup/defaults';
import { formatBytes, formatCount, formatDuration } from './format';
import { TERMINAL, useJob } from './hooks/use-job';
import { useStorageOk } from './storage-health';
import { useCan } from './session';

const MAX_REMARKS = 500;

export function BackupPanel({ runningJobId }: { runningJobId: string | null }) {
  const router = useRouter();
  const storageOk = useStorageOk();
  const canOperate = useCan('operator');
  const [remarks, setRemarks] = useState('');
  const [verify, setVerify] = useState(DEFAULT_VERIFY_AFTER_BACKUP);
  const [jobId, setJobId] = useState<string | null>(runningJobId);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const job = useJob(jobId);
  const status = job.data?.status;
  const running = status === 'RUNNING' || (jobId !== null && !status);
  const refreshed = useRef<string | null>(null);

  useEffect(() => {
    if (jobId && status && TERMINAL.includes(status) && refreshed.current !== jobId) {
      refreshed.current = jobId;
      router.refresh();
      // Pages accept a manifest confirmed within the last second (PAGE_MANIFEST_MAX_AGE_MS), and
      // a render begun as the job ended can land last: refresh once more past that second.
      const again = setTimeout(() => router.refresh(), 1_500);
      return () => clearTimeout(again);
    }
  }, [jobId, status, router]);

  function start(event: React.FormEvent) {
    event.preventDefault();
    setError(null);
    startTransition(async () => {
      const result = await startBackupAction({ remarks, verify });
      if (result.ok) {
        setJobId(result.data.jobId);
        setRemarks('');
      } else setError(result.message);
    });
  }

  function cancel() {
    if (!jobId) return;
    startTransition(async () => {
      const result = await cancelJobAction({ id: jobId });
      if (!result.ok) setError(result.message);
    });
  }

  return (
    <section className="card" aria-labelledby="backup-heading">
      <h2 id="backup-heading">Back up now</h2>
      {canOperate ? (
        <form onSubmit={start} className="inline-form">
          <label htmlFor="remarks">Remarks (optional)</label>
          <input
            id="remarks"
            name="remarks"
            value={remarks}
            maxLength={MAX_REMARKS}
            onChange={(e) => setRemarks(e.target.value)}
            placeholder="e.g. before upgrading to 2.6"
            aria-describedby={error ? 'backup-error' : undefined}
            disabled={running}
          />
          <label className="checkbox">
            <input type="checkbox" checked={verify} onChange={(e) => setVerify(e.target.checked)} disabled={running} />{' '}
            Verify after backup
          </label>
          <button type="submit" className="primary" disabled={!storageOk || pending || running}>
            {pending && !running ? 'Starting…' : 'Back up now'}
          </button>
        </form>
      ) : (
        <p className="muted">Backing up needs the operator role.</p>
      )}
      {error && (
        <p id="backup-error" role="alert" className="error-text">
          {error}
        </p>
      )}
      {jobId && job.data && (
        <JobCard
          job={job.data}
          onCancel={canOperate ? cancel : null}
          cancelling={pending}
          onDismiss={() => {
            setJobId(null);
            setError(null);
          }}
        />
      )}
      {jobId && job.isError && (
        <p className="error-text">Cannot read the job's status: {job.error.message}. Retrying…</p>
      )}
    </section>
  );
}

type JobData = NonNullable<ReturnType<typeof useJob>['data']>;

function JobCard({
  job,
  onCancel,
  onDismiss,
  cancelling,
}: {
  job: JobData;
  onCancel: (() => void) | null;
  onDismiss: () => void;
  cancelling: boolean;
}) {
  if (job.status === 'NOT_FOUND') return <p className="muted">Job {job.id} is not known.</p>;
  const full = job as Exclude<JobData, { status: 'NOT_FOUND' }>;
  const tone = full.status === 'SUCCEEDED' ? 'ok' : full.status === 'RUNNING' ? 'running' : 'bad';
  return (
    <div className={`job-card job-${tone}`} data-testid="job-card" aria-live="polite">
      <div className="job-card-head">
        <strong>Job {full.id}</strong>{' '}
        <span className={`badge badge-${tone}`} data-testid="job-status">
          {full.status}
        </span>
        <span className="muted"> {formatDuration(full.durationMs)}</span>
      </div>
      <dl className="job-figures">
        <div>
          <dt>Rows written</dt>
          <dd>{formatCount(full.rowsWritten)}</dd>
        </div>
        <div>
          <dt>Bytes written</dt>
          <dd>{formatBytes(full.bytesWritten)}</dd>
        </div>
        {full.remarks && (
          <div>
            <dt>Remarks</dt>
            <dd>{full.remarks}</dd>
          </div>
        )}
      </dl>
      {full.status === 'SUCCEEDED' && full.verify && (
        <p className={full.verification?.ok === false ? 'error-text' : 'muted'} data-testid="job-verification">
          {!full.verification
            ? 'Verifying the snapshot…'
            : full.verification.ok
              ? 'Snapshot verified: read back and checked.'
              : `Verify failed: ${full.verification.message}`}
        </p>
      )}
      {full.error && full.status !== 'CANCELLED' && (
        <p role="alert" className="error-text">
          {full.error}
        </p>
      )}
      <div className="actions">
        {full.status === 'RUNNING' ? (
          onCancel && (
            <button type="button" onClick={onCancel} disabled={cancelling || full.cancelRequested}>
              {full.cancelRequested ? 'Cancelling…' : 'Cancel job'}
            </button>
          )
        ) : (
          <button type="button" onClick={onDismiss}>
            Dismiss
          </button>
        )}
      </div>
    </div>
  );
}
