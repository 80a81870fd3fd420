/// <reference lib="dom" />
// First paint of the web UI in Chromium, measured through the DevTools protocol. Not a test: it
// asserts nothing and prints figures. Run alone with `npm run bench -- ui-paint` (DATABASE_URL
// uses a throw-away database on that server, else the embedded PGlite); needs the built UI
// (`npm run build:ui`) and /usr/bin/chromium.
//
// Method: a fresh home with 10,000 active breaks inserted by one SQL statement (no files are
// ingested: the page reads breaks, not their origin), served by `buildServer` (the whole API:
// token, rate limit, cache, the built UI). Chromium (playwright-core, headless) opens each page
// BENCH_UI_RUNS times (default 5), each in a new browser context (cold HTTP cache, signed in
// through sessionStorage before the page loads). Per load: first contentful paint (Paint Timing,
// `first-contentful-paint`), the time to the first table row (a MutationObserver installed
// before the page's own scripts records performance.now() when the first `tbody tr` appears),
// bytes transferred (Resource Timing), and the DevTools protocol's Performance.getMetrics
// (ScriptDuration, TaskDuration). Medians are reported.
//   - baseline: the same 25 rows (the break list's first page, fetched once from the API) as a
//     static HTML table served by a bare Fastify route in the same process: what a page with no
//     JavaScript at all costs on this machine;
//   - the break list (/breaks): the UI's JavaScript, then GET /api/v1/breaks (server-side paging,
//     26 of the 10,000 rows), then the table;
//   - the dashboard (/): the counts of GET /api/v1/dashboard; the first row of its "active
//     breaks by vendor and age" table.
// Then the JavaScript bundle: every file in dist/ui/assets gzipped (zlib, level 9).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import Fastify from 'fastify';
import { type BrowserContext, chromium } from 'playwright-core';
import type { BreakView } from '../src/contracts/breaks.ts';
import { createToken } from '../src/services/tokens.ts';
import { seedBreaks } from '../test/support/seed-breaks.ts';
import { openBenchApi } from './bench-api.ts';

const RUNS = Number(process.env.BENCH_UI_RUNS ?? 5);
const BREAKS = 10_000;
const ASSETS = path.resolve(import.meta.dirname, '../dist/ui/assets');

