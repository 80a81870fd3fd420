// What GET /api/v1/metrics/history returns: the figures the alarm evaluator sampled at each of
// its turns, one series per figure, for the charts of the Usage page.
import { type Static, Type } from 'typebox';
import { Nullable, Timestamp } from './common.ts';

/** The sampled figures and their units. */
export const METRIC_SAMPLE_UNITS = {
  queue_depth: 'jobs',
  queue_oldest_job_age_seconds: 'seconds',
  error_rate: 'ratio',
  processing_time_seconds: 'seconds',
  cache_hit_ratio: 'ratio',
  memory_rss_bytes: 'bytes',
  dead_letters: 'count',
} as const;
export type MetricSampleName = keyof typeof METRIC_SAMPLE_UNITS;
export const METRIC_SAMPLE_NAMES = Object.keys(METRIC_SAMPLE_UNITS) as MetricSampleName[];

export const MetricSeries = Type.Object({
  name: Type.String({ description: `one of ${METRIC_SAMPLE_NAMES.join(', ')}` }),
  unit: Type.String({ description: 'jobs, seconds, ratio (0-1), bytes or count' }),
  points: Type.Array(Type.Object({ at: Timestamp, value: Type.Number() }), { description: 'oldest first' }),
});

export const MetricsHistory = Type.Object({
  from: Timestamp,
  to: Timestamp,
  intervalSeconds: Nullable(
    Type.Integer({ description: 'how often the alarm evaluator samples; null: no process evaluates' }),
  ),
  stepSeconds: Nullable(
    Type.Integer({
      description:
        'null: every sample as taken; else a range holding more than 720 samples a series, averaged into steps of this many seconds from `from` (each point: the step’s start and the mean of its samples)',
    }),
  ),
  series: Type.Array(MetricSeries, { description: 'one per figure asked for, in the order asked' }),
});
export type MetricsHistory = Static<typeof MetricsHistory>;
