// Rate limits per token by its role, per address without a token, unknown routes included:
// 429 with Retry-After and RateLimit-* headers, and other callers still served.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/api/server.ts';
import type { Api } from '../../src/api/types.ts';
import { type ApiHarness, bearer, openApiHarness } from './support.ts';

let h: ApiHarness;
beforeAll(async () => {
  h = await openApiHarness({
    env: { PERFRECON_API_RATE_LIMIT_VIEWER: '3', PERFRECON_API_RATE_LIMIT_ANONYMOUS: '2' },
  });
});
afterAll(async () => h?.close());

it('limits a token to its role’s requests per minute, and only that token', async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 4; i++) {
    statuses.push(
      (await h.api.inject({ url: '/api/v1/vendors', headers: bearer(h.tokens.viewer) })).statusCode,
    );
  }
  expect(statuses).toEqual([200, 200, 200, 429]);
  const limited = await h.api.inject({ url: '/api/v1/vendors', headers: bearer(h.tokens.viewer) });
  expect(limited.statusCode).toBe(429);
  expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  expect(limited.headers['ratelimit-limit']).toBe('3');
  expect(limited.json()).toMatchObject({
    code: 'RATE_LIMITED',
    message: expect.stringContaining('more than 3'),
  });
  const other = await h.api.inject({ url: '/api/v1/vendors', headers: bearer(h.tokens.operator) });
  expect(other.statusCode).toBe(200);
  expect(other.headers['ratelimit-remaining']).toBeDefined();
});

it('limits callers without a token by address, unknown routes too, but never the probes', async () => {
  const from = (address: string, url: string) => h.api.inject({ url, remoteAddress: address });
  expect((await from('10.0.0.1', '/api/openapi.json')).statusCode).toBe(200);
  expect((await from('10.0.0.1', '/no-such-route')).statusCode).toBe(404);
  expect((await from('10.0.0.1', '/no-such-route')).statusCode).toBe(429);
  expect((await from('10.0.0.2', '/api/openapi.json')).statusCode).toBe(200);
  for (const probe of ['/healthz', '/readyz', '/healthz'])
    expect((await from('10.0.0.1', probe)).statusCode).toBe(200);
});

describe.runIf(process.env.REDIS_URL !== undefined)('two databases sharing one Redis and its prefix', () => {
  const harnesses: ApiHarness[] = [];
  beforeAll(async () => {
    const prefix = `t${randomBytes(6).toString('hex')}`;
    for (let i = 0; i < 2; i++)
      harnesses.push(
        await openApiHarness({
          env: { PERFRECON_REDIS_PREFIX: prefix, PERFRECON_API_RATE_LIMIT_VIEWER: '2' },
        }),
      );
  });
  afterAll(async () => {
    for (const harness of harnesses) await harness.close();
  });

  it('count each database’s callers apart (the same token id in each is two callers)', async () => {
    const [first, second] = harnesses as [ApiHarness, ApiHarness];
    const ask = (harness: ApiHarness) =>
      harness.api.inject({ url: '/api/v1/vendors', headers: bearer(harness.tokens.viewer) });
    expect((await ask(first)).statusCode).toBe(200);
    expect((await ask(first)).statusCode).toBe(200);
    expect((await ask(first)).statusCode).toBe(429);
    // The viewer token of the second database has the same id, and its own count.
    expect(second.app.redisNamespace).not.toBe(first.app.redisNamespace);
    expect((await ask(second)).statusCode).toBe(200);
    expect((await ask(second)).headers['ratelimit-remaining']).toBe('0');
  });
});

describe.runIf(process.env.REDIS_URL !== undefined)(
  'two servers of one database, a limit counted in leases',
  () => {
    let limited: ApiHarness;
    let second: Api;
    beforeAll(async () => {
      // 200 a minute: each server leases 4 numbers at a time from Redis.
      limited = await openApiHarness({ env: { PERFRECON_API_RATE_LIMIT_VIEWER: '200' } });
      second = await buildServer(limited.app, limited.pipeline);
    });
    afterAll(async () => {
      await second?.close();
      await limited?.close();
    });

    it('never serves more than the limit together, and at most (servers - 1) × (lease - 1) fewer', async () => {
      const servers = [limited.api, second];
      let served = 0;
      let refused = 0;
      for (let i = 0; i < 220; i++) {
        const res = await (servers[i % 2] as Api).inject({
          url: '/api/v1/me',
          headers: bearer(limited.tokens.viewer),
        });
        if (res.statusCode === 200) served++;
        else if (res.statusCode === 429) refused++;
      }
      expect(served + refused).toBe(220);
      expect(served).toBeLessThanOrEqual(200);
      expect(served).toBeGreaterThanOrEqual(200 - 3);
    });
  },
);
