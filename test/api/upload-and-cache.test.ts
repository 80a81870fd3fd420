// A real file through the API: uploaded, processed by a worker in this process, followed until
// it is terminal; its returns are the figures of `perfrecon returns --json` (the same service
// and shape); GETs are cached (X-Cache), carry strong ETags (304), and a change retires them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountReturns, returnsReport } from '../../src/services/returns.ts';
import { canonicalRows, HEADER, waitUntil } from '../pipeline/support.ts';
import { type ApiHarness, bearer, openApiHarness, uploadFile } from './support.ts';

let h: ApiHarness;
beforeAll(async () => {
  h = await openApiHarness({ workers: true });
});
afterAll(async () => h?.close());

const get = (url: string, headers: Record<string, string> = {}) =>
  h.api.inject({ url, headers: { ...bearer(h.tokens.viewer), ...headers } });

describe('a file uploaded through the API', () => {
  let fileId: number;

  it('is accepted with 202 and followed until it is stored', async () => {
    const csv = `${[HEADER, ...canonicalRows('API-1', 40, '2024-01-01')].join('\n')}\n`;
    const res = await uploadFile(h, 'canonical-api.csv', csv);
    expect(res.statusCode).toBe(202);
    const accepted = res.json();
    expect(res.headers.location).toBe(accepted.statusUrl);
    const file = await waitUntil(async () => {
      const status = (await get(accepted.statusUrl)).json();
      return status.file?.status === 'SUCCEEDED' && status.job === 'completed' ? status.file : undefined;
    }, 'the uploaded file stored and its job completed');
    expect(file).toMatchObject({ name: 'canonical-api.csv', vendor: 'canonical', rowsStored: 40 });
    fileId = file.id;
    const detail = (await get(`/api/v1/files/${fileId}`)).json();
    expect(detail.timeline.map((entry: { step: string }) => entry.step)).toContain('store');
    const page = (await get('/api/v1/files?status=SUCCEEDED&vendor=canonical&limit=1')).json();
    expect(page).toEqual({ items: [expect.objectContaining({ id: fileId })], nextCursor: null });
  });

  it("shows a file's warnings with their locations, and pages through all of them", async () => {
    const rows = [1, 2, 3].map((i) => `WARN-${i},2024-01-01,2024-01-02,USD,1000,-${i}.50,,,,,0,,gross`);
    const res = await uploadFile(h, 'canonical-api-warnings.csv', `${[HEADER, ...rows].join('\n')}\n`);
    expect(res.statusCode).toBe(202);
    const file = await waitUntil(async () => {
      const status = (await get(res.json().statusUrl)).json();
      return status.file?.status === 'SUCCEEDED' && status.job === 'completed' ? status.file : undefined;
    }, 'the file with warnings stored');
    const detail = (await get(`/api/v1/files/${file.id}`)).json();
    expect(detail.warningCount).toBe(3);
    expect(detail.warnings[0]).toEqual({
      seq: 1,
      location: { file: 'canonical-api-warnings.csv', row: 2 },
      message: 'end_market_value is negative (-1.50)',
    });
    const first = (await get(`/api/v1/files/${file.id}/warnings?limit=2`)).json();
    expect(first.items.map((w: { seq: number }) => w.seq)).toEqual([1, 2]);
    expect(first.nextCursor).toBe('2');
    const rest = (await get(`/api/v1/files/${file.id}/warnings?cursor=2`)).json();
    expect(rest).toEqual({
      items: [
        {
          seq: 3,
          location: { file: 'canonical-api-warnings.csv', row: 4 },
          message: 'end_market_value is negative (-3.50)',
        },
      ],
      nextCursor: null,
    });
  });

  it('gives the returns of `perfrecon returns --json`, cached with a strong ETag', async () => {
    const url = '/api/v1/accounts/API-1/returns?from=2024-01-01&to=2024-02-10&basis=gross&series=true';
    const first = await get(url);
    expect(first.statusCode).toBe(200);
    const expected = returnsReport(
      await accountReturns(h.app, {
        accountId: 'API-1',
        from: '2024-01-01',
        to: '2024-02-10',
        basis: 'gross',
        daysInYear: 365,
        series: true,
      }),
    );
    expect(first.body).toBe(JSON.stringify(expected));
    expect(first.headers['x-cache']).toBe('MISS');
    const second = await get(url);
    expect(second.headers['x-cache']).toBe('HIT');
    expect(second.body).toBe(first.body);
    expect(second.headers.etag).toBe(first.headers.etag);
    const unchanged = await get(url, { 'if-none-match': String(first.headers.etag) });
    expect(unchanged.statusCode).toBe(304);
    expect(unchanged.body).toBe('');
    const changed = await get(url, { 'if-none-match': '"something-else"' });
    expect(changed.statusCode).toBe(200);
  });

  it('lists the account and its periods', async () => {
    const accounts = (await get('/api/v1/accounts?search=api-')).json();
    expect(accounts.items).toEqual([
      expect.objectContaining({
        accountId: 'API-1',
        vendors: [{ vendorCode: 'canonical', firstDate: '2024-01-01', lastDate: '2024-02-10', periods: 40 }],
      }),
    ]);
    const periods = (await get('/api/v1/accounts/API-1/periods?to=2024-01-03')).json();
    expect(periods.map((p: { periodEnd: string }) => p.periodEnd)).toEqual(['2024-01-02', '2024-01-03']);
    const lineage = (await get('/api/v1/accounts/API-1/periods/2024-01-03/lineage')).json();
    expect(lineage[0].file.id).toBe(fileId);
  });
});

