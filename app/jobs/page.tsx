import type { Metadata } from 'next';
import Link from 'next/link';
import { formatBytes, formatCount, formatDuration, formatTime } from '@/components/format';
import { CancelJobButton, RefreshWhileRunning } from '@/components/job-controls';
import { getBackupManager } from '@/lib/backup/process-manager';
import { requirePageRole } from '@/app/_lib/page-auth';

export const metadata: Metadata = { title: 'Jobs' };
export const dynamic = 'force-dynamic';

const TONE: Record<string, string> = { SUCCEEDED: 'ok', RUNNING: 'running', FAILED: 'bad', CANCELLED: 'bad' };

export default async function JobsPage() {
  await requirePageRole('viewer');
  const jobs = await getBackupManager().listJobs({ limit: 200 });
  const running = jobs.some((j) => j.status === 'RUNNING');
  return (
    <>
      <h1>Jobs</h1>
      <RefreshWhileRunning running={running} />
      {jobs.length === 0 ? (
        <div className="empty">
          <h2>No backup jobs yet</h2>
          <p className="muted">
            Start one from the <Link href="/">snapshots page</Link>.
          </p>
        </div>
      ) : (
        <div className="table-wrap">
          <table data-testid="jobs-table">
            <caption className="visually-hidden">Backup job history, newest first</caption>
            <thead>
              <tr>
                <th scope="col" className="num">
                  Job
                </th>
                <th scope="col">Status</th>
                <th scope="col">Started by</th>
                <th scope="col">Started</th>
                <th scope="col" className="num">
                  Duration
                </th>
                <th scope="col" className="num">
                  Size
                </th>
                <th scope="col">Remarks / error</th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((job) => (
                <tr key={job.id.toString()} data-job-id={job.id.toString()}>
                  <td className="num">
                    {job.status === 'SUCCEEDED' ? (
                      <Link href={`/snapshots/${job.id}`}>{job.id.toString()}</Link>
                    ) : (
                      job.id.toString()
                    )}
                  </td>
                  <td>
                    <span className={`badge badge-${TONE[job.status]}`}>{job.status}</span>
                  </td>
                  <td>{job.startedBy}</td>
                  <td>{formatTime(job.startedAt.toISOString())}</td>
                  <td className="num">{formatDuration(job.durationMs)}</td>
                  <td className="num">
                    {job.status === 'RUNNING'
                      ? `${formatBytes(job.bytesWritten)} · ${formatCount(job.rowsWritten)} rows`
                      : formatBytes(job.snapshotBytes)}
                  </td>
                  <td>
                    {job.status === 'RUNNING' ? (
                      <CancelJobButton id={job.id.toString()} requested={job.cancelRequested} />
                    ) : job.error ? (
                      <span className="error-text">{job.error}</span>
                    ) : job.verification?.ok === false ? (
                      <span className="error-text">Verify failed: {job.verification.message}</span>
                    ) : (
                      (job.remarks ?? <span className="muted">–</span>)
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
