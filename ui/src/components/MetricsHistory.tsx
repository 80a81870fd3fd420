// The history of the figures /metrics shows only as current readings: queue depth and the oldest
// waiting job's age, the file error rate and the cache hit ratio, processing time, memory and
// open dead letters, as the alarm evaluator sampled them at each of its turns.
import type { MetricsHistory as History } from '../../../src/contracts/metrics-history.ts';
import { bytes, percent } from '../format.ts';
import { Chart } from './Chart.tsx';
import { Empty } from './States.tsx';

type Axis = { name: string; format?: (value: number) => string };

const CHARTS: {
  id: string;
  title: string;
  label: string;
  lines: { name: string; legend: string; axis: 0 | 1 }[];
  axes: [Axis] | [Axis, Axis];
}[] = [
  {
    id: 'queue',
    title: 'Queue depth',
    label: 'Jobs waiting in the ingest queue, and the age of the oldest in seconds',
    lines: [
      { name: 'queue_depth', legend: 'jobs waiting', axis: 0 },
      { name: 'queue_oldest_job_age_seconds', legend: 'oldest job age (s)', axis: 1 },
    ],
    axes: [{ name: 'jobs' }, { name: 's' }],
  },
  {
    id: 'ratios',
    title: 'Error rate and cache hit ratio',
    label: 'Share of files refused or failed over the last hour, and share of cached reads that hit',
    lines: [
      { name: 'error_rate', legend: 'file error rate (1 h)', axis: 0 },
      { name: 'cache_hit_ratio', legend: 'cache hit ratio', axis: 0 },
    ],
    axes: [{ name: '', format: (value) => percent(value, 0) }],
  },
  {
    id: 'processing',
    title: 'Processing time',
    label: '95th percentile of job wall time over the last hour, in seconds',
    lines: [{ name: 'processing_time_seconds', legend: 'p95 job time (1 h, s)', axis: 0 }],
    axes: [{ name: 's' }],
  },
  {
    id: 'memory',
    title: 'Memory and dead letters',
    label: 'Resident memory of the evaluating process, and open dead letters',
    lines: [
      { name: 'memory_rss_bytes', legend: 'memory (RSS)', axis: 0 },
      { name: 'dead_letters', legend: 'open dead letters', axis: 1 },
    ],
    axes: [{ name: '', format: bytes }, { name: 'dead letters' }],
  },
];

export function MetricsHistory({ history }: { history: History }) {
  const points = (name: string) =>
    (history.series.find((series) => series.name === name)?.points ?? []).map(
      (point) => [point.at, point.value] as [string, number],
    );
  const samples = history.series.reduce((total, series) => total + series.points.length, 0);
  return (
    <section aria-labelledby="history-heading">
      <h2 id="history-heading">The last 24 hours, sampled by the alarm evaluator</h2>
      {samples > 0 && history.stepSeconds ? (
        <p>Each point is the mean of the samples in {Math.round(history.stepSeconds / 60)} minutes.</p>
      ) : null}
      {samples === 0 ? (
        <Empty>
          {history.intervalSeconds === null
            ? 'No samples: no process evaluates alarms (PERFRECON_ALARM_INTERVAL_SECONDS is off).'
            : `Samples are taken every ${history.intervalSeconds} s by the alarm evaluator; none yet.`}
        </Empty>
      ) : (
        <div className="cards">
          {CHARTS.map((chart) => (
            <section className="card" key={chart.id} aria-labelledby={`${chart.id}-heading`}>
              <h3 id={`${chart.id}-heading`}>{chart.title}</h3>
              <Chart
                label={chart.label}
                height={200}
                option={{
                  tooltip: { trigger: 'axis' },
                  legend: { top: 0 },
                  xAxis: { type: 'time' },
                  yAxis: chart.axes.map((axis) => ({
                    type: 'value' as const,
                    name: axis.name,
                    ...(axis.format === undefined ? {} : { axisLabel: { formatter: axis.format } }),
                  })),
                  grid: { top: 40, bottom: 30, left: 70, right: chart.axes.length > 1 ? 60 : 20 },
                  series: chart.lines.map((line) => ({
                    name: line.legend,
                    type: 'line' as const,
                    showSymbol: false,
                    yAxisIndex: line.axis,
                    data: points(line.name),
                  })),
                }}
              />
            </section>
          ))}
        </div>
      )}
    </section>
  );
}
