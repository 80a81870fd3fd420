// Benchmark of reconciliation: the engine (src/services/reconciliation over src/reconcile) against one
// hand-written SQL query doing the return comparison, on the same 1M account-periods. Not a test:
// it asserts nothing and prints figures. Run alone with `node bench/reconcile.bench.ts`
// (DATABASE_URL=postgres://… for a PostgreSQL server, else the embedded PGlite in a temporary
// folder); `run()` returns the report as a markdown section for BENCHMARKS.md.
//
// Method: BENCH_ACCOUNTS (10,000) accounts × BENCH_PERIODS (100) monthly periods, one vendor, no
// flows, generated in the database by SQL (not timed). Market values chain (each period's end
// value is the next one's begin value); the stored calculated return is EMV/BMV - 1 in NUMERIC,
// the vendor return that rounded to 6 decimals, and 0.2 % of periods get 5 bp added (breaks).
// Tolerance rules: a global rule, a vendor rule and 100 account rules. Then, timed once each by
// wall clock (performance.now), after a warm-up of the SQL query:
//   1. the full run, `reconcile()` over everything: batches of at most 1,000 accounts and
//      100,000 periods, each screened by one query (every check counted there, the periods in
//      doubt named), only those periods read with their neighbours and decided by the engine
//      (whole accounts only for gaps, overlaps, missing data, two vendors), each break
//      explained, the failures written by bulk load, the breaks opened (audited) and the cache
//      invalidated — run before the slow path, so the peak RSS reported is the run's own;
//   2. for comparison, the slow path on the same data: the engine reading every account's
//      periods in batches, and its pure decisions (reconcileAccount) of every account;
//   3. the SQL query: return comparison only, tolerance resolved account+vendor → account →
//      vendor → global → 1 bp (effective-dated) by hash joins on the rules' validity ranges, plus
//      the vendor's rounding read from the NUMERIC scale — once counting passed/failed (median
//      of 3), once materialising every result into a table (CREATE TABLE AS, median of 3).
//      (A first version looked the tolerance up per row with a LATERAL subquery: 19 s for 1M
//      rows on the server, against 1–2 s for this one; the fair comparison is with the fast one.)
//   4. the floor of the continuity check in SQL alone: the previous end value of every period
//      by a window over each series (what the screen must add to the return comparison),
//      counting the pairs whose values differ (median of 3).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { memoryCache } from '../src/cache/index.ts';
import { loadAppConfig } from '../src/config/app-config.ts';
import { reconcileAccount, ToleranceBook } from '../src/reconcile/index.ts';
import { reconcile } from '../src/services/reconciliation/index.ts';
import { vendorSettingsLookup } from '../src/services/reconciliation/vendor-settings.ts';
import { type Database, openDatabase } from '../src/store/db/database.ts';
import { migrateToLatest } from '../src/store/migrate.ts';
import { accountsInScope, loadPeriods } from '../src/store/reconciliation-repository.ts';
import { listToleranceRules } from '../src/store/tolerance-repository.ts';
import { serverDatabase } from './server-database.ts';

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 10_000);
const PERIODS = Number(process.env.BENCH_PERIODS ?? 100);
const BATCH = 1000;

interface Target {
  database: Database;
  description: string;
  drop(): Promise<void>;
}

async function openTarget(): Promise<Target> {
  const server = await serverDatabase();
  if (server.url === undefined) {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'prb-'));
    const database = await openDatabase(loadAppConfig({ PERFRECON_HOME: home }));
    await migrateToLatest(database.db);
    return {
      database,
      description: 'embedded PostgreSQL (PGlite, over its local socket)',
      async drop() {
        await database.close();
        fs.rmSync(home, { recursive: true, force: true });
      },
    };
  }
  const database = await openDatabase(loadAppConfig({ DATABASE_URL: server.url }));
  await migrateToLatest(database.db);
  const version = (await database.pool.query('SHOW server_version')).rows[0]?.server_version;
  return {
    database,
    description: `PostgreSQL ${version} server on this machine`,
    async drop() {
      await database.close();
      await server.drop();
    },
  };
}

