// Redis stopped in the middle of serving: every request is still answered, from the database
// (no 5xx, X-Cache MISS), one warning is logged, the cache metrics say so and /readyz reports
// degraded with 200; Redis started again: the same process uses the cache again, no restart.
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { waitUntil } from '../pipeline/support.ts';
import { type ApiHarness, bearer, openApiHarness } from './support.ts';
import { type ThrowawayRedis, throwawayRedis } from './throwaway-redis.ts';

let h: ApiHarness;
let redis: ThrowawayRedis;
beforeAll(async () => {
  redis = await throwawayRedis();
  h = await openApiHarness({ env: { REDIS_URL: redis.url } });
});
afterAll(async () => {
  await h?.close();
  await redis?.stop();
});

const URLS = [
  '/api/v1/vendors',
  '/api/v1/breaks',
  '/api/v1/reconciliation/runs',
  '/api/v1/accounts',
  '/api/v1/files',
];
const get = (url: string) => h.api.inject({ url, headers: bearer(h.tokens.viewer) });
const metric = async (name: string) =>
  Number(new RegExp(`^${name} (\\S+)$`, 'm').exec((await h.api.inject({ url: '/metrics' })).body)?.[1]);

it('answers from the database while Redis is down, and uses the cache again once it is back', async () => {
  expect(h.app.cache.kind).toBe('redis');
  expect((await get('/api/v1/vendors')).headers['x-cache']).toBe('MISS');
  expect((await get('/api/v1/vendors')).headers['x-cache']).toBe('HIT');
  const warn = vi.spyOn(h.app.logger, 'warn');

  await redis.stop();
  // Until the process notices (its connections close), copies it keeps in memory may still answer.
  await waitUntil(
    async () => !h.app.cache.health().available,
    'the connection to Redis to close',
    10_000,
    20,
  );
  const statuses: number[] = [];
  for (let round = 0; round < 3; round++) {
    for (const url of URLS) {
      const res = await get(url);
      statuses.push(res.statusCode);
      expect(res.headers['x-cache']).not.toBe('HIT');
    }
  }
  expect(statuses.every((status) => status === 200)).toBe(true);
  // A write while Redis is down: the run is stored, its invalidation cannot be (see redis-cache.ts).
  const run = await h.api.inject({
    method: 'POST',
    url: '/api/v1/reconciliation/runs',
    headers: bearer(h.tokens.operator),
    payload: { date: '2024-01-31' },
  });
  expect(run.statusCode).toBe(202);
  const outageWarnings = warn.mock.calls.filter(([, message]) =>
    String(message).startsWith('redis unavailable'),
  );
  expect(outageWarnings).toHaveLength(1);
  expect(await metric('perfrecon_cache_available')).toBe(0);
  expect(await metric('perfrecon_cache_failures_total')).toBeGreaterThan(0);
  const ready = await h.api.inject({ url: '/readyz' });
  expect(ready.statusCode).toBe(200);
  expect(ready.json()).toEqual({
    status: 'degraded',
    checks: { database: 'ok', queue: 'ok', redis: 'failing' },
  });

  await redis.start();
  // ioredis reconnects on its own (backing off up to 5 s); the next lookups are cached again.
  await waitUntil(
    async () => (await h.api.inject({ url: '/readyz' })).json().status === 'ready',
    'Redis back',
    30_000,
  );
  expect((await get('/api/v1/vendors')).headers['x-cache']).toBe('MISS');
  expect((await get('/api/v1/vendors')).headers['x-cache']).toBe('HIT');
  const runs = await get('/api/v1/reconciliation/runs');
  expect(runs.json()[0].id).toBe(run.json().runId);
  expect(await metric('perfrecon_cache_available')).toBe(1);
  warn.mockRestore();
});
