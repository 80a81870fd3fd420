// Every route × every role: who gets in (and what the route then answers on an empty
// database), who is refused (401 without or with a bad or revoked token, 403 for too weak a
// role). The table must name every route of the OpenAPI document, which must be valid.
import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIV3_1 } from 'openapi-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Access, ROLES, roleAllows } from '../../src/domain/api-access.ts';
import { type ApiHarness, bearer, openApiHarness } from './support.ts';

let h: ApiHarness;
beforeAll(async () => {
  // The walk sends ~100 requests without a valid token from one address.
  h = await openApiHarness({ env: { PERFRECON_API_RATE_LIMIT_ANONYMOUS: '10000' } });
});
afterAll(async () => h?.close());

interface RouteCase {
  access: Access;
  url: string;
  body?: unknown;
  /** What an allowed caller gets on an empty database. */
  expected: number;
}

const NO_JOB = '00000000-0000-4000-8000-000000000000';
let tokenNames = 0;

/** Keyed by the OpenAPI path; a request for each. */
const ROUTES: Record<string, RouteCase | (() => RouteCase)> = {
  'get /healthz': { access: 'public', url: '/healthz', expected: 200 },
  'get /readyz': { access: 'public', url: '/readyz', expected: 200 },
  'get /metrics': { access: 'public', url: '/metrics', expected: 200 },
  // A JSON body where a multipart upload belongs.
  'post /api/v1/files': { access: 'operator', url: '/api/v1/files', body: {}, expected: 415 },
  'get /api/v1/uploads/{jobId}': { access: 'viewer', url: `/api/v1/uploads/${NO_JOB}`, expected: 404 },
  'get /api/v1/files': { access: 'viewer', url: '/api/v1/files', expected: 200 },
  'get /api/v1/files/{id}': { access: 'viewer', url: '/api/v1/files/99', expected: 404 },
  'get /api/v1/files/{id}/warnings': { access: 'viewer', url: '/api/v1/files/99/warnings', expected: 404 },
  'get /api/v1/accounts': { access: 'viewer', url: '/api/v1/accounts', expected: 200 },
  'get /api/v1/accounts/{accountId}/periods': {
    access: 'viewer',
    url: '/api/v1/accounts/ACC-1/periods',
    expected: 404,
  },
  'get /api/v1/accounts/{accountId}/returns': {
    access: 'viewer',
    url: '/api/v1/accounts/ACC-1/returns?span=YTD',
    expected: 404,
  },
  'get /api/v1/accounts/{accountId}/periods/{periodEnd}/lineage': {
    access: 'viewer',
    url: '/api/v1/accounts/ACC-1/periods/2024-01-31/lineage',
    expected: 404,
  },
  'get /api/v1/reconciliation/runs': { access: 'viewer', url: '/api/v1/reconciliation/runs', expected: 200 },
  'get /api/v1/reconciliation/runs/{id}': {
    access: 'viewer',
    url: '/api/v1/reconciliation/runs/99',
    expected: 404,
  },
  'post /api/v1/reconciliation/runs': {
    access: 'operator',
    url: '/api/v1/reconciliation/runs',
    body: { date: '2024-01-31' },
    expected: 202,
  },
  'get /api/v1/breaks': { access: 'viewer', url: '/api/v1/breaks', expected: 200 },
  'get /api/v1/alarms': { access: 'viewer', url: '/api/v1/alarms?state=RESOLVED', expected: 200 },
  'post /api/v1/alarms/{id}/acknowledge': {
    access: 'operator',
    url: '/api/v1/alarms/99/acknowledge',
    expected: 404,
  },
  'get /api/v1/usage': {
    access: 'viewer',
    url: '/api/v1/usage?from=2024-01-01&to=2024-01-31',
    expected: 200,
  },
  'get /api/v1/metrics/history': {
    access: 'viewer',
    url: '/api/v1/metrics/history?from=2024-01-01T00:00:00Z&names=queue_depth,memory_rss_bytes',
    expected: 200,
  },
  'get /api/v1/dashboard': { access: 'viewer', url: '/api/v1/dashboard?utcOffset=120', expected: 200 },
  'get /api/v1/breaks/{id}': { access: 'viewer', url: '/api/v1/breaks/99', expected: 404 },
  'post /api/v1/breaks/{id}/acknowledge': {
    access: 'operator',
    url: '/api/v1/breaks/99/acknowledge',
    body: {},
    expected: 404,
  },
  'post /api/v1/breaks/{id}/resolve': {
    access: 'operator',
    url: '/api/v1/breaks/99/resolve',
    body: { comment: 'vendor restated' },
    expected: 404,
  },
  'post /api/v1/breaks/{id}/reopen': {
    access: 'operator',
    url: '/api/v1/breaks/99/reopen',
    body: { comment: 'the restatement never came' },
    expected: 404,
  },
  'post /api/v1/breaks/{id}/approve': {
    access: 'operator',
    url: '/api/v1/breaks/99/approve',
    body: {},
    expected: 404,
  },
  'get /api/v1/dead-letters': { access: 'viewer', url: '/api/v1/dead-letters', expected: 200 },
  'get /api/v1/dead-letters/{id}': { access: 'viewer', url: '/api/v1/dead-letters/99', expected: 404 },
  'post /api/v1/dead-letters/{id}/replay': {
    access: 'operator',
    url: '/api/v1/dead-letters/99/replay',
    expected: 404,
  },
  'get /api/v1/audit/{entity}/{id}': { access: 'viewer', url: '/api/v1/audit/tokens/1', expected: 200 },
  'get /api/v1/vendors': { access: 'viewer', url: '/api/v1/vendors', expected: 200 },
  'get /api/v1/vendors/{code}': { access: 'viewer', url: '/api/v1/vendors/canonical', expected: 200 },
  'get /api/v1/tolerances': { access: 'viewer', url: '/api/v1/tolerances', expected: 200 },
  'put /api/v1/tolerances': {
    access: 'admin',
    url: '/api/v1/tolerances',
    body: { vendor: 'canonical', effectiveFrom: '2024-01-01', returnBps: 2 },
    expected: 200,
  },
  'delete /api/v1/tolerances': {
    access: 'admin',
    url: '/api/v1/tolerances?effectiveFrom=2023-01-01',
    expected: 404,
  },
  'get /api/v1/me': { access: 'viewer', url: '/api/v1/me', expected: 200 },
  'get /api/v1/tokens': { access: 'admin', url: '/api/v1/tokens', expected: 200 },
  'post /api/v1/tokens': () => ({
    access: 'admin',
    url: '/api/v1/tokens',
    body: { name: `walk-${++tokenNames}`, role: 'viewer' },
    expected: 201,
  }),
  'delete /api/v1/tokens/{id}': { access: 'admin', url: '/api/v1/tokens/9999', expected: 404 },
};