async function generate(database: Database): Promise<void> {
  const { db } = database;
  await sql`INSERT INTO vendors (code, name) VALUES ('bench', 'Benchmark vendor')`.execute(db);
  const file = await sql<{ id: number }>`
    INSERT INTO files (sha256, name, size_bytes, vendor_code, config_version, status)
    VALUES (${'0'.repeat(64)}, 'bench.csv', 0, 'bench', 'bench', 'SUCCEEDED') RETURNING id`.execute(db);
  const fileId = file.rows[0]?.id as number;
  await sql`
    INSERT INTO accounts (account_id, currency)
    SELECT 'B' || lpad(a::text, 6, '0'), 'EUR' FROM generate_series(1, ${ACCOUNTS}::int) a`.execute(db);
  // In slices of accounts, so the embedded database's single session is not held for minutes.
  for (let first = 1; first <= ACCOUNTS; first += 1000) {
    const last = Math.min(ACCOUNTS, first + 999);
    await sql`
      INSERT INTO performance_periods (account_id, vendor_code, period_start, period_end, currency,
        begin_market_value, end_market_value, vendor_return, return_basis, calculated_return,
        calculation_method, calculation_version, file_id, config_version, source_location)
      SELECT account_id, 'bench', period_start, period_end, 'EUR', bmv, emv,
        round(emv / bmv - 1, 6) + CASE WHEN (a * 31 + k * 17) % 500 = 0 THEN 0.0005 ELSE 0 END,
        'net', emv / bmv - 1, 'modified_dietz', 'bench', ${fileId}, 'bench',
        jsonb_build_object('file', 'bench.csv', 'row', a * ${PERIODS}::int + k + 2)
      FROM (
        SELECT a, k, 'B' || lpad(a::text, 6, '0') AS account_id,
          ((date '2016-01-01' + make_interval(months => k))::date - 1) AS period_start,
          ((date '2016-01-01' + make_interval(months => k + 1))::date - 1) AS period_end,
          round(100000 * power(1.002 + (a % 7) * 0.001, k)::numeric, 2) AS bmv,
          round(100000 * power(1.002 + (a % 7) * 0.001, k + 1)::numeric, 2) AS emv
        FROM generate_series(${first}::int, ${last}::int) a, generate_series(0, ${PERIODS - 1}::int) k
      ) s`.execute(db);
  }
  await sql`
    INSERT INTO reconciliation_tolerances (account_id, vendor_code, effective_from, return_bps, updated_by)
    VALUES ('*', '*', '2000-01-01', 1, 'bench'), ('*', 'bench', '2020-01-01', 1.5, 'bench')`.execute(db);
  await sql`
    INSERT INTO reconciliation_tolerances (account_id, vendor_code, effective_from, return_bps, updated_by)
    SELECT 'B' || lpad((a * 97)::text, 6, '0'), '*', '2022-01-01', 3, 'bench' FROM generate_series(1, 100) a`.execute(
    db,
  );
  await sql`ANALYZE`.execute(db);
}

// The hand-written query. Tolerance rules become validity ranges (effective_from up to the next
// rule's, or effective_to) so each level is a hash join instead of a lookup per row; the
// vendor's rounding is half a unit of the vendor_return's NUMERIC scale (at least 4 decimals).
// Same semantics as the engine for this data; the bench checks that both find the same breaks.
const RETURN_COMPARISON = sql`
  WITH rules AS MATERIALIZED (
    SELECT account_id, vendor_code, return_bps, effective_from,
      least(coalesce(effective_to, '9999-12-31'),
            coalesce(lead(effective_from) OVER (PARTITION BY account_id, vendor_code ORDER BY effective_from) - 1,
                     '9999-12-31')) AS until
    FROM reconciliation_tolerances
  ),
  global_rules AS MATERIALIZED (SELECT * FROM rules WHERE account_id = '*' AND vendor_code = '*')
  SELECT p.account_id, p.vendor_code, p.period_start, p.period_end,
    (p.vendor_return - p.calculated_return) * 10000 AS variance_bps,
    coalesce(av.return_bps, a.return_bps, v.return_bps, g.return_bps, 1) AS tolerance_bps,
    abs(p.vendor_return - p.calculated_return)
      <= coalesce(av.return_bps, a.return_bps, v.return_bps, g.return_bps, 1) / 10000
         + CASE greatest(scale(p.vendor_return), 4)
             WHEN 4 THEN 0.00005 WHEN 5 THEN 0.000005 WHEN 6 THEN 0.0000005
             ELSE 0.5 * power(10::numeric, -greatest(scale(p.vendor_return), 4)) END AS passed
  FROM performance_periods p
  LEFT JOIN rules av ON av.account_id = p.account_id AND av.vendor_code = p.vendor_code
    AND p.period_end BETWEEN av.effective_from AND av.until
  LEFT JOIN rules a ON a.account_id = p.account_id AND a.vendor_code = '*'
    AND p.period_end BETWEEN a.effective_from AND a.until
  LEFT JOIN rules v ON v.account_id = '*' AND v.vendor_code = p.vendor_code
    AND p.period_end BETWEEN v.effective_from AND v.until
  LEFT JOIN global_rules g ON p.period_end BETWEEN g.effective_from AND g.until
  WHERE p.vendor_return IS NOT NULL AND p.calculated_return IS NOT NULL`;

