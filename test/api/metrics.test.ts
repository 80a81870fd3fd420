// The Prometheus exposition after real ingests, read back by a Prometheus text parser: pipeline
// step times per vendor, rows, outcomes, job results, queue, dead letters, reconciliation,
// breaks by age, cache, HTTP latency, memory and event-loop lag; the same registry served by a
// worker's own metrics endpoint. The same jobs' cost in the usage report and its daily alarm.
import fs from 'node:fs';
import parse, { type MetricFamily } from 'parse-prometheus-text-format';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMetricsServer } from '../../src/observe/metrics-server.ts';
import { INGEST_QUEUE } from '../../src/pipeline/queues.ts';
import { evaluateAlarms } from '../../src/services/alarms/evaluate.ts';
import { canonicalRows, HEADER, waitUntil } from '../pipeline/support.ts';
import { type ApiHarness, bearer, openApiHarness, uploadFile } from './support.ts';

let h: ApiHarness;
let families: Map<string, MetricFamily>;

async function uploadAndWait(name: string, content: string, status: string) {
  const accepted = (await uploadFile(h, name, content)).json();
  await waitUntil(async () => {
    const res = (await h.api.inject({ url: accepted.statusUrl, headers: bearer(h.tokens.viewer) })).json();
    return res.file?.status === status && res.job === 'completed' ? true : undefined;
  }, `${name} ${status}`);
}

beforeAll(async () => {
  h = await openApiHarness({ workers: true });
  await uploadAndWait(
    'canonical-good.csv',
    `${[HEADER, ...canonicalRows('MET-1', 30, '2024-01-01')].join('\n')}\n`,
    'SUCCEEDED',
  );
  const bad = fs.readFileSync('test/fixtures/csv/not-ok/canonical-missing-column.csv', 'utf8');
  await uploadAndWait('canonical-missing-column.csv', bad, 'REJECTED');
  // One cached GET twice: a miss and a hit.
  for (let i = 0; i < 2; i++)
    await h.api.inject({ url: '/api/v1/vendors', headers: bearer(h.tokens.viewer) });
  const res = await h.api.inject({ url: '/metrics' });
  expect(res.statusCode).toBe(200);
  families = new Map(parse(res.body).map((family) => [family.name, family]));
});
afterAll(async () => h?.close());

const matching = (labels: Record<string, string>) => (sample: { labels?: object }) =>
  Object.entries(labels).every(([k, v]) => (sample.labels as Record<string, unknown> | undefined)?.[k] === v);

/** The value of the one sample of gauge or counter `name` whose labels include `labels`. */
function value(name: string, labels: Record<string, string> = {}): number {
  const family = families.get(name);
  if (family === undefined) throw new Error(`${name} is not exposed`);
  const sample = family.metrics.find(matching(labels));
  if (sample === undefined) throw new Error(`${name} has no sample with ${JSON.stringify(labels)}`);
  return Number(sample.value);
}

/**
 * Observations of histogram `name` with these labels. The text parser folds a histogram's
 * labelled series into one (parse-prometheus-text-format 1.1.1), so the counts per label come
 * from prom-client's own registry, after the parser has checked the family's type in the text.
 */
