// An alarm's whole life against real files, with the clock injected: a refused file makes the
// error rate breach its rule → FIRING (webhook and pager trigger); nobody acknowledges within
// the escalation time → escalated (the escalation route and the second routing key); an
// operator acknowledges through the API (pager acknowledge); the window moves past the file →
// RESOLVED (pager resolve). Every delivery is received by a real local HTTP server. Stored and
// audited; the CLI lists it; one evaluation per turn across evaluators.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { evaluateAlarms } from '../../src/services/alarms/evaluate.ts';
import { runCli, waitUntil } from '../pipeline/support.ts';
import { type ApiHarness, bearer, openApiHarness, uploadFile } from './support.ts';

interface Delivery {
  path: string;
  body: Record<string, unknown>;
}

let h: ApiHarness;
let receiver: http.Server;
const deliveries: Delivery[] = [];
const MINUTE = 60_000;

beforeAll(async () => {
  receiver = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on('end', () => {
      deliveries.push({ path: request.url ?? '', body: JSON.parse(body) });
      response.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"success"}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  const configDir = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'alarms-'));
  const config = path.join(configDir, 'monitoring.yaml');
  fs.writeFileSync(
    config,
    [
      'alerts:',
      `  webhook: { url: ${base}/slack }`,
      'alarms:',
      '  defaults: false',
      `  pager: { url: ${base}/pager, routing_key: first-line, escalation_routing_key: second-line }`,
      '  escalation: [webhook, pager]',
      '  rules:',
      "    - { name: error-rate, metric: error_rate, condition: '>', threshold: 0.25, window_minutes: 60,",
      '        severity: warning, escalation_minutes: 15 }',
      '',
    ].join('\n'),
  );
  h = await openApiHarness({ workers: true, env: { PERFRECON_ALERTS_CONFIG: config } });
  const refused = fs.readFileSync('test/fixtures/csv/not-ok/canonical-missing-column.csv');
  const accepted = (await uploadFile(h, 'canonical-missing-column.csv', refused)).json();
  await waitUntil(async () => {
    const res = await h.api.inject({ url: accepted.statusUrl, headers: bearer(h.tokens.viewer) });
    return res.json().file?.status === 'REJECTED' && res.json().job === 'completed';
  }, 'the refused file');
});
afterAll(async () => {
  await h?.close();
  receiver?.close();
});

/** Deliveries to `path` since `from`, once `count` of them have arrived. */
async function received(from: number, path: string, count: number): Promise<Delivery[]> {
  return waitUntil(
    async () => {
      const found = deliveries.slice(from).filter((d) => d.path === path);
      return found.length >= count ? found : undefined;
    },
    `${count} deliveries to ${path}`,
    20_000,
  );
}

