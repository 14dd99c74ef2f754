'use client';
// One backup history bar chart (recharts): a bar per job over its start time, the value axis in
// the metric's units, a tooltip with the job, its start and the value. It measures its container,
// so it draws in the browser; the figure around it renders on the server.
import { useMemo } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  ResponsiveContainer,
  Tooltip,
  type TooltipContentProps,
  XAxis,
  YAxis,
} from 'recharts';
import { formatTime } from './format';
import type { HistoryPoint } from './history-chart';
import { compactLabel, type HistoryMetric, METRICS, timeLabeler, valueTicks } from './history-scale';

const HEIGHT = 180;
const TICK = { fill: 'var(--muted)', fontSize: 11 };

function HistoryTooltip({ active, payload, metric }: TooltipContentProps & { metric: HistoryMetric }) {
  const point = payload?.[0]?.payload as HistoryPoint | undefined;
  if (!active || !point) return null;
  const { title, value, format } = METRICS[metric];
  return (
    <div className="chart-tooltip">
      <strong>Job {point.id}</strong>
      <span className="muted">{formatTime(point.startedAt)}</span>
      <span>
        {title}: <strong>{format(value(point))}</strong>
      </span>
    </div>
  );
}

export function HistoryBars({
  metric,
  points,
  label,
}: {
  metric: HistoryMetric;
  points: HistoryPoint[];
  label: string;
}) {
  const { value, format, steps } = METRICS[metric];
  const data = useMemo(() => points.map((p) => ({ ...p, value: value(p) })), [points, value]);
  const ticks = useMemo(() => valueTicks(Math.max(...data.map((d) => d.value)), steps), [data, steps]);
  const timeLabel = useMemo(() => timeLabeler(points), [points]);
  return (
    <ResponsiveContainer width="100%" height={HEIGHT} className="chart-plot">
      <BarChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: 0 }} role="img" aria-label={label}>
        <CartesianGrid vertical={false} stroke="var(--chart-grid)" />
        <XAxis
          dataKey="startedAt"
          tickFormatter={timeLabel}
          interval="preserveStartEnd"
          minTickGap={12}
          tick={TICK}
          tickLine={false}
          axisLine={{ stroke: 'var(--chart-axis)' }}
        />
        <YAxis
          ticks={ticks}
          domain={[0, ticks.at(-1)!]}
          tickFormatter={(n: number) => compactLabel(format(n))}
          width="auto"
          tick={TICK}
          tickLine={false}
          axisLine={false}
        />
        <Tooltip
          content={(props) => <HistoryTooltip {...props} metric={metric} />}
          cursor={{ fill: 'var(--chart-cursor)' }}
          isAnimationActive={false}
        />
        <Bar
          dataKey="value"
          fill="var(--chart-bar)"
          activeBar={{ fill: 'var(--chart-bar-active)' }}
          maxBarSize={28}
          radius={[2, 2, 0, 0]}
          isAnimationActive={false}
        />
      </BarChart>
    </ResponsiveContainer>
  );
}
