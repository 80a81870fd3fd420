// The process's Prometheus metrics (prom-client), one registry per opened app so several apps in
// one process (tests) never clash: the runtime's defaults (memory, CPU, event-loop lag), what the
// pipeline does as it does it (step times, rows, outcomes, job results), cache lookups and the
// cache's health. Gauges that need the database are added at scrape time (addGaugeSource) by
// whoever can read them through a service: this module runs no query.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { CacheHealth } from '../cache/cache.ts';

export interface ProcessMetrics {
  registry: Registry;
  /** Seconds a pipeline step took, by step and vendor. */
  stepSeconds: Histogram<'step' | 'vendor'>;
  /** Rows read, stored and quarantined, by vendor. */
  rows: Counter<'kind' | 'vendor'>;
  /** Files that reached an outcome (SUCCEEDED, QUARANTINED, REJECTED, ALREADY_INGESTED), by vendor. */
  fileOutcomes: Counter<'outcome' | 'vendor'>;
  /** Ingest job runs by result (completed, failed, deadletter): the error rate's numerator and denominator. */
  jobs: Counter<'result'>;
  cacheLookups: Counter<'result'>;
  /** Report the cache's health at every scrape. */
  watchCache(health: () => CacheHealth): void;
  /**
   * Add gauges read at scrape time: `read` returns samples by gauge name (each declared in
   * `gauges` with its help and labels). `read` must not throw: it logs a failure and returns no
   * samples, so a scrape without the database still shows the process's own metrics.
   */
  addGaugeSource(gauges: readonly GaugeSpec[], read: () => Promise<GaugeSample[]>): void;
}

export interface GaugeSpec {
  name: string;
  help: string;
  labelNames?: readonly string[];
}

export interface GaugeSample {
  name: string;
  value: number;
  labels?: Record<string, string>;
}

/** Seconds: a quick validation (10 ms) up to a large workbook (10 min). */
const STEP_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

export function createProcessMetrics(): ProcessMetrics {
  const registry = new Registry();
  // Includes perfrecon_process_resident_memory_bytes, perfrecon_nodejs_heap_size_used_bytes and
  // perfrecon_nodejs_eventloop_lag_seconds (with its percentiles).
  collectDefaultMetrics({ register: registry, prefix: 'perfrecon_' });
  const registers = [registry];
  let cacheHealth: () => CacheHealth = () => ({ available: true, failures: 0 });
  new Gauge({
    name: 'perfrecon_cache_available',
    help: '1 while the cache answers, 0 while Redis is unreachable and requests are served from the database',
    registers,
    collect() {
      this.set(cacheHealth().available ? 1 : 0);
    },
  });
  new Counter({
    name: 'perfrecon_cache_failures_total',
    help: 'cache operations that failed (each served from the database instead)',
    registers,
    collect() {
      this.reset();
      this.inc(cacheHealth().failures);
    },
  });
  return {
    registry,
    stepSeconds: new Histogram({
      name: 'perfrecon_pipeline_step_duration_seconds',
      help: 'time a pipeline step took (ingest: validate, read, map, quality, calculate, store; reconcile; archive; job: all of it)',
      labelNames: ['step', 'vendor'],
      buckets: STEP_BUCKETS,
      registers,
    }),
    rows: new Counter({
      name: 'perfrecon_rows_total',
      help: 'rows read, stored and quarantined by the ingest of files',
      labelNames: ['kind', 'vendor'],
      registers,
    }),
    fileOutcomes: new Counter({
      name: 'perfrecon_files_total',
      help: 'files that reached an outcome, by outcome and vendor',
      labelNames: ['outcome', 'vendor'],
      registers,
    }),
    jobs: new Counter({
      name: 'perfrecon_jobs_total',
      help: 'ingest job runs by result; the error rate is failed plus deadletter over all',
      labelNames: ['result'],
      registers,
    }),
    cacheLookups: new Counter({
      name: 'perfrecon_http_cache_lookups_total',
      help: 'cache-aside lookups of GET responses, by hit or miss',
      labelNames: ['result'],
      registers,
    }),
    watchCache(health) {
      cacheHealth = health;
    },
    addGaugeSource(specs, read) {
      const gauges = new Map<string, Gauge>();
      // One read per scrape for the whole group: prom-client collects all metrics at once, so
      // every gauge of the group awaits the same read.
      let reading: Promise<void> | undefined;
      const collect = () => {
        reading ??= read()
          .then((samples) => {
            for (const gauge of gauges.values()) gauge.reset();
            for (const sample of samples) gauges.get(sample.name)?.set(sample.labels ?? {}, sample.value);
          })
          .finally(() => {
            reading = undefined;
          });
        return reading;
      };
      for (const spec of specs) {
        const labelNames = spec.labelNames ?? [];
        gauges.set(
          spec.name,
          new Gauge({ name: spec.name, help: spec.help, labelNames, registers, collect }),
        );
      }
    },
  };
}
