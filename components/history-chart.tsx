// Snapshot size and job duration of the recent successful jobs, as two bar charts over the jobs'
// start times. The card, figures and captions render on the server; the charts in the browser.
import { HistoryBars } from './history-bars';
import { type HistoryMetric, METRICS } from './history-scale';

export interface HistoryPoint {
  id: string;
  startedAt: string;
  sizeBytes: number;
  durationMs: number;
}

function HistoryFigure({ metric, points }: { metric: HistoryMetric; points: HistoryPoint[] }) {
  const { title, value, format } = METRICS[metric];
  const max = Math.max(...points.map(value));
  const latest = value(points.at(-1)!);
  const jobs = points.length === 1 ? 'the last successful job' : `the last ${points.length} successful jobs`;
  return (
    <figure className="chart">
      <figcaption>
        {title} <span className="muted">(latest {format(latest)})</span>
      </figcaption>
      <HistoryBars
        metric={metric}
        points={points}
        label={`${title} of ${jobs}: latest ${format(latest)}, largest ${format(max)}`}
      />
    </figure>
  );
}

export function HistoryChart({ points }: { points: HistoryPoint[] }) {
  if (points.length === 0) return null;
  return (
    <section className="card history" aria-labelledby="history-heading">
      <h2 id="history-heading">Backup history</h2>
      <p className="hint">
        The last {points.length === 1 ? 'successful job' : `${points.length} successful jobs`}, by start time (UTC).
      </p>
      <div className="charts">
        <HistoryFigure metric="size" points={points} />
        <HistoryFigure metric="duration" points={points} />
      </div>
    </section>
  );
}
