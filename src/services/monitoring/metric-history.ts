// A history of the system's figures: the alarm evaluator samples them at each of its turns (one
// process at a time, once per interval, under the same advisory lock) and stores them, so the
// Usage page can chart what /metrics shows only as a current reading. Retention purges them.
import {
  METRIC_SAMPLE_NAMES,
  METRIC_SAMPLE_UNITS,
  type MetricSampleName,
  type MetricsHistory,
} from '../../contracts/metrics-history.ts';
import type { ProcessMetrics } from '../../observe/metrics.ts';
import type { Database, Executor } from '../../store/db/database.ts';
import {
  insertMetricSamples,
  metricSampleMeans,
  metricSamplesBetween,
} from '../../store/metric-sample-repository.ts';
import { countOpenDeadLetters } from '../../store/monitoring-repository.ts';
import { jobFigures } from '../../store/usage-repository.ts';
import { fileErrorRate } from './system-state.ts';

/** Error rate and processing time are taken over this window before each sample (as /metrics does). */
const WINDOW_MINUTES = 60;
const DAY_MS = 86_400_000;

/** What only the evaluating process knows; each figure is left out when its source is not given. */
export interface SampleSources {
  /** The ingest queue's backlog (the pipeline reads pg-boss's job table). */
  queueBacklog?: (() => Promise<{ waiting: number; oldestAgeSeconds: number }>) | undefined;
  /** This process's counter of HTTP cache lookups (an API process has hits and misses). */
  metrics?: Pick<ProcessMetrics, 'cacheLookups'> | undefined;
}

/** Hits over lookups of this process since it started; null before its first lookup. */
async function cacheHitRatio(metrics: Pick<ProcessMetrics, 'cacheLookups'>): Promise<number | null> {
  const { values } = await metrics.cacheLookups.get();
  const count = (result: string) =>
    values.filter((value) => value.labels.result === result).reduce((sum, value) => sum + value.value, 0);
  const hits = count('hit');
  const lookups = hits + count('miss');
  return lookups === 0 ? null : hits / lookups;
}

/** What only this process reads: the queue through its own connection, its cache counter. */
export interface ProcessFigures {
  backlog: { waiting: number; oldestAgeSeconds: number } | undefined;
  cacheHitRatio: number | null;
}

/**
 * Read before the evaluator's transaction: the queue's backlog is read on another connection
 * (the embedded database has only one, which the transaction holds).
 */
export async function readProcessFigures(sources: SampleSources): Promise<ProcessFigures> {
  return {
    backlog: await sources.queueBacklog?.(),
    cacheHitRatio: sources.metrics === undefined ? null : await cacheHitRatio(sources.metrics),
  };
}

/** Sample every figure at `now` and store it (call inside the evaluator's turn). */
export async function recordMetricSamples(
  db: Executor,
  own: ProcessFigures,
  now: Date,
): Promise<{ name: MetricSampleName; value: number }[]> {
  const since = new Date(now.getTime() - WINDOW_MINUTES * 60_000);
  const [jobs, errorRate, deadLetters] = await Promise.all([
    jobFigures(db, since, now),
    fileErrorRate({ database: { db } }, WINDOW_MINUTES, now),
    countOpenDeadLetters(db),
  ]);
  const { backlog } = own;
  const figures: Record<MetricSampleName, number | null | undefined> = {
    queue_depth: backlog?.waiting,
    queue_oldest_job_age_seconds: backlog?.oldestAgeSeconds,
    error_rate: errorRate,
    processing_time_seconds: jobs.p95_wall_seconds,
    cache_hit_ratio: own.cacheHitRatio,
    memory_rss_bytes: process.memoryUsage.rss(),
    dead_letters: deadLetters,
  };
  const samples = METRIC_SAMPLE_NAMES.flatMap((name) => {
    const value = figures[name];
    return value === null || value === undefined ? [] : [{ name, value: Number(value) }];
  });
  await insertMetricSamples(db, now, samples);
  return samples;
}

export interface MetricsHistoryQuery {
  /** Default: a day before `to`. */
  from?: Date | undefined;
  /** Default: now. */
  to?: Date | undefined;
  /** Default: every figure. */
  names?: readonly MetricSampleName[] | undefined;
}

export async function metricsHistory(
  deps: { database: Pick<Database, 'db'>; config: { alerts: { alarmIntervalSeconds: number | undefined } } },
  query: MetricsHistoryQuery,
  now = new Date(),
): Promise<MetricsHistory> {
  const to = query.to ?? now;
  const from = query.from ?? new Date(to.getTime() - DAY_MS);
  const names = query.names ?? METRIC_SAMPLE_NAMES;
  const intervalSeconds = deps.config.alerts.alarmIntervalSeconds ?? null;
  // A chart cannot show more points than it has pixels: a range that holds more samples than
  // MAX_POINTS a series is averaged into steps, in the database.
  const rangeSeconds = (to.getTime() - from.getTime()) / 1000;
  const stepSeconds =
    rangeSeconds / (intervalSeconds ?? DEFAULT_SAMPLE_SECONDS) > MAX_POINTS
      ? Math.ceil(rangeSeconds / MAX_POINTS)
      : null;
  const rows =
    stepSeconds === null
      ? await metricSamplesBetween(deps.database.db, names, from, to)
      : await metricSampleMeans(deps.database.db, names, from, to, stepSeconds);
  const points = new Map<string, { at: string; value: number }[]>(names.map((name) => [name, []]));
  for (const row of rows) points.get(row.name)?.push({ at: row.at.toISOString(), value: row.value });
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    intervalSeconds,
    stepSeconds,
    series: names.map((name) => ({ name, unit: METRIC_SAMPLE_UNITS[name], points: points.get(name) ?? [] })),
  };
}

/** Points a series holds at most; a longer range is averaged into steps. */
export const MAX_POINTS = 720;
/** The evaluator's default turn, for a range asked for when no process evaluates. */
const DEFAULT_SAMPLE_SECONDS = 60;