interface Load {
  fcp: number;
  firstRow: number;
  bytes: number;
  scriptMs: number;
  taskMs: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

/** One cold load of `url`: until the first row of a table matching `rows` is in the document. */
async function load(context: BrowserContext, url: string, rows: string): Promise<Load> {
  const page = await context.newPage();
  await page.addInitScript((selector) => {
    const seen = () => {
      if ((window as { firstRow?: number }).firstRow === undefined && document.querySelector(selector))
        (window as { firstRow?: number }).firstRow = performance.now();
    };
    new MutationObserver(seen).observe(document, { childList: true, subtree: true });
  }, rows);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.goto(url);
  await page.waitForFunction(() => (window as { firstRow?: number }).firstRow !== undefined, null, {
    timeout: 120_000,
  });
  await page.waitForLoadState('networkidle');
  const timing = await page.evaluate(() => ({
    fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN,
    firstRow: (window as { firstRow?: number }).firstRow ?? Number.NaN,
    bytes: [
      ...performance.getEntriesByType('navigation'),
      ...performance.getEntriesByType('resource'),
    ].reduce((sum, entry) => sum + (entry as PerformanceResourceTiming).transferSize, 0),
  }));
  const { metrics } = await cdp.send('Performance.getMetrics');
  const metric = (name: string) => (metrics.find((m) => m.name === name)?.value ?? 0) * 1000;
  await page.close();
  return { ...timing, scriptMs: metric('ScriptDuration'), taskMs: metric('TaskDuration') };
}

function htmlTable(rows: readonly BreakView[]): string {
  const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const cells = (item: BreakView) =>
    [
      `<a href="/breaks/${item.id}">#${item.id}</a>`,
      item.status,
      item.vendorCode,
      item.accountId,
      item.check,
      `${item.periodStart} → ${item.periodEnd}`,
      `${Number(item.varianceBps).toFixed(2)} bp`,
      item.cause ?? 'none fits',
      `${item.ageDays} d`,
    ]
      .map((cell) => `<td>${cell.startsWith('<a') ? cell : escapeHtml(cell)}</td>`)
      .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Breaks</title></head><body><h1>Breaks</h1><table><caption>Breaks, page 1</caption><thead><tr>${[
    'Break',
    'Status',
    'Vendor',
    'Account',
    'Check',
    'Period',
    'Variance',
    'Cause',
    'Age',
  ]
    .map((name) => `<th scope="col">${name}</th>`)
    .join(
      '',
    )}</tr></thead><tbody>${rows.map((item) => `<tr>${cells(item)}</tr>`).join('')}</tbody></table></body></html>`;
}

function bundleSizes(): { name: string; bytes: number; gzip: number }[] {
  return fs
    .readdirSync(ASSETS)
    .map((name) => {
      const content = fs.readFileSync(path.join(ASSETS, name));
      return { name, bytes: content.length, gzip: zlib.gzipSync(content, { level: 9 }).length };
    })
    .sort((a, b) => b.gzip - a.gzip);
}

const ms = (value: number) => `${value.toFixed(0)} ms`;
const kb = (value: number) => `${(value / 1024).toFixed(1)} KB`;

export async function run(): Promise<string> {
  if (!fs.existsSync(ASSETS)) throw new Error('the UI is not built: npm run build:ui');
  const { app, api, close } = await openBenchApi({ PERFRECON_API_RATE_LIMIT_ANONYMOUS: '1000000' });
  const bare = Fastify();
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    const seeded = performance.now();
    await seedBreaks(app.database.db, { count: BREAKS, vendor: 'vendor-a', daysOpen: 3 });
    const seedMs = performance.now() - seeded;
    const viewer = (await createToken(app, { name: 'bench-viewer', role: 'viewer' }, 'bench')).secret;
    const apiUrl = await api.listen({ port: 0, host: '127.0.0.1' });
    const firstPage = (await (
      await fetch(`${apiUrl}/api/v1/breaks?limit=25&sort=openedAt&order=asc`, {
        headers: { authorization: `Bearer ${viewer}` },
      })
    ).json()) as BreakView[];
    const page = htmlTable(firstPage);
    bare.get('/breaks', async (_, reply) => reply.type('text/html; charset=utf-8').send(page));
    const bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' });

    const cases = [
      ['baseline: static HTML table of the same 25 rows, bare Fastify', `${bareUrl}/breaks`, 'tbody tr'],
      ['break list /breaks (10,000 breaks, first page of 25)', `${apiUrl}/breaks`, 'tbody tr'],
      ['dashboard / (breaks by vendor and age)', `${apiUrl}/`, '.cards tbody tr'],
    ] as const;
    const results: { name: string; loads: Load[] }[] = [];
    for (const [name, url, rows] of cases) {
      const loads: Load[] = [];
      for (let i = 0; i < RUNS; i++) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
        await context.addInitScript((token) => {
          sessionStorage.setItem(
            'perfrecon.session',
            JSON.stringify({ token, name: 'bench-viewer', role: 'viewer' }),
          );
        }, viewer);
        loads.push(await load(context, url, rows));
        await context.close();
      }
      results.push({ name, loads });
    }

    const base = results[0] as { loads: Load[] };
    const baseRow = median(base.loads.map((l) => l.firstRow));
    const baseFcp = median(base.loads.map((l) => l.fcp));
    const bundle = bundleSizes();
    const js = bundle.filter((file) => file.name.endsWith('.js'));
    const load1 = os.loadavg()[0]?.toFixed(1);
    return [
      '## Web UI: first paint in Chromium (DevTools protocol)',
      '',
      `Method: see bench/ui-paint.bench.ts. ${BREAKS.toLocaleString('en')} active breaks inserted by one SQL statement (${ms(seedMs)}) on ${app.database.mode === 'server' ? 'a PostgreSQL server' : 'the embedded PGlite'}; each page loaded ${RUNS} times in a new browser context (cold cache, signed in), medians; headless Chromium ${browser.version()} on loopback. Load average (1 min) at the end: ${load1} on ${os.cpus().length} cores.`,
      '',
      '| page | first contentful paint | first table row | × baseline (first row) | transferred | script (CDP) | main-thread tasks (CDP) |',
      '|---|---:|---:|---:|---:|---:|---:|',
      ...results.map(({ name, loads }) => {
        const row = median(loads.map((l) => l.firstRow));
        return `| ${name} | ${ms(median(loads.map((l) => l.fcp)))} | ${ms(row)} | ${(row / baseRow).toFixed(1)}× | ${kb(median(loads.map((l) => l.bytes)))} | ${ms(median(loads.map((l) => l.scriptMs)))} | ${ms(median(loads.map((l) => l.taskMs)))} |`;
      }),
      '',
      `Baseline first contentful paint ${ms(baseFcp)}. Single loads (first row, ms): ${results
        .map(
          ({ name, loads }) => `${name.split(' ')[0]} ${loads.map((l) => l.firstRow.toFixed(0)).join(', ')}`,
        )
        .join('; ')}.`,
      '',
      `JavaScript bundle (dist/ui/assets, gzip level 9): ${kb(js.reduce((sum, file) => sum + file.gzip, 0))} in all; ${js
        .map((file) => `${file.name} ${kb(file.gzip)}`)
        .join(
          ', ',
        )}. The break list loads only the entry chunk; ECharts comes with the chart pages (dashboard, account, usage).`,
      '',
    ].join('\n');
  } finally {
    await browser.close();
    await bare.close();
    await close();
  }
}
