// The metrics history: each turn of the alarm evaluator samples queue depth, the oldest job's
// age, error rate, processing time, this process's cache hit ratio and memory and the open dead
// letters into metric_samples; GET /api/v1/metrics/history returns them as series; retention
// purges them by age.
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { INGEST_QUEUE, queueBacklog } from '../../src/pipeline/queues.ts';
import { evaluateAlarms } from '../../src/services/alarms/evaluate.ts';
import { runRetention } from '../../src/services/retention.ts';
import { type ApiHarness, bearer, openApiHarness } from './support.ts';

let h: ApiHarness;
beforeAll(async () => {
  h = await openApiHarness();
  await sql`INSERT INTO dead_letters (job_id, dead_letter_job_id, queue, sha256, file_name, landing_name,
      attempts, error, payload)
    VALUES (gen_random_uuid(), gen_random_uuid(), 'ingest', ${'d'.repeat(64)}, 'x.csv', 'x.csv', 3, 'boom', '{}')`.execute(
    h.app.database.db,
  );
});
afterAll(async () => h?.close());

const get = (url: string) => h.api.inject({ url, headers: bearer(h.tokens.viewer) });
const T1 = new Date(Date.now() + 3_600_000);
const T2 = new Date(T1.getTime() + 60_000);
const range = `from=${new Date(T1.getTime() - 1000).toISOString()}&to=${T2.toISOString()}`;

it('answers with empty series, and how often samples are taken, before the first turn', async () => {
  const res = await get(`/api/v1/metrics/history?${range}`);
  expect(res.statusCode).toBe(200);
  const body = res.json();
  expect(body.intervalSeconds).toBe(h.app.config.alerts.alarmIntervalSeconds ?? null);
  expect(body.series.map((series: { name: string }) => series.name)).toEqual([
    'queue_depth',
    'queue_oldest_job_age_seconds',
    'error_rate',
    'processing_time_seconds',
    'cache_hit_ratio',
    'memory_rss_bytes',
    'dead_letters',
  ]);
  expect(body.series.every((series: { points: unknown[] }) => series.points.length === 0)).toBe(true);
});

it('records what each evaluation turn sampled, once per turn across callers', async () => {
  // One miss then one hit of this process's HTTP cache; with the first test's miss, 1 hit in 3.
  await get('/api/v1/usage?from=2024-01-01&to=2024-01-02');
  expect((await get('/api/v1/usage?from=2024-01-01&to=2024-01-02')).headers['x-cache']).toBe('HIT');
  const deps = { ...h.app, queueBacklog: () => queueBacklog(h.app.database, INGEST_QUEUE) };
  expect((await evaluateAlarms(deps, { rules: [], now: T1 })).evaluated).toBe(true);
  // Another process within the interval: no turn, no sample.
  expect((await evaluateAlarms(deps, { rules: [], now: T1, minIntervalSeconds: 30 })).evaluated).toBe(false);
  expect((await evaluateAlarms(deps, { rules: [], now: T2 })).evaluated).toBe(true);

  const res = await get(
    `/api/v1/metrics/history?${range}&names=dead_letters,cache_hit_ratio,queue_depth,memory_rss_bytes,error_rate`,
  );
  expect(res.statusCode).toBe(200);
  const series = Object.fromEntries(
    res
      .json()
      .series.map((s: { name: string; unit: string; points: { at: string; value: number }[] }) => [
        s.name,
        s,
      ]),
  );
  expect(Object.keys(series)).toEqual([
    'dead_letters',
    'cache_hit_ratio',
    'queue_depth',
    'memory_rss_bytes',
    'error_rate',
  ]);
  expect(series.dead_letters).toEqual({
    name: 'dead_letters',
    unit: 'count',
    points: [
      { at: T1.toISOString(), value: 1 },
      { at: T2.toISOString(), value: 1 },
    ],
  });
  expect(series.cache_hit_ratio.points.map((p: { value: number }) => p.value)).toEqual([1 / 3, 1 / 3]);
  expect(series.queue_depth.points.map((p: { value: number }) => p.value)).toEqual([0, 0]);
  expect(series.memory_rss_bytes.points).toHaveLength(2);
  expect(series.memory_rss_bytes.points[0].value).toBeGreaterThan(10_000_000);
  // No file reached an outcome in the hour before: no error rate to record.
  expect(series.error_rate).toMatchObject({ unit: 'ratio', points: [] });
});

it('refuses an unknown figure', async () => {
  expect((await get('/api/v1/metrics/history?names=queue_depth,load_average')).statusCode).toBe(400);
});

it('is purged by retention after its days', async () => {
  const settings = { ...h.app.config.retention, metricSamplesDays: 30 };
  const count = async () =>
    Number(
      (await sql<{ n: string }>`SELECT count(*) AS n FROM metric_samples`.execute(h.app.database.db)).rows[0]
        ?.n,
    );
  const stored = await count();
  expect(stored).toBeGreaterThanOrEqual(8);
  const options = { settings, landingRoot: undefined, actor: 'test' };
  const early = await runRetention(h.app, {
    ...options,
    dryRun: false,
    now: new Date(T2.getTime() + 29 * 86_400_000),
  });
  expect(early.metricSamples.rows).toBe(0);
  // 30 days after the first turn and before the second: only the first turn's samples go.
  const between = new Date(T1.getTime() + 30 * 86_400_000 + 30_000);
  const report = await runRetention(h.app, { ...options, dryRun: false, now: between });
  expect(report.metricSamples).toEqual({
    cutoff: new Date(T1.getTime() + 30_000).toISOString(),
    rows: stored / 2,
  });
  expect(await count()).toBe(stored / 2);
});

it('averages a long range into steps (at most 720 points a series), and gives a short one as sampled', async () => {
  // Three days of one sample a minute, a year after the other tests' samples: 4,320 samples.
  const start = new Date(Date.UTC(new Date().getUTCFullYear() + 1, 0, 1));
  await sql`INSERT INTO metric_samples (at, name, value)
    SELECT ${start}::timestamptz + make_interval(mins => n), 'queue_depth', n
    FROM generate_series(0, 4319) AS n`.execute(h.app.database.db);
  const ask = async (minutes: number) => {
    const to = new Date(start.getTime() + minutes * 60_000 - 1);
    const res = await get(
      `/api/v1/metrics/history?names=queue_depth&from=${start.toISOString()}&to=${to.toISOString()}`,
    );
    expect(res.statusCode).toBe(200);
    return res.json();
  };
  const long = await ask(4320);
  // 4,320 minutes in 720 points: 6 minutes a step, each the mean of its six samples.
  expect(long.stepSeconds).toBe(360);
  const points = long.series[0].points;
  expect(points).toHaveLength(720);
  expect(points[0]).toEqual({ at: start.toISOString(), value: 2.5 });
  expect(points[719]).toEqual({ at: new Date(start.getTime() + 719 * 360_000).toISOString(), value: 4316.5 });
  const short = await ask(60);
  expect(short.stepSeconds).toBeNull();
  expect(short.series[0].points).toHaveLength(60);
  expect(short.series[0].points[59]).toEqual({
    at: new Date(start.getTime() + 59 * 60_000).toISOString(),
    value: 59,
  });
});
