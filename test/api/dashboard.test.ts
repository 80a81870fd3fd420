// GET /api/v1/dashboard counts in the database: files received since the reader's midnight by
// status, checks per reader's day, active breaks by vendor and age beyond any page size, open
// dead letters and active alarms; cached like the other reads and retired by a break action, a
// dead letter recorded or replayed, or an alarm acknowledged (the evaluator's changes: alarms.test.ts).
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { dashboard } from '../../src/services/dashboard.ts';
import { recordDeadLetter } from '../../src/services/dead-letters.ts';
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

it('is retired by a dead-letter replay and by an alarm acknowledgement', async () => {
  const db = h.app.database.db;
  const letter = await sql<{
    id: number;
  }>`INSERT INTO dead_letters (job_id, dead_letter_job_id, queue, sha256,
      file_name, landing_name, attempts, error, payload)
    VALUES (gen_random_uuid(), gen_random_uuid(), 'ingest', ${'e'.repeat(64)}, 'y.csv', 'y.csv', 3, 'boom',
      ${JSON.stringify({ landingName: 'y.csv', sha256: 'e'.repeat(64) })}) RETURNING id`.execute(db);
  // The answer cached before the insert (the SQL above retires nothing) still counts one.
  const stale = await get(URL_);
  expect(stale.headers['x-cache']).toBe('HIT');
  expect(stale.json().deadLetters.open).toBe(1);
  const replayed = await h.api.inject({
    method: 'POST',
    url: `/api/v1/dead-letters/${letter.rows[0]?.id}/replay`,
    headers: bearer(h.tokens.operator),
  });
  expect(replayed.json()).toMatchObject({ status: 'replayed' });
  const afterReplay = await get(URL_);
  expect(afterReplay.headers['x-cache']).toBe('MISS');
  // The seeded letter (no ingest payload) stays open; the replayed one is no longer counted.
  expect(afterReplay.json().deadLetters.open).toBe(1);

  expect((await get(URL_)).headers['x-cache']).toBe('HIT');
  const firing = await sql<{ id: number }>`SELECT id FROM alarms WHERE state = 'FIRING'`.execute(db);
  const acknowledged = await h.api.inject({
    method: 'POST',
    url: `/api/v1/alarms/${firing.rows[0]?.id}/acknowledge`,
    headers: bearer(h.tokens.operator),
  });
  expect(acknowledged.statusCode).toBe(200);
  const afterAck = await get(URL_);
  expect(afterAck.headers['x-cache']).toBe('MISS');
  expect(afterAck.json().alarms).toEqual({ firing: 0, acknowledged: 2 });
});

it('is retired by a job dead-lettered in a worker', async () => {
  await get(URL_);
  const before = await get(URL_);
  expect(before.headers['x-cache']).toBe('HIT');
  const sha256 = 'f'.repeat(64);
  await recordDeadLetter(
    { database: h.app.database, cache: h.app.cache },
    {
      jobId: randomUUID(),
      deadLetterJobId: randomUUID(),
      queue: 'ingest',
      data: {
        sha256,
        originalName: 'z.csv',
        landingName: 'z.csv',
        sizeBytes: 10,
        receivedAt: new Date().toISOString(),
        source: 'api',
      },
      attempts: 3,
      error: 'boom',
      landedPath: '/nowhere/z.csv',
      worker: 'test-worker',
      actor: 'worker:test',
    },
  );
  const after = await get(URL_);
  expect(after.headers['x-cache']).toBe('MISS');
  expect(after.json().deadLetters.open).toBe(before.json().deadLetters.open + 1);
});