describe('reconciliation runs and breaks through the API', () => {
  it('queues a run (202), follows it to its end in the worker, and a change to a break retires the cached lists', async () => {
    const listBefore = await get('/api/v1/reconciliation/runs');
    expect(listBefore.headers['x-cache']).toBe('MISS');
    expect((await get('/api/v1/reconciliation/runs')).headers['x-cache']).toBe('HIT');
    const started = await h.api.inject({
      method: 'POST',
      url: '/api/v1/reconciliation/runs',
      headers: bearer(h.tokens.operator),
      payload: { from: '2024-01-01', to: '2024-03-31', account: 'API-1' },
    });
    expect(started.statusCode).toBe(202);
    const { runId, statusUrl } = started.json();
    const run = await waitUntil(async () => {
      const current = (await get(statusUrl)).json();
      return current.status === 'QUEUED' || current.status === 'RUNNING' ? undefined : current;
    }, 'the worker to finish the run');
    expect(run).toMatchObject({ id: runId, status: 'COMPLETED', actor: 'api:test-operator' });
    const listAfter = await get('/api/v1/reconciliation/runs');
    expect(listAfter.headers['x-cache']).toBe('MISS');
    expect(listAfter.json()[0].id).toBe(runId);

    // Periods end on 2024-02-10 while the run expects them through 2024-03-31: a break.
    const breaks = (await get('/api/v1/breaks?account=API-1')).json();
    expect(breaks.length).toBeGreaterThan(0);
    expect((await get('/api/v1/breaks?account=API-1')).headers['x-cache']).toBe('HIT');
    const id = breaks[0].id;
    const acknowledged = await h.api.inject({
      method: 'POST',
      url: `/api/v1/breaks/${id}/acknowledge`,
      headers: bearer(h.tokens.operator),
      payload: { comment: 'looking' },
    });
    expect(acknowledged.json()).toMatchObject({
      status: 'ACKNOWLEDGED',
      acknowledged: { by: 'api:test-operator' },
    });
    const fresh = await get('/api/v1/breaks?account=API-1');
    expect(fresh.headers['x-cache']).toBe('MISS');
    expect(fresh.json().find((b: { id: number }) => b.id === id).status).toBe('ACKNOWLEDGED');
    const again = await h.api.inject({
      method: 'POST',
      url: `/api/v1/breaks/${id}/acknowledge`,
      headers: bearer(h.tokens.operator),
      payload: {},
    });
    expect(again.statusCode).toBe(409);
    const act = (action: string, comment: string) =>
      h.api.inject({
        method: 'POST',
        url: `/api/v1/breaks/${id}/${action}`,
        headers: bearer(h.tokens.operator),
        payload: { comment },
      });
    expect((await act('resolve', 'vendor restated')).json().status).toBe('RESOLVED');
    const reopened = await act('reopen', 'the restatement never came');
    expect(reopened.json()).toMatchObject({
      status: 'OPEN',
      resolved: null,
      reopened: { by: 'api:test-operator', comment: 'the restatement never came' },
    });
    expect((await act('reopen', 'again')).statusCode).toBe(409);
    const history = (await get(`/api/v1/audit/breaks/${id}`)).json();
    expect(history.at(-1)).toMatchObject({ actor: 'api:test-operator', newValues: { status: 'OPEN' } });
  });
});

it('exposes Prometheus metrics with the HTTP latency by route and status', async () => {
  const res = await h.api.inject({ url: '/metrics' });
  expect(res.headers['content-type']).toContain('text/plain');
  expect(res.body).toContain(
    'perfrecon_http_request_duration_seconds_count{method="GET",route="/api/v1/breaks",status_code="200"}',
  );
  expect(res.body).toMatch(/perfrecon_http_cache_lookups_total\{result="hit"\} [1-9]/);
  expect(res.body).toContain('perfrecon_process_resident_memory_bytes');
});