function request(key: string, headers: Record<string, string>) {
  const entry = ROUTES[key] as RouteCase | (() => RouteCase);
  const route = typeof entry === 'function' ? entry() : entry;
  const method = key.split(' ')[0]?.toUpperCase() as 'GET';
  return {
    route,
    response: h.api.inject({
      method,
      url: route.url,
      headers,
      ...(route.body === undefined ? {} : { payload: route.body as object }),
    }),
  };
}

describe('every route and every role', () => {
  for (const key of Object.keys(ROUTES)) {
    it(key, async () => {
      for (const role of ROLES) {
        const { route, response } = request(key, bearer(h.tokens[role]));
        const allowed = route.access === 'public' || roleAllows(role, route.access);
        const res = await response;
        expect([role, res.statusCode]).toEqual([role, allowed ? route.expected : 403]);
        if (!allowed) expect(res.json().message).toContain(`needs the ${route.access} role`);
      }
      for (const headers of [{}, bearer('prt_not-a-token'), { authorization: 'Basic abc' }]) {
        const { route, response } = request(key, headers);
        const res = await response;
        expect(res.statusCode).toBe(route.access === 'public' ? route.expected : 401);
      }
    });
  }

  it('refuses a revoked token', async () => {
    const created = await h.api.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: bearer(h.tokens.admin),
      payload: { name: 'leaving', role: 'operator' },
    });
    const { token, secret } = created.json();
    expect((await h.api.inject({ url: '/api/v1/files', headers: bearer(secret) })).statusCode).toBe(200);
    const revoked = await h.api.inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${token.id}`,
      headers: bearer(h.tokens.admin),
    });
    expect(revoked.json().revokedBy).toBe('api:test-admin');
    const refused = await h.api.inject({ url: '/api/v1/files', headers: bearer(secret) });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().message).toBe('the token is not valid (unknown or revoked)');
    const audit = await h.api.inject({
      url: `/api/v1/audit/tokens/${token.id}`,
      headers: bearer(h.tokens.viewer),
    });
    expect(audit.json().map((entry: { actor: string }) => entry.actor)).toEqual([
      'api:test-admin',
      'api:test-admin',
    ]);
  });
});

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1 and has every route of the table, and no other', async () => {
    const res = await h.api.inject({ url: '/api/openapi.json' });
    const document = res.json() as OpenAPIV3_1.Document;
    expect(document.openapi).toBe('3.1.0');
    await SwaggerParser.validate(structuredClone(document) as never);
    const documented = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
      Object.keys(item ?? {}).map((method) => `${method} ${path}`),
    );
    expect(documented.sort()).toEqual(Object.keys(ROUTES).sort());
  });

  it('serves the browsable docs', async () => {
    const res = await h.api.inject({ url: '/api/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
  });
});
