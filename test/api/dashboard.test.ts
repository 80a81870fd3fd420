// GET /api/v1/dashboard counts in the database: files received since the reader's midnight by
// status, checks per reader's day, active breaks by vendor and age beyond any page size, open
// dead letters and active alarms; cached like the other reads and retired by a break action.
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { dashboard } from '../../src/services/dashboard.ts';
import { seedBreaks } from '../support/seed-breaks.ts';
import { type ApiHarness, bearer, openApiHarness } from './support.ts';

let h: ApiHarness;
beforeAll(async () => {
  h = await openApiHarness();
  const db = h.app.database.db;
  // 1,200 breaks of vendor-a opened 10 days ago (more than the largest page of /breaks), 3 of
  // vendor-b opened today, 2 resolved ones that are not active.
  await seedBreaks(db, { count: 1200, vendor: 'vendor-a', daysOpen: 10 });
  await seedBreaks(db, { count: 3, vendor: 'vendor-b', daysOpen: 0 });
  await seedBreaks(db, { count: 2, vendor: 'vendor-c', daysOpen: 0, status: 'RESOLVED' });
  // Files: two today, one yesterday (before the reader's midnight).
  for (const [n, status, received] of [
    [1, 'SUCCEEDED', '2025-03-10T08:00:00Z'],
    [2, 'REJECTED', '2025-03-10T09:00:00Z'],
    [3, 'SUCCEEDED', '2025-03-09T21:30:00Z'],
  ] as const) {
    await sql`INSERT INTO files (sha256, name, size_bytes, status, received_at)
      VALUES (${String(n).repeat(64)}, ${`f${n}.csv`}, 10, ${status}, ${received})`.execute(db);
  }
  // Runs: 23:30 UTC on 9 March is 10 March at UTC+2; a failed run counts nothing.
  for (const [status, started, summary] of [
    ['COMPLETED', '2025-03-09T23:30:00Z', { checked: 10, passed: 9 }],
    ['COMPLETED', '2025-03-10T10:00:00Z', { checked: 10, passed: 10 }],
    ['COMPLETED', '2025-03-09T12:00:00Z', { checked: 4, passed: 1 }],
    ['FAILED', '2025-03-10T11:00:00Z', { checked: 100, passed: 0 }],
  ] as const) {
    await sql`INSERT INTO reconciliation_runs (trigger, actor, inputs, status, started_at, summary)
      VALUES ('manual', 'test', '{}', ${status}, ${started}, ${JSON.stringify(summary)})`.execute(db);
  }
  await sql`INSERT INTO dead_letters (job_id, dead_letter_job_id, queue, sha256, file_name, landing_name,
      attempts, error, payload)
    VALUES (gen_random_uuid(), gen_random_uuid(), 'ingest', ${'d'.repeat(64)}, 'x.csv', 'x.csv', 3, 'boom', '{}')`.execute(
    db,
  );
  for (const [rule, state] of [
    ['a', 'FIRING'],
    ['b', 'ACKNOWLEDGED'],
    ['c', 'RESOLVED'],
  ] as const) {
    await sql`INSERT INTO alarms (rule, metric, condition, threshold, severity, state, value, message, fired_at, updated_at)
      VALUES (${rule}, 'error_rate', '>', 0.1, 'warning', ${state}, 0.5, 'm', now(), now())`.execute(db);
  }
});
afterAll(async () => h?.close());

const get = (url: string) => h.api.inject({ url, headers: bearer(h.tokens.viewer) });
// The reader is at UTC+2; their 10 March began at 22:00 UTC on the 9th.
const URL_ = '/api/v1/dashboard?since=2025-03-09T22:00:00.000Z&utcOffset=120&days=3';

it('counts in the database, past any page size, at the reader’s day boundaries', async () => {
  const res = await get(URL_);
  expect(res.statusCode).toBe(200);
  const body = res.json();
  expect(body.files).toEqual(
    expect.arrayContaining([
      { status: 'SUCCEEDED', count: 1 },
      { status: 'REJECTED', count: 1 },
    ]),
  );
  expect(body.files).toHaveLength(2);
  // The trend ends with the reader's today (the clock's, so only the shape and the days with runs).
  expect(body.passRate).toHaveLength(3);
  expect(body.breaks).toEqual({
    active: 1203,
    byVendorAndAge: [
      { vendor: 'vendor-a', ageBucket: '8-30 days', count: 1200 },
      { vendor: 'vendor-b', ageBucket: '0-1 days', count: 3 },
    ],
  });
  expect(body.deadLetters).toEqual({ open: 1 });
  expect(body.alarms).toEqual({ firing: 1, acknowledged: 1 });
});

it('puts each run on the reader’s day', async () => {
  const answer = await dashboard(
    h.app,
    { since: new Date('2025-03-09T22:00:00Z'), days: 3, utcOffsetMinutes: 120 },
    new Date('2025-03-10T12:00:00Z'),
  );
  expect(answer.passRate).toEqual([
    { day: '2025-03-08', checked: 0, passed: 0, rate: null },
    { day: '2025-03-09', checked: 4, passed: 1, rate: 0.25 },
    { day: '2025-03-10', checked: 20, passed: 19, rate: 0.95 },
  ]);
});

it('is cached, and a break action retires it', async () => {
  const first = await get(URL_);
  const second = await get(URL_);
  expect(second.headers['x-cache']).toBe('HIT');
  expect(second.body).toBe(first.body);
  const [one] = (await get('/api/v1/breaks?vendor=vendor-b&limit=1')).json();
  const acknowledged = await h.api.inject({
    method: 'POST',
    url: `/api/v1/breaks/${one.id}/acknowledge`,
    headers: bearer(h.tokens.operator),
    payload: {},
  });
  expect(acknowledged.statusCode).toBe(200);
  const after = await get(URL_);
  expect(after.headers['x-cache']).toBe('MISS');
  expect(after.json().breaks.active).toBe(1203);
});
