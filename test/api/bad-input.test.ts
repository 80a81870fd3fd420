// Every kind of bad input gets a 4xx that says what was wrong, and never a stack trace, SQL or
// a path of the server; upload names are sanitised.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sanitizeUploadName } from '../../src/api/upload.ts';
import { landingFolder } from '../../src/pipeline/landing.ts';
import { multipart } from './multipart.ts';
import { type ApiHarness, bearer, openApiHarness, uploadFile } from './support.ts';

let h: ApiHarness;
beforeAll(async () => {
  h = await openApiHarness({ env: { PERFRECON_MAX_FILE_MB: '1' } });
});
afterAll(async () => h?.close());

async function call(
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  options: {
    role?: 'viewer' | 'operator' | 'admin';
    payload?: unknown;
    headers?: Record<string, string>;
  } = {},
) {
  const res = await h.api.inject({
    method,
    url,
    headers: { ...bearer(h.tokens[options.role ?? 'admin']), ...options.headers },
    ...(options.payload === undefined ? {} : { payload: options.payload as string }),
  });
  // Nothing of the internals in any error.
  expect(res.body).not.toMatch(/\bat .+\.ts:\d+|node_modules|\/work\/|\/tmp\/|SELECT |INSERT /);
  return { status: res.statusCode, body: res.json() as { message: string; code: string; hint?: string } };
}

