// What ctl prints: a command's result (its text, or JSON with --json) on stdout, errors on stderr,
// and the tables, sizes and job lines the commands share.
import type { BackupJob } from '../lib/backup/backup-manager.ts';
import { toJson } from '../lib/backup/json-view.ts';

/** Prints a result: `human` as it is, or `data` as JSON with --json. */
export type Print = (human: string, data: unknown) => void;

export function printer(json: boolean): Print {
  return (human, data) => console.log(json ? toJson(data) : human);
}

/** An error on stderr: `error: MESSAGE`, or `{"error": {"code", "message"}}` with --json. */
export function printError(json: boolean, code: string, message: string): void {
  if (json) console.error(toJson({ error: { code, message } }));
  else console.error(`error: ${message}`);
}

export const bytes = (n: bigint | null) =>
  n === null
    ? '–'
    : n < 1024n
      ? `${n} B`
      : n < 1024n ** 2n
        ? `${(Number(n) / 1024).toFixed(1)} KiB`
        : `${(Number(n) / 1024 ** 2).toFixed(1)} MiB`;

/** Rows (the first is the header) in columns two spaces apart, without trailing spaces. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function jobLine(job: BackupJob): string {
  const seconds = (job.durationMs / 1000).toFixed(1);
  const detail =
    job.status === 'RUNNING'
      ? `${job.rowsWritten} rows, ${bytes(job.bytesWritten)} written`
      : (job.error ?? `${bytes(job.snapshotBytes)}`);
  return `job ${job.id}: ${job.status} after ${seconds} s (${detail})`;
}