it('fires, escalates, is acknowledged and resolves, paging and alerting on the way', async () => {
  const t0 = new Date(Date.now() + 1000);
  // The dashboard is cached (a minute); the evaluator's changes retire it at once.
  const alarmCounts = async () => {
    const res = await h.api.inject({ url: '/api/v1/dashboard', headers: bearer(h.tokens.viewer) });
    return { cache: res.headers['x-cache'], ...res.json().alarms };
  };
  await alarmCounts();
  expect(await alarmCounts()).toEqual({ cache: 'HIT', firing: 0, acknowledged: 0 });
  let mark = deliveries.length;
  const fired = await evaluateAlarms(h.app, { now: t0 });
  expect(await alarmCounts()).toEqual({ cache: 'MISS', firing: 1, acknowledged: 0 });
  expect(fired).toMatchObject({ evaluated: true, changes: [{ rule: 'error-rate', change: 'FIRING' }] });
  const id = fired.changes[0]?.alarm;
  const incident = `perfrecon-alarm-${id}`;
  const [trigger] = await received(mark, '/pager', 1);
  expect(trigger?.body).toMatchObject({
    routing_key: 'first-line',
    event_action: 'trigger',
    dedup_key: incident,
    payload: {
      severity: 'warning',
      component: 'perfrecon',
      custom_details: { metric: 'error_rate', value: 1 },
    },
  });
  const [slack] = await received(mark, '/slack', 1);
  expect(JSON.stringify(slack?.body)).toContain('Alarm error-rate firing: error_rate is 1 over 60 min');

  // 14 minutes on: still firing, not yet escalated.
  expect((await evaluateAlarms(h.app, { now: new Date(t0.getTime() + 14 * MINUTE) })).changes).toEqual([]);

  mark = deliveries.length;
  const escalated = await evaluateAlarms(h.app, { now: new Date(t0.getTime() + 16 * MINUTE) });
  expect(escalated.changes).toEqual([expect.objectContaining({ alarm: id, change: 'ESCALATED' })]);
  const [second] = await received(mark, '/pager', 1);
  expect(second?.body).toMatchObject({
    routing_key: 'second-line',
    event_action: 'trigger',
    dedup_key: `${incident}-escalated`,
    payload: { severity: 'critical' },
  });
  expect(JSON.stringify((await received(mark, '/slack', 1))[0]?.body)).toContain('escalated');

  mark = deliveries.length;
  const ack = await h.api.inject({
    method: 'POST',
    url: `/api/v1/alarms/${id}/acknowledge`,
    headers: bearer(h.tokens.operator),
  });
  expect(ack.statusCode).toBe(200);
  expect(ack.json()).toMatchObject({ state: 'ACKNOWLEDGED', acknowledgedBy: 'api:test-operator' });
  const acks = await received(mark, '/pager', 2);
  expect(acks.map((d) => [d.body.event_action, d.body.routing_key, d.body.dedup_key])).toEqual(
    expect.arrayContaining([
      ['acknowledge', 'first-line', incident],
      ['acknowledge', 'second-line', `${incident}-escalated`],
    ]),
  );
  const again = await h.api.inject({
    method: 'POST',
    url: `/api/v1/alarms/${id}/acknowledge`,
    headers: bearer(h.tokens.operator),
  });
  expect(again.statusCode).toBe(409);
  const viewerAck = await h.api.inject({
    method: 'POST',
    url: `/api/v1/alarms/${id}/acknowledge`,
    headers: bearer(h.tokens.viewer),
  });
  expect(viewerAck.statusCode).toBe(403);

  // An hour after the file, the window holds no file: resolved.
  mark = deliveries.length;
  expect(await alarmCounts()).toMatchObject({ firing: 0, acknowledged: 1 });
  const resolved = await evaluateAlarms(h.app, { now: new Date(t0.getTime() + 62 * MINUTE) });
  expect(resolved.changes).toEqual([expect.objectContaining({ alarm: id, change: 'RESOLVED' })]);
  expect(await alarmCounts()).toEqual({ cache: 'MISS', firing: 0, acknowledged: 0 });
  const resolves = await received(mark, '/pager', 2);
  expect(resolves.every((d) => d.body.event_action === 'resolve')).toBe(true);
  expect(JSON.stringify((await received(mark, '/slack', 1))[0]?.body)).toContain('Alarm error-rate resolved');

  const active = await h.api.inject({ url: '/api/v1/alarms', headers: bearer(h.tokens.viewer) });
  expect(active.json()).toEqual([]);
  const all = await h.api.inject({
    url: '/api/v1/alarms?state=RESOLVED&state=FIRING',
    headers: bearer(h.tokens.viewer),
  });
  expect(all.json()).toEqual([
    expect.objectContaining({
      id,
      state: 'RESOLVED',
      firedAt: t0.toISOString(),
      escalatedAt: new Date(t0.getTime() + 16 * MINUTE).toISOString(),
      acknowledgedBy: 'api:test-operator',
      resolvedAt: new Date(t0.getTime() + 62 * MINUTE).toISOString(),
    }),
  ]);
  const history = (
    await h.api.inject({ url: `/api/v1/audit/alarms/${id}`, headers: bearer(h.tokens.viewer) })
  ).json();
  expect(history.map((entry: { newValues: { state: string } }) => entry.newValues.state)).toEqual([
    'FIRING',
    'FIRING',
    'ACKNOWLEDGED',
    'RESOLVED',
  ]);
  expect(history[2].actor).toBe('api:test-operator');
});

it('lets one evaluator take each turn', async () => {
  const now = new Date(Date.now() + 3 * 3600_000);
  const results = await Promise.all(
    [1, 2, 3].map(() => evaluateAlarms(h.app, { now, minIntervalSeconds: 54 })),
  );
  expect(results.filter((result) => result.evaluated)).toHaveLength(1);
});

it('lists alarms on the command line', async () => {
  const { code, stdout } = await runCli(['alarms', 'list', '--all', '--json'], h.env.env);
  expect(code).toBe(0);
  expect(JSON.parse(stdout)).toEqual([expect.objectContaining({ rule: 'error-rate', state: 'RESOLVED' })]);
});
