// Benchmark of the HTTP API with autocannon on loopback. Not a test: it asserts nothing and
// prints figures. Run alone with `npm run bench -- api` (DATABASE_URL=postgres://… uses a
// throw-away database on that server, REDIS_URL a Redis cache; else the embedded PGlite and the
// in-process cache); `run()` returns the report as a markdown section for BENCHMARKS.md.
//
// Method: one process holds the API (buildServer over the real services), a bare Fastify server
// with one route returning a constant, and autocannon (10 connections, BENCH_API_SECONDS each,
// default 10, after a 2 s warm-up). Data: one canonical file of 100 accounts × 3 daily periods
// whose vendor returns are all off (300 return breaks), stored by the ingest service, then one
// reconciliation run. Measured, in this order, with a viewer token:
//   1. bare: GET / on the bare Fastify server; then GET /healthz on the API (its hooks and
//      plugins without token, rate limit or cache: what every route pays at least);
//   2. cached summary: GET /api/v1/reconciliation/runs/:id, a cache hit (X-Cache: HIT);
//   3. uncached summary: the same route with a query string new on every request, so every
//      request misses, loads from the database and stores its entry (a cold cache-aside);
//   4. GET /api/v1/breaks?limit=100: an authenticated list of 100 breaks (cached list).
// Then a 30 s flood over the rate limit: an operator token (limit 600 per minute) with 20
// connections on GET /api/v1/vendors, while another (viewer) token asks every 250 ms; counted
// are the flood's statuses and the other token's answers, and /healthz afterwards. Autocannon
// shares the process (and the 2 cores) with the servers: figures are lower than with a load
// generator on another machine. Beside throughput, the process's CPU time per request is given
// (servers and autocannon together), which the machine's other load disturbs less.

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { ingestFile } from '../src/services/ingest/ingest-file.ts';
import { reconcile } from '../src/services/reconciliation/index.ts';
import { createToken } from '../src/services/tokens.ts';
import { openBenchApi } from './bench-api.ts';

const SECONDS = Number(process.env.BENCH_API_SECONDS ?? 10);
const FLOOD_SECONDS = Number(process.env.BENCH_API_FLOOD_SECONDS ?? 30);
const ACCOUNTS = 100;
const PERIODS = 3;

interface Measured {
  name: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  /** This process's CPU (servers and autocannon) per request: less sensitive to other load. */
  cpuMicrosPerRequest: number;
}

async function measure(name: string, options: autocannon.Options): Promise<Measured> {
  await autocannon({ ...options, duration: 2 });
  const cpu = process.cpuUsage();
  const result = await autocannon({ connections: 10, ...options, duration: SECONDS });
  const used = process.cpuUsage(cpu);
  return {
    name,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    cpuMicrosPerRequest: (used.user + used.system) / Math.max(1, result.requests.total),
  };
}