describe('parameters and bodies are validated, naming the field and what is allowed', () => {
  it.each([
    ['GET', '/api/v1/files?limit=0', undefined, 'querystring.limit must be >= 1'],
    ['GET', '/api/v1/files?limit=ten', undefined, 'querystring.limit must be integer'],
    [
      'GET',
      '/api/v1/files?status=DONE',
      undefined,
      'querystring.status must be one of: RECEIVED, PROCESSING, SUCCEEDED, QUARANTINED, REJECTED, FAILED',
    ],
    ['GET', '/api/v1/files?colour=red', undefined, 'querystring.colour is not a known parameter'],
    [
      'GET',
      '/api/v1/files?receivedFrom=yesterday',
      undefined,
      'querystring.receivedFrom must match format "date-time"',
    ],
    ['GET', '/api/v1/files/abc', undefined, 'params.id must be integer'],
    [
      'GET',
      '/api/v1/accounts/A/returns?from=2024-02-30&to=2024-03-31',
      undefined,
      'querystring.from must match format "date"',
    ],
    [
      'GET',
      '/api/v1/accounts/A/returns?span=2Y',
      undefined,
      'querystring.span must be one of: MTD, QTD, YTD, 1Y, 3Y, 5Y, ITD',
    ],
    [
      'GET',
      '/api/v1/breaks?sort=size',
      undefined,
      'querystring.sort must be one of: openedAt, periodEnd, varianceBps, accountId',
    ],
    ['POST', '/api/v1/breaks/1/resolve', {}, 'body.comment is required'],
    [
      'PUT',
      '/api/v1/tolerances',
      { effectiveFrom: '2024-01-01', returnBps: -1 },
      'body.returnBps must be >= 0',
    ],
    [
      'POST',
      '/api/v1/tokens',
      { name: 'x', role: 'root' },
      'body.role must be one of: viewer, operator, admin',
    ],
    ['POST', '/api/v1/tokens', { name: '../x', role: 'viewer' }, 'body.name must match pattern'],
  ] as const)('%s %s', async (method, url, payload, message) => {
    const res = await call(method, url, { payload });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION');
    expect(res.body.message).toContain(message);
  });

  it('maps domain errors: invalid input 400, not found 404, conflict 409', async () => {
    const invalid = await call('POST', '/api/v1/reconciliation/runs', {
      payload: { date: '2024-01-31', from: '2024-01-01' },
      role: 'operator',
    });
    expect(invalid).toMatchObject({ status: 400, body: { code: 'INVALID_INPUT' } });
    expect(invalid.body.message).toContain('not both');
    const missing = await call('GET', '/api/v1/vendors/nobody');
    expect(missing).toMatchObject({
      status: 404,
      body: { code: 'NOT_FOUND', message: 'there is no vendor "nobody"' },
    });
    const twice = await call('POST', '/api/v1/tokens', { payload: { name: 'test-viewer', role: 'viewer' } });
    expect(twice).toMatchObject({ status: 409, body: { code: 'CONFLICT' } });
  });

  it('refuses malformed JSON and unsupported media types', async () => {
    const malformed = await call('PUT', '/api/v1/tolerances', {
      payload: '{"effectiveFrom": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
    const text = await call('PUT', '/api/v1/tolerances', {
      payload: 'effectiveFrom=2024-01-01',
      headers: { 'content-type': 'text/csv' },
    });
    expect(text.status).toBe(415);
    const upload = await call('POST', '/api/v1/files', { payload: { file: 'x' }, role: 'operator' });
    expect(upload.status).toBe(415);
    expect(upload.body.message).toBe('upload the file as multipart/form-data, not application/json');
  });
});

describe('uploads', () => {
  it('stops an upload over the size limit with 413, keeping nothing of it', async () => {
    const big = multipart('canonical-big.csv', Buffer.alloc(1024 * 1024 + 10, 'a'));
    const res = await call('POST', '/api/v1/files', { role: 'operator', ...big });
    expect(res).toMatchObject({
      status: 413,
      body: { message: 'the file is larger than the limit of 1 MB' },
    });
    const uploads = path.join(h.pipeline.landing.root, 'uploads');
    expect(fs.readdirSync(uploads)).toEqual([]);
    expect(fs.readdirSync(landingFolder(h.pipeline.landing.root).processing)).toEqual([]);
  });

  it('refuses an unknown vendor before reading the file', async () => {
    const res = await call('POST', '/api/v1/files?vendor=nobody', {
      role: 'operator',
      ...multipart('a.csv', 'x'),
    });
    expect(res).toMatchObject({ status: 404, body: { message: 'there is no vendor "nobody"' } });
  });

  it('sanitises the name (path, control characters, reserved names) and keeps the original', async () => {
    const res = await uploadFile(h, '..\\..\\evil\u0007/CON.csv', 'account_id\n');
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ originalName: '..\\..\\evil\u0007/CON.csv', storedName: '_CON.csv' });
    expect(
      fs
        .readdirSync(landingFolder(h.pipeline.landing.root).processing)
        .some((name) => name.endsWith('--_CON.csv')),
    ).toBe(true);
    expect(sanitizeUploadName('../../etc/passwd')).toBe('passwd');
    expect(sanitizeUploadName('..')).toBe('upload');
    expect(sanitizeUploadName('a\u0000b\u001f.csv')).toBe('ab.csv');
    expect(sanitizeUploadName('nul')).toBe('_nul');
    expect(sanitizeUploadName(`${'x'.repeat(300)}.xlsx`)).toMatch(/^x{195}\.xlsx$/);
  });
});

it('sends security headers and no CORS headers', async () => {
  const res = await h.api.inject({ url: '/healthz', headers: { origin: 'https://elsewhere.example' } });
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['strict-transport-security']).toBeDefined();
  expect(res.headers['access-control-allow-origin']).toBeUndefined();
  // A JSON answer: nothing may be loaded by it or frame it, and no header only a page needs.
  expect(res.headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'");
  expect(res.headers['x-frame-options']).toBe('DENY');
  expect(res.headers['referrer-policy']).toBe('no-referrer');
  expect(res.headers['x-xss-protection']).toBeUndefined();
  // A page (the API's docs) gets helmet's page set.
  const page = await h.api.inject({ url: '/api/docs/' });
  expect(page.headers['content-security-policy']).toContain("script-src 'self'");
  expect(page.headers['x-frame-options']).toBe('SAMEORIGIN');
  expect(page.headers['x-xss-protection']).toBe('0');
  expect(page.headers['x-content-type-options']).toBe('nosniff');
});