// The continuity check's least work in SQL: each period's previous end value in its series.
const CONTINUITY_FLOOR = sql`
  SELECT count(*) FILTER (WHERE begin_market_value <> previous_value) AS moved FROM (
    SELECT begin_market_value,
      lag(end_market_value) OVER (PARTITION BY account_id, vendor_code ORDER BY period_start, period_end) AS previous_value
    FROM performance_periods) s`;

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

const loadAverage = (load: number[]) => load.map((value) => value.toFixed(1)).join(' / ');
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const rate = (count: number, ms: number) => `${Math.round(count / (ms / 1000)).toLocaleString('en-US')}/s`;

export async function run(): Promise<string> {
  const loadAtStart = os.loadavg();
  const target = await openTarget();
  try {
    const { database } = target;
    const { db } = database;
    const generated = await timed(() => generate(database));
    const periods = ACCOUNTS * PERIODS;

    // The SQL query, counting: warm-up, then the median of 3.
    const countQuery = sql<{ checked: string; failed: string }>`
      SELECT count(*) AS checked, count(*) FILTER (WHERE NOT passed) AS failed FROM (${RETURN_COMPARISON}) r`;
    const sqlCounts = (await countQuery.execute(db)).rows[0];
    const countTimes: number[] = [];
    for (let i = 0; i < 3; i++) countTimes.push((await timed(() => countQuery.execute(db))).ms);
    const materialiseTimes: number[] = [];
    for (let i = 0; i < 3; i++) {
      await sql`DROP TABLE IF EXISTS bench_sql_results`.execute(db);
      materialiseTimes.push(
        (await timed(() => sql`CREATE TABLE bench_sql_results AS ${RETURN_COMPARISON}`.execute(db))).ms,
      );
    }
    const continuityTimes: number[] = [];
    for (let i = 0; i < 3; i++) continuityTimes.push((await timed(() => CONTINUITY_FLOOR.execute(db))).ms);
    const sqlContinuity = median(continuityTimes);
    const sqlCount = median(countTimes);
    const sqlMaterialise = median(materialiseTimes);

    // The engine's full run, first: its peak RSS is its own, not the slow path's below.
    const rssBefore = process.memoryUsage().rss;
    const engine = await timed(() =>
      reconcile(
        { database, vendors: [], notifier: { notify: async () => {} }, cache: memoryCache() },
        { actor: 'bench', trigger: 'schedule' },
      ),
    );
    const summary = engine.value.summary;
    const returnChecks = summary.perCheck.RETURN;
    const rssPeak = process.resourceUsage().maxRSS * 1024;

    // The engine's parts: reading the batches, and deciding (pure, in memory).
    const settings = vendorSettingsLookup([]);
    const book = new ToleranceBook(await listToleranceRules(db), (code) => settings(code).tolerances);
    const scope = { from: '0001-01-01', to: '9999-12-31', vendorCodes: null, expectThrough: null };
    const accounts = (await accountsInScope(db, { from: scope.from, to: scope.to })).map((a) => a.accountId);
    let readMs = 0;
    let decideMs = 0;
    let decided = 0;
    for (let index = 0; index < accounts.length; index += BATCH) {
      const batch = accounts.slice(index, index + BATCH);
      const read = await timed(() => loadPeriods(db, batch, scope.from, scope.to));
      readMs += read.ms;
      const started = performance.now();
      for (const accountId of batch) {
        decided += reconcileAccount(accountId, read.value.get(accountId) ?? [], scope, {
          tolerances: book,
          settings,
        }).length;
      }
      decideMs += performance.now() - started;
    }

    const ratioCount = engine.ms / sqlCount;
    const ratioMaterialise = engine.ms / sqlMaterialise;
    const agree =
      Number(sqlCounts?.failed) === returnChecks?.failed &&
      Number(sqlCounts?.checked) === returnChecks?.checked;
    return [
      '## Reconciliation: engine vs one SQL query (`bench/reconcile.bench.ts`)',
      '',
      `Data: ${ACCOUNTS.toLocaleString('en-US')} accounts × ${PERIODS} monthly periods = **${periods.toLocaleString('en-US')} account-periods**, one vendor, no flows; ` +
        `0.2 % of vendor returns 5 bp off; 102 tolerance rules. Database: ${target.description}. ` +
        `Generated in ${seconds(generated.ms)} (not timed below).`,
      '',
      `Method: see the comment at the top of the file. Wall-clock, one run of the engine, median of 3 for each SQL variant after a warm-up. ` +
        `Load average (1/5/15 min) at the start ${loadAverage(loadAtStart)}, at the end ${loadAverage(os.loadavg())} (2 cores, shared).`,
      '',
      '| what | time | throughput |',
      '|---|---:|---:|',
      `| engine, full run (${summary.checked.toLocaleString('en-US')} checks: ${returnChecks?.checked.toLocaleString('en-US')} returns + continuity, screened set-based, the periods in doubt decided by the engine; ${summary.failed.toLocaleString('en-US')} failures written; ${summary.breaksOpened} breaks opened and explained) | ${seconds(engine.ms)} | ${rate(periods, engine.ms)} periods |`,
      `| for comparison, the engine deciding every account (the slow path): reading the periods (batches of ${BATCH} accounts) | ${seconds(readMs)} | ${rate(periods, readMs)} periods |`,
      `| — and deciding, pure in memory (${decided.toLocaleString('en-US')} checks) | ${seconds(decideMs)} | ${rate(decided, decideMs)} checks |`,
      `| SQL: return comparison with tolerance resolution, counting passed/failed | ${seconds(sqlCount)} | ${rate(periods, sqlCount)} periods |`,
      `| SQL: the same, materialising every result (CREATE TABLE AS) | ${seconds(sqlMaterialise)} | ${rate(periods, sqlMaterialise)} periods |`,
      `| SQL: the continuity floor alone — each period's previous end value by a window over its series, counting | ${seconds(sqlContinuity)} | ${rate(periods, sqlContinuity)} periods |`,
      '',
      `Ratio engine / SQL: **${ratioCount.toFixed(1)}×** against the counting query, **${ratioMaterialise.toFixed(1)}×** against the materialising one; ` +
        `**${(engine.ms / (sqlCount + sqlContinuity)).toFixed(1)}×** against the counting query plus the continuity floor (${seconds(sqlCount + sqlContinuity)}). ` +
        `The run does more than the query — continuity (a second check per period), the engine's decision of the periods the screen ` +
        `is not sure of, the failures stored with their inputs and explanation, the audited breaks.`,
      '',
      `Both find the same return breaks: SQL ${Number(sqlCounts?.failed).toLocaleString('en-US')} of ${Number(sqlCounts?.checked).toLocaleString('en-US')}, ` +
        `engine ${returnChecks?.failed.toLocaleString('en-US')} of ${returnChecks?.checked.toLocaleString('en-US')} (${agree ? 'agree' : 'DISAGREE'}). ` +
        `Engine process RSS before the run ${Math.round(rssBefore / 2 ** 20)} MiB, peak ${Math.round(rssPeak / 2 ** 20)} MiB.`,
      '',
    ].join('\n');
  } finally {
    await target.drop();
  }
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${await run()}\n`);
}