async function observations(name: string, labels: Record<string, string>): Promise<number> {
  expect(families.get(name)?.type).toBe('HISTOGRAM');
  const metric = (await h.app.metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  const values = (metric?.values ?? []) as { metricName?: string; labels: object; value: number }[];
  const count = values.find((v) => v.metricName === `${name}_count` && matching(labels)(v));
  return Number(count?.value ?? 0);
}

it('counts what the pipeline did, per vendor and outcome', async () => {
  const steps = (step: string) =>
    observations('perfrecon_pipeline_step_duration_seconds', { step, vendor: 'canonical' });
  // Both files were read and filed away (the refused one into error/); only the stored one reconciled.
  expect(await steps('ingest')).toBe(2);
  expect(await steps('archive')).toBe(2);
  expect(await steps('reconcile')).toBe(1);
  expect(await steps('job')).toBe(2);
  expect(value('perfrecon_rows_total', { kind: 'read', vendor: 'canonical' })).toBe(30);
  expect(value('perfrecon_rows_total', { kind: 'stored', vendor: 'canonical' })).toBe(30);
  expect(value('perfrecon_rows_total', { kind: 'quarantined', vendor: 'canonical' })).toBe(0);
  expect(value('perfrecon_files_total', { outcome: 'SUCCEEDED', vendor: 'canonical' })).toBe(1);
  expect(value('perfrecon_files_total', { outcome: 'REJECTED' })).toBe(1);
  expect(value('perfrecon_jobs_total', { result: 'completed' })).toBe(2);
});

it('reads the system’s state at scrape time', () => {
  expect(value('perfrecon_queue_depth', { queue: INGEST_QUEUE })).toBe(0);
  expect(value('perfrecon_queue_oldest_job_age_seconds', { queue: INGEST_QUEUE })).toBe(0);
  expect(value('perfrecon_dead_letters_open')).toBe(0);
  expect(value('perfrecon_file_error_ratio')).toBe(0.5);
  const passRate = value('perfrecon_reconciliation_pass_rate');
  expect(passRate).toBeGreaterThanOrEqual(0);
  expect(passRate).toBeLessThanOrEqual(1);
  const ages = families.get('perfrecon_breaks_open')?.metrics.map((m) => m.labels?.age);
  expect(ages).toEqual(['0-1 days', '2-7 days', '8-30 days', 'over 30 days']);
});

it('shows the cache, HTTP latency and the process', async () => {
  expect(value('perfrecon_http_cache_lookups_total', { result: 'hit' })).toBeGreaterThanOrEqual(1);
  expect(value('perfrecon_http_cache_lookups_total', { result: 'miss' })).toBeGreaterThanOrEqual(1);
  expect(value('perfrecon_cache_available')).toBe(1);
  expect(value('perfrecon_cache_failures_total')).toBe(0);
  expect(
    await observations('perfrecon_http_request_duration_seconds', {
      route: '/api/v1/vendors',
      status_code: '200',
    }),
  ).toBe(2);
  expect(value('perfrecon_process_resident_memory_bytes')).toBeGreaterThan(10 * 2 ** 20);
  expect(value('perfrecon_nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
});

it('serves the same registry on a worker’s own metrics port', async () => {
  const server = await startMetricsServer(h.app.metrics.registry, {
    port: 0,
    host: '127.0.0.1',
    logger: h.app.logger,
  });
  try {
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    const names = parse(await res.text()).map((family) => family.name);
    expect(names).toEqual(expect.arrayContaining(['perfrecon_jobs_total', 'perfrecon_queue_depth']));
    expect((await fetch(`${server.url}/other`)).status).toBe(404);
  } finally {
    await server.close();
  }
});

it('reports each job’s cost in the usage report, the database by table, and a sizing hint', async () => {
  const today = new Date().toISOString().slice(0, 10);
  const res = await h.api.inject({
    url: `/api/v1/usage?from=${today}&to=${today}`,
    headers: bearer(h.tokens.viewer),
  });
  expect(res.statusCode).toBe(200);
  const report = res.json();
  expect(report.days).toEqual([
    expect.objectContaining({
      day: today,
      vendor: 'canonical',
      files: 2,
      rowsRead: 30,
      rowsStored: 30,
      jobs: 2,
      bytesReceived: expect.any(Number),
    }),
  ]);
  const [day] = report.days;
  expect(day.bytesStored).toBeGreaterThan(0);
  expect(day.bytesStored).toBeLessThan(day.bytesReceived);
  expect(day.cpuSeconds).toBeGreaterThan(0);
  expect(day.wallSeconds).toBeGreaterThan(0);
  const tables = new Map(
    report.database.tables.map((t: { table: string; bytes: number }) => [t.table, t.bytes]),
  );
  expect(tables.get('public.performance_periods')).toBeGreaterThan(0);
  expect(tables.get('public.job_usage')).toBeGreaterThan(0);
  expect(report.rightSizing).toMatchObject({ workers: 1, hint: expect.stringMatching(/^1 worker was busy/) });
  const bad = await h.api.inject({
    url: '/api/v1/usage?from=2024-02-01&to=2024-01-01',
    headers: bearer(h.tokens.viewer),
  });
  expect(bad.statusCode).toBe(400);
  expect(bad.json().message).toContain('after');
});

it('raises the daily use alarm of a vendor over its threshold', async () => {
  const result = await evaluateAlarms(h.app, {
    rules: [
      {
        name: 'vendor-bytes-today',
        metric: 'vendor_bytes_today',
        condition: '>',
        threshold: 100,
        windowMinutes: 1,
        severity: 'warning',
        escalationMinutes: 240,
      },
    ],
  });
  expect(result.changes).toEqual([expect.objectContaining({ subject: 'canonical', change: 'FIRING' })]);
});
