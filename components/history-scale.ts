// What the backup history charts plot and how their axes read, shared by the server-rendered
// figures (components/history-chart.tsx) and the client-side charts (components/history-bars.tsx).
import { formatBytes, formatDuration } from './format';
import type { HistoryPoint } from './history-chart';

export type HistoryMetric = 'size' | 'duration';

const KIB = 1024;
const binarySteps = [1, KIB, KIB ** 2, KIB ** 3, KIB ** 4].flatMap((unit) =>
  [1, 2, 5, 10, 20, 50, 100, 128, 256, 512].map((m) => m * unit),
);
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const durationSteps = [
  ...[1, 2, 5, 10, 20, 50, 100, 200, 250, 500],
  ...[1, 2, 5, 10, 15, 30].map((s) => s * SECOND),
  ...[1, 2, 5, 10, 15, 30].map((m) => m * MINUTE),
  ...[1, 2, 3, 6, 12, 24].map((h) => h * HOUR),
];

export const METRICS: Record<
  HistoryMetric,
  { title: string; value: (p: HistoryPoint) => number; format: (n: number) => string; steps: number[] }
> = {
  size: { title: 'Snapshot size', value: (p) => p.sizeBytes, format: (n) => formatBytes(n), steps: binarySteps },
  duration: { title: 'Job duration', value: (p) => p.durationMs, format: formatDuration, steps: durationSteps },
};

/**
 * Value-axis ticks from 0 to at least `max` in at most four equal steps, each step a round number
 * in the unit the formatter shows (512 KiB rather than 500,000 B; 15 s rather than 12,500 ms).
 */
export function valueTicks(max: number, steps: readonly number[]): number[] {
  const top = Math.max(max, 1);
  const step = steps.find((s) => Math.ceil(top / s) <= 4) ?? Math.ceil(top / 4);
  return Array.from({ length: Math.ceil(top / step) + 1 }, (_, i) => i * step);
}

/** A tick label without the zeros a round value does not need: "2 MiB", "1.5 MiB", "2 min". */
export function compactLabel(formatted: string): string {
  return formatted
    .replace(/(\.\d*?)0+(?=\D|$)/, '$1')
    .replace(/\.(?=\D|$)/, '')
    .replace(/ min 0 s$/, ' min');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Short time-axis labels (UTC, as everywhere in the console) for these points' start times: the
 * time of day when they all fall on one day (with seconds when two start in the same minute), day
 * and time within a week, the day otherwise.
 */
export function timeLabeler(points: readonly HistoryPoint[]): (iso: string) => string {
  const starts = points.map((p) => new Date(p.startedAt).toISOString());
  const times = starts.map((iso) => Date.parse(iso));
  const oneDay = new Set(starts.map((iso) => iso.slice(0, 10))).size <= 1;
  const sameMinute = new Set(starts.map((iso) => iso.slice(0, 16))).size < starts.length;
  const withinWeek = Math.max(...times) - Math.min(...times) < 7 * 24 * HOUR;
  return (value) => {
    const d = new Date(value);
    if (Number.isNaN(d.getTime())) return '';
    const iso = d.toISOString();
    if (oneDay) return iso.slice(11, sameMinute ? 19 : 16);
    const day = `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;
    return withinWeek ? `${day} ${iso.slice(11, 16)}` : day;
  };
}
