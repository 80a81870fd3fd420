// Two API server processes (real `perfrecon api --port 0` children) sharing one Redis and one
// database: a token's requests are counted across both, and a write through one retires what
// the other had cached (no client reads a status older than the last completed write); a token
// revoked through one is refused by the other within the documented bound.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TOKEN_REVOCATION_BOUND_SECONDS } from '../../src/services/tokens.ts';
import { type Child, killAll, startCli } from '../pipeline/support.ts';
import { type ApiHarness, openApiHarness } from './support.ts';
import { type ThrowawayRedis, throwawayRedis } from './throwaway-redis.ts';

let h: ApiHarness;
let redis: ThrowawayRedis;
const servers: { child: Child; url: string }[] = [];

beforeAll(async () => {
  redis = await throwawayRedis();
  const shared = {
    REDIS_URL: redis.url,
    PERFRECON_REDIS_PREFIX: `t${randomBytes(6).toString('hex')}`,
    PERFRECON_API_RATE_LIMIT_VIEWER: '4',
    PERFRECON_ALARM_INTERVAL_SECONDS: 'off',
  };
  // Migrates the database and holds the tokens; its own server is not used.
  h = await openApiHarness({ env: shared });
  const env = { ...h.env.env, ...shared, PERFRECON_LOG_LEVEL: 'warn' };
  for (let i = 0; i < 2; i++) {
    const child = startCli(['api', '--port', '0'], env);
    await child.waitFor(/API on http:\/\/\S+ /, 90_000);
    servers.push({ child, url: /API on (http:\/\/\S+) /.exec(child.output())?.[1] ?? '' });
  }
}, 240_000);
afterAll(async () => {
  for (const { child } of servers) {
    child.kill('SIGTERM');
    await child.exited;
  }
  await killAll();
  await h?.close();
  await redis?.stop();
});

function call(server: number, path: string, token: string, init: RequestInit = {}) {
  return fetch(`${servers[server]?.url}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
  });
}

it('counts a token’s requests across both servers', async () => {
  const statuses: number[] = [];
  for (const server of [0, 1, 0, 1, 0, 1])
    statuses.push((await call(server, '/api/v1/vendors', h.tokens.viewer)).status);
  expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
  const limited = await call(1, '/api/v1/vendors', h.tokens.viewer);
  expect(limited.headers.get('ratelimit-limit')).toBe('4');
  expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  // Another token is its own count, on either server.
  expect((await call(0, '/api/v1/vendors', h.tokens.operator)).status).toBe(200);
  expect((await call(1, '/api/v1/vendors', h.tokens.operator)).status).toBe(200);
});

it('retires on one server what the other cached, as soon as the write is done', async () => {
  const list = (server: number) => call(server, '/api/v1/reconciliation/runs', h.tokens.operator);
  expect((await list(0)).headers.get('x-cache')).toBe('MISS');
  const cached = await list(1);
  expect(cached.headers.get('x-cache')).toBe('HIT');
  expect(await cached.json()).toEqual([]);
  // Both now hold the body in memory too (a copy of what Redis answered).
  expect((await list(0)).headers.get('x-cache')).toBe('HIT');
  expect((await list(1)).headers.get('x-cache')).toBe('HIT');
  const started = await call(1, '/api/v1/reconciliation/runs', h.tokens.operator, {
    method: 'POST',
    body: JSON.stringify({ date: '2024-01-31' }),
  });
  expect(started.status).toBe(202);
  const { runId } = (await started.json()) as { runId: number };
  const after = await list(0);
  expect(after.headers.get('x-cache')).toBe('MISS');
  expect(((await after.json()) as { id: number }[])[0]?.id).toBe(runId);
});

it('refuses a revoked token at once where it was revoked, and on the other server within the bound', async () => {
  const created = await call(0, '/api/v1/tokens', h.tokens.admin, {
    method: 'POST',
    body: JSON.stringify({ name: 'short-lived', role: 'viewer' }),
  });
  const { token, secret } = (await created.json()) as { token: { id: number }; secret: string };
  // Both servers have verified the token, and keep it in memory for the bound (from the second
  // request on: a copy is kept of what the shared cache answered).
  for (const server of [0, 1, 0, 1]) expect((await call(server, '/api/v1/files', secret)).status).toBe(200);
  expect((await call(1, `/api/v1/tokens/${token.id}`, h.tokens.admin, { method: 'DELETE' })).status).toBe(
    200,
  );
  expect((await call(1, '/api/v1/files', secret)).status).toBe(401);
  // The other server drops its copy on the revocation's message (before the DELETE was answered);
  // the bound holds in any case: asked until then (plus a margin), it must refuse the token.
  const deadline = Date.now() + (TOKEN_REVOCATION_BOUND_SECONDS + 10) * 1000;
  let status = 200;
  while (status !== 401 && Date.now() < deadline) {
    status = (await call(0, '/api/v1/files', secret)).status;
    if (status !== 401) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(status).toBe(401);
}, 30_000);
