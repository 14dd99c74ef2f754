// Waiting for a quiet machine before a measurement.
import fs from 'node:fs';

/** Idle and total jiffies of all cores since boot. */
function cpuTimes(): { idle: number; total: number } {
  const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  return { idle: fields[3]! + fields[4]!, total: fields.reduce((a, b) => a + b, 0) };
}

const SETTLE_IDLE = 0.9;
const SETTLE_LIMIT_MS = 30_000;
export const settling = { waitedMs: 0, timeouts: 0 };
/**
 * Waits until the cores have been at least 90% idle for a second (30 s at most). Work a measured
 * run leaves behind, such as the S3 server collecting a round's deleted objects (every 10 s) or
 * PostgreSQL analysing a restored database, would otherwise land in whatever is measured next.
 */
export async function settle(): Promise<void> {
  const started = performance.now();
  for (;;) {
    const before = cpuTimes();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const after = cpuTimes();
    if ((after.idle - before.idle) / Math.max(1, after.total - before.total) >= SETTLE_IDLE) break;
    if (performance.now() - started > SETTLE_LIMIT_MS) {
      settling.timeouts++;
      break;
    }
  }
  settling.waitedMs += performance.now() - started;
}
