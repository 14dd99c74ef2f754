// Snapshot size and job duration of the recent successful jobs, as two small bar charts.
import { formatBytes, formatDuration } from './format';

export interface HistoryPoint {
  id: string;
  startedAt: string;
  sizeBytes: number;
  durationMs: number;
}

function Bars({
  title,
  points,
  value,
  format,
}: {
  title: string;
  points: HistoryPoint[];
  value: (p: HistoryPoint) => number;
  format: (n: number) => string;
}) {
  const width = 360;
  const height = 120;
  const max = Math.max(...points.map(value), 1);
  const slot = width / points.length;
  const bar = Math.max(2, Math.min(24, slot * 0.7));
  return (
    <figure className="chart">
      <figcaption>
        {title} <span className="muted">(max {format(max)})</span>
      </figcaption>
      <svg
        viewBox={`0 0 ${width} ${height + 18}`}
        role="img"
        aria-label={`${title} of the last ${points.length} successful jobs`}
      >
        <line x1="0" y1={height} x2={width} y2={height} className="axis" />
        {points.map((p, i) => {
          const h = Math.max(1, (value(p) / max) * (height - 6));
          return (
            <rect key={p.id} x={i * slot + (slot - bar) / 2} y={height - h} width={bar} height={h} className="bar">
              <title>{`job ${p.id}: ${format(value(p))}`}</title>
            </rect>
          );
        })}
        <text x="0" y={height + 14} className="tick">
          job {points[0]!.id}
        </text>
        <text x={width} y={height + 14} className="tick" textAnchor="end">
          job {points.at(-1)!.id}
        </text>
      </svg>
    </figure>
  );
}

export function HistoryChart({ points }: { points: HistoryPoint[] }) {
  if (points.length < 2) return null;
  return (
    <section className="card charts" aria-label="Backup history">
      <Bars title="Snapshot size" points={points} value={(p) => p.sizeBytes} format={(n) => formatBytes(n)} />
      <Bars title="Job duration" points={points} value={(p) => p.durationMs} format={formatDuration} />
    </section>
  );
}