function canonicalFile(dir: string): string {
  const lines = [
    'account_id,period_start,period_end,currency,begin_market_value,end_market_value,flow_date,flow_amount,flow_timing,income,fees,vendor_return,return_basis',
  ];
  for (let a = 1; a <= ACCOUNTS; a++) {
    for (let k = 0; k < PERIODS; k++) {
      const start = `2024-01-${String(1 + k).padStart(2, '0')}`;
      const end = `2024-01-${String(2 + k).padStart(2, '0')}`;
      // The vendor says 5 %, the figures say 0.1 %: a return break on every period.
      lines.push(`BENCH-${a},${start},${end},USD,1000000,1001000,,,,,0,0.05,gross`);
    }
  }
  const file = path.join(dir, 'canonical-bench.csv');
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 1)} ms`;

export async function run(): Promise<string> {
  const { app, api, home, close } = await openBenchApi(
    {
      PERFRECON_API_RATE_LIMIT_VIEWER: '1000000000',
      PERFRECON_API_RATE_LIMIT_OPERATOR: '600',
      PERFRECON_REDIS_PREFIX: `bench${randomBytes(4).toString('hex')}`,
    },
    { maxConnections: 20 },
  );
  const bare = Fastify();
  bare.get('/', async () => ({ status: 'ok' }));
  try {
    const apiUrl = await api.listen({ port: 0, host: '127.0.0.1' });
    const bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' });
    const summary = await ingestFile(
      {
        database: app.database,
        vendors: app.vendors,
        notifier: app.notifier,
        actor: 'bench',
        maxFileBytes: 2 ** 30,
        cache: app.cache,
      },
      { filePath: canonicalFile(home) },
    );
    const outcome = await reconcile(app, {
      from: '2024-01-01',
      to: '2024-01-31',
      expectThrough: null,
      trigger: 'manual',
      actor: 'bench',
    });
    const viewer = (await createToken(app, { name: 'bench-viewer', role: 'viewer' }, 'bench')).secret;
    const flooder = (await createToken(app, { name: 'bench-flood', role: 'operator' }, 'bench')).secret;
    const auth = { authorization: `Bearer ${viewer}` };
    const runUrl = `${apiUrl}/api/v1/reconciliation/runs/${outcome.runId}`;
    const breaks = (await (
      await fetch(`${apiUrl}/api/v1/breaks?limit=100`, { headers: auth })
    ).json()) as unknown[];
    const cacheHit = (await fetch(runUrl, { headers: auth })).headers.get('x-cache');

    const loadAtStart = os.loadavg()[0]?.toFixed(1);
    const rows: Measured[] = [];
    rows.push(await measure('bare Fastify route (constant)', { url: `${bareUrl}/` }));
    rows.push(
      await measure('API stack alone: /healthz (hooks, helmet, metrics; no rate limit)', {
        url: `${apiUrl}/healthz`,
      }),
    );
    rows.push(await measure('reconciliation run summary, cached', { url: runUrl, headers: auth }));
    let miss = 0;
    rows.push(
      await measure('reconciliation run summary, uncached', {
        url: runUrl,
        headers: auth,
        requests: [
          { setupRequest: (request) => ({ ...request, path: `${new URL(runUrl).pathname}?miss=${++miss}` }) },
        ],
      }),
    );
    rows.push(
      await measure('list of 100 breaks (authenticated)', {
        url: `${apiUrl}/api/v1/breaks?limit=100`,
        headers: auth,
      }),
    );

    // The flood, with another token asking beside it.
    let probes = 0;
    let probesServed = 0;
    let probing = true;
    const probe = (async () => {
      while (probing) {
        probes++;
        const res = await fetch(`${apiUrl}/api/v1/vendors`, { headers: auth }).catch(() => undefined);
        if (res?.status === 200) probesServed++;
        await res?.arrayBuffer();
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();
    const flood = await autocannon({
      url: `${apiUrl}/api/v1/vendors`,
      headers: { authorization: `Bearer ${flooder}` },
      connections: 20,
      duration: FLOOD_SECONDS,
    });
    probing = false;
    await probe;
    const alive = (await fetch(`${apiUrl}/healthz`)).status;
    const statuses = flood.statusCodeStats as unknown as Record<string, { count: number }>;
    const count = (status: string) => statuses[status]?.count ?? 0;

    const [bareRow, stackRow, cachedRow, uncachedRow, listRow] = rows as [
      Measured,
      Measured,
      Measured,
      Measured,
      Measured,
    ];
    const ratio = cachedRow.requestsPerSecond / bareRow.requestsPerSecond;
    const store = `${app.database.mode === 'server' ? 'PostgreSQL server' : 'embedded PGlite'}, ${app.cache.kind === 'redis' ? 'Redis' : 'in-process'} cache`;
    return [
      '## HTTP API (autocannon, loopback)',
      '',
      `${store}; ${ACCOUNTS * PERIODS} periods stored (${summary.rowsStored}), one run, ${breaks.length} breaks listed; summary X-Cache before the cached measure: ${cacheHit}. 10 connections, ${SECONDS} s each after a 2 s warm-up; autocannon in the same process. Method in \`bench/api.bench.ts\`.`,
      '',
      '| route | requests/s | p50 | p99 | non-2xx | CPU µs/request |',
      '|---|---:|---:|---:|---:|---:|',
      ...rows.map(
        (r) =>
          `| ${r.name} | ${Math.round(r.requestsPerSecond)} | ${ms(r.p50)} | ${ms(r.p99)} | ${r.non2xx} | ${Math.round(r.cpuMicrosPerRequest)} |`,
      ),
      '',
      `Cached summary / bare route: **${ratio.toFixed(2)}** (goal ≥ 0.5: ${ratio >= 0.5 ? 'met' : 'not met'}); cached p99 ${ms(cachedRow.p99)} (goal < 10 ms: ${cachedRow.p99 < 10 ? 'met' : 'not met'}). The API's stack alone (an open route, no cache) runs at ${(stackRow.requestsPerSecond / bareRow.requestsPerSecond).toFixed(2)} of the bare rate, and the cached summary at ${(cachedRow.requestsPerSecond / stackRow.requestsPerSecond).toFixed(2)} of the stack's. Uncached summary: ${(uncachedRow.requestsPerSecond / cachedRow.requestsPerSecond).toFixed(2)} of the cached rate; list of 100 breaks: ${(listRow.requestsPerSecond / bareRow.requestsPerSecond).toFixed(2)} of the bare rate. By CPU per request (less sensitive to the machine's other load): the cached summary costs ${(cachedRow.cpuMicrosPerRequest / bareRow.cpuMicrosPerRequest).toFixed(2)}× the bare route, the stack alone ${(stackRow.cpuMicrosPerRequest / bareRow.cpuMicrosPerRequest).toFixed(2)}×. Load average (1 min) at the start ${loadAtStart}, at the end ${os.loadavg()[0]?.toFixed(1)}.`,
      '',
      `Flood over the rate limit (operator token, 600/min, 20 connections, ${FLOOD_SECONDS} s): ${flood.requests.total} requests, ${count('200')} answered 200 and ${count('429')} answered 429 (p99 ${ms(flood.latency.p99)}), ${flood.errors} connection errors; the other token was served ${probesServed} of ${probes} times during it; /healthz afterwards: ${alive}.`,
      '',
    ].join('\n');
  } finally {
    await bare.close();
    await close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(`${await run()}\n`);
