// Retention keeps exactly what it promises: the newest result of every check and every FAILED
// result forever, each file's latest processing-log row, audit rows and archived files within
// their retention — and purges the rest; a dry run counts the same and changes nothing.
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { App } from '../../src/app.ts';
import type { RetentionSettings } from '../../src/config/app-config.ts';
import type { Logger } from '../../src/observe/logger.ts';
import { startPipeline } from '../../src/pipeline/runtime.ts';
import { writeSamples } from '../../src/samples/write-samples.ts';
import { PARTITION_MONTHS_AHEAD, preparePartitions } from '../../src/services/database.ts';
import { ingestFile } from '../../src/services/ingest/ingest-file.ts';
import { reconcile } from '../../src/services/reconciliation/index.ts';
import { runRetention, startRetentionSchedule } from '../../src/services/retention.ts';
import { waitUntil } from '../pipeline/support.ts';
import { ingestContext, openTestApp } from '../support/test-app.ts';
import { createTestEnv, type TestEnv } from '../support/test-env.ts';

const NOW = new Date('2024-07-01T00:00:00Z');
const SETTINGS: RetentionSettings = {
  resultsDays: 30, // runs before 2024-06-01
  processingLogDays: 90, // before 2024-04-02
  auditDays: 365, // before 2023-07-02
  landingDays: 60, // archived before 2024-05-02
  metricSamplesDays: 30,
  intervalMinutes: undefined,
};

let env: TestEnv;
let app: App;
let landingRoot: string;

beforeAll(async () => {
  env = await createTestEnv();
  app = await openTestApp(env);
  landingRoot = path.join(env.home, 'landing');
});

afterAll(async () => {
  await app?.close();
  await env?.cleanup();
});

const retention = (dryRun: boolean, settings = SETTINGS, now = NOW) =>
  runRetention(app, { settings, landingRoot, dryRun, actor: 'test:retention', now });

async function rows(query: string): Promise<string[]> {
  const result = await sql.raw<{ row: string }>(query).execute(app.database.db);
  return result.rows.map((r) => r.row);
}

const resultKeys = () =>
  rows(`SELECT concat_ws(' ', r.check_kind, r.counterparty, run.started_at::date, r.status) AS row
    FROM reconciliation_results r JOIN reconciliation_runs run ON run.id = r.run_id
    WHERE r.account_id = 'RET-1' ORDER BY 1`);
const logRows = () =>
  rows(`SELECT concat_ws(' ', f.name, l.at::date) AS row FROM etl_processing_log l JOIN files f ON f.id = l.file_id
    WHERE f.name LIKE 'ret-%' ORDER BY 1`);
const auditRows = () =>
  rows(`SELECT concat_ws(' ', action, at::date) AS row FROM audit_log WHERE actor = 'test:old' ORDER BY 1`);
const storedPaths = () =>
  rows(
    `SELECT concat_ws(' ', name, coalesce(stored_path, '-')) AS row FROM files WHERE name LIKE 'ret-%' ORDER BY 1`,
  );

/** A finished run that started at `startedAt`; its id. */
const storeRun = async (db: App['database']['db'], startedAt: string) =>
  (
    await sql<{ id: number }>`INSERT INTO reconciliation_runs (trigger, actor, inputs, status, started_at)
      VALUES ('manual', 'test', '{}', 'COMPLETED', ${startedAt}::timestamptz) RETURNING id`.execute(db)
  ).rows[0]?.id ?? 0;

/** A result of a run (carrying the run's start, its partition key). */
const storeResult = (
  db: App['database']['db'],
  r: { account: string; runId: number; check: string; status: 'PASSED' | 'FAILED'; counterparty?: string },
) =>
  sql`INSERT INTO reconciliation_results (account_id, run_id, check_kind, vendor_code, counterparty,
      period_start, period_end, status, tolerance_source, message, run_started_at)
    SELECT ${r.account}, id, ${r.check}, 'canonical', ${r.counterparty ?? ''}, '2024-01-31', '2024-02-29', ${r.status},
      'default', 'm', started_at
    FROM reconciliation_runs WHERE id = ${r.runId}`.execute(db);

describe('retention on hand-made history', () => {
  const archived = (day: string, name: string) => path.join(landingRoot, 'archive', ...day.split('-'), name);

  beforeAll(async () => {
    const db = app.database.db;
    const run = (startedAt: string) => storeRun(db, startedAt);
    const r1 = await run('2024-04-01T00:00:00Z');
    const r2 = await run('2024-05-01T00:00:00Z');
    const r3 = await run('2024-06-25T00:00:00Z'); // within the results retention
    const r4 = await run('2024-06-28T00:00:00Z');
    const result = (runId: number, check: string, status: 'PASSED' | 'FAILED', counterparty = '') =>
      storeResult(db, { account: 'RET-1', runId, check, status, counterparty });
    // c1: passed three times; c2: passed, then failed; c3: failed, then passed; c4: passed once,
    // long ago; c5: passed in an old and a recent run; c6: passed in two recent runs; c7: one
    // check per counterparty (different checks).
    for (const runId of [r1, r2, r3]) await result(runId, 'c1', 'PASSED');
    await result(r1, 'c2', 'PASSED');
    await result(r2, 'c2', 'FAILED');
    await result(r1, 'c3', 'FAILED');
    await result(r2, 'c3', 'PASSED');
    await result(r1, 'c4', 'PASSED');
    await result(r2, 'c5', 'PASSED');
    await result(r3, 'c5', 'PASSED');
    await result(r3, 'c6', 'PASSED');
    await result(r4, 'c6', 'PASSED');
    await result(r1, 'c7', 'PASSED', 'vendor-b');
    await result(r2, 'c7', 'PASSED', 'vendor-c');

    const file = async (name: string, storedPath: string) =>
      (
        await sql<{ id: number }>`INSERT INTO files (sha256, name, size_bytes, status, stored_path)
          VALUES (encode(sha256(${name}::bytea), 'hex'), ${name}, 1, 'SUCCEEDED', ${storedPath}) RETURNING id`.execute(
          db,
        )
      ).rows[0]?.id ?? 0;
    const log = (fileId: number, at: string) =>
      sql`INSERT INTO etl_processing_log (file_id, at, status, step) VALUES (${fileId}, ${at}::timestamptz, 'SUCCEEDED', 'store')`.execute(
        db,
      );
    const old = await file('ret-old.csv', archived('2024-04-01', 'ret-old.csv'));
    const recent = await file('ret-recent.csv', archived('2024-06-15', 'ret-recent.csv'));
    for (const at of ['2024-01-01', '2024-02-01', '2024-03-01']) await log(old, at);
    for (const at of ['2024-06-01', '2024-06-02']) await log(recent, at);
    for (const day of ['2024-04-01', '2024-06-15']) {
      const name = day === '2024-04-01' ? 'ret-old.csv' : 'ret-recent.csv';
      fs.mkdirSync(path.dirname(archived(day, name)), { recursive: true });
      fs.writeFileSync(archived(day, name), 'bytes\n');
    }

    for (const at of ['2023-01-01', '2023-07-01', '2024-01-01']) {
      await sql`INSERT INTO audit_log (table_name, row_key, action, actor, at)
        VALUES ('files', '{}', ${`OLD-${at}`}, 'test:old', ${at}::timestamptz)`.execute(db);
    }
  });

  const expected = {
    // By check, counterparty, the run's start and status: c1's first two, c2's passing first and
    // c5's old one are gone.
    results: [
      'c1  2024-06-25 PASSED',
      'c2  2024-05-01 FAILED',
      'c3  2024-04-01 FAILED',
      'c3  2024-05-01 PASSED',
      'c4  2024-04-01 PASSED',
      'c5  2024-06-25 PASSED',
      'c6  2024-06-25 PASSED',
      'c6  2024-06-28 PASSED',
      'c7 vendor-b 2024-04-01 PASSED',
      'c7 vendor-c 2024-05-01 PASSED',
    ],
    log: ['ret-old.csv 2024-03-01', 'ret-recent.csv 2024-06-01', 'ret-recent.csv 2024-06-02'],
    audit: ['OLD-2024-01-01 2024-01-01'],
  };

  it('a dry run counts what a run purges and changes nothing', async () => {
    const before = [await resultKeys(), await logRows(), await auditRows(), await storedPaths()];
    const report = await retention(true);
    expect(report).toMatchObject({
      dryRun: true,
      ran: true,
      results: { rows: 4, cutoff: '2024-06-01T00:00:00.000Z' },
      processingLog: { rows: 2 },
      audit: { rows: 2 },
      landing: { files: 1, bytes: 6 },
    });
    expect([await resultKeys(), await logRows(), await auditRows(), await storedPaths()]).toEqual(before);
    expect(fs.existsSync(archived('2024-04-01', 'ret-old.csv'))).toBe(true);
  });

  it('purges exactly the superseded passing results, old log and audit rows and archived files', async () => {
    const purgesBefore = (await rows(`SELECT id::text AS row FROM audit_log WHERE action = 'PURGE'`)).length;
    const report = await retention(false);
    expect(report).toMatchObject({
      dryRun: false,
      results: { rows: 4 },
      processingLog: { rows: 2 },
      audit: { rows: 2 },
      landing: { files: 1 },
    });
    expect(await resultKeys()).toEqual(expected.results);
    expect(await logRows()).toEqual(expected.log);
    expect(await auditRows()).toEqual(expected.audit);
    expect(fs.existsSync(archived('2024-04-01', 'ret-old.csv'))).toBe(false);
    expect(fs.existsSync(path.join(landingRoot, 'archive', '2024', '04'))).toBe(false);
    expect(fs.existsSync(archived('2024-06-15', 'ret-recent.csv'))).toBe(true);
    expect(await storedPaths()).toEqual([
      'ret-old.csv -',
      `ret-recent.csv ${archived('2024-06-15', 'ret-recent.csv')}`,
    ]);
    // The run is itself on the audit log.
    const purges = await rows(
      `SELECT new_values::text AS row FROM audit_log WHERE action = 'PURGE' ORDER BY id`,
    );
    expect(purges.length).toBe(purgesBefore + 1);
    expect(JSON.parse(purges.at(-1) ?? '{}')).toMatchObject({ results: { rows: 4 } });
  });

  it('a second run finds nothing more to purge', async () => {
    const report = await retention(false);
    expect([report.results.rows, report.processingLog.rows, report.audit.rows, report.landing.files]).toEqual(
      [0, 0, 0, 0],
    );
  });

  it('keeps audit rows and archived files when no retention is set for them', async () => {
    const report = await retention(
      true,
      { ...SETTINGS, auditDays: undefined, landingDays: undefined },
      new Date('2030-01-01'),
    );
    expect(report.audit).toEqual({ cutoff: null, rows: 0 });
    expect(report.landing).toEqual({ cutoff: null, files: 0, bytes: 0 });
  });
});

describe('retention after real reconciliation runs', () => {
  const latest = () =>
    rows(`SELECT DISTINCT ON (account_id, check_kind, vendor_code, counterparty, period_start, period_end)
        concat_ws(' ', account_id, check_kind, vendor_code, counterparty, period_start, period_end, run_id, status, observed, expected) AS row
      FROM reconciliation_results WHERE account_id LIKE 'ACC-%'
      ORDER BY account_id, check_kind, vendor_code, counterparty, period_start, period_end, run_id DESC`);
  const count = async (where: string) =>
    Number(
      (
        await rows(
          `SELECT count(*)::text AS row FROM reconciliation_results r WHERE account_id LIKE 'ACC-%' ${where}`,
        )
      )[0],
    );

  it('leaves every check with its latest result and keeps every failure', async () => {
    const set = await writeSamples({
      out: path.join(env.home, 'samples'),
      accounts: 3,
      days: 20,
      start: '2023-12-31',
      seed: 7,
      problems: 0.1,
    });
    for (const file of set.files) await ingestFile(ingestContext(app), { filePath: file });
    const deps = { database: app.database, vendors: app.vendors, notifier: app.notifier, cache: app.cache };
    for (let run = 0; run < 3; run += 1) await reconcile(deps, { actor: 'test:retention' });
    // Age every run past the retention.
    await sql`UPDATE reconciliation_runs SET started_at = started_at - interval '400 days'`.execute(
      app.database.db,
    );
    const latestBefore = await latest();
    const failedBefore = await count(`AND status = 'FAILED'`);
    const failedSuperseded =
      await count(`AND status = 'FAILED' AND EXISTS (SELECT 1 FROM reconciliation_results n
      WHERE n.account_id = r.account_id AND n.check_kind = r.check_kind AND n.vendor_code = r.vendor_code
        AND n.counterparty = r.counterparty AND n.period_start = r.period_start
        AND n.period_end = r.period_end AND n.run_id > r.run_id)`);
    expect(latestBefore.length).toBeGreaterThan(0);
    expect(failedBefore).toBeGreaterThan(0);
    const totalBefore = await count('');
    expect(totalBefore).toBeGreaterThan(2 * latestBefore.length); // three runs of every check

    await retention(false, SETTINGS, new Date());

    expect(await latest()).toEqual(latestBefore);
    expect(await count(`AND status = 'FAILED'`)).toBe(failedBefore);
    // What is left: the newest result of each check, plus the failures a later run superseded.
    expect(await count('')).toBe(latestBefore.length + failedSuperseded);
  }, 300_000);
});

describe('retention on a schedule', () => {
  it('runs every interval until stopped', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const reports: unknown[] = [];
    const logger = {
      info: (fields: { retention: unknown }) => reports.push(fields.retention),
      error: () => {},
    };
    try {
      const stop = startRetentionSchedule(
        { database: app.database, logger: logger as unknown as Logger },
        { settings: SETTINGS, landingRoot, actor: 'test:schedule', intervalMinutes: 60 },
      );
      vi.advanceTimersByTime(59 * 60_000);
      expect(reports).toEqual([]);
      vi.advanceTimersByTime(60_000);
      await vi.waitFor(() => expect(reports).toHaveLength(1), { timeout: 30_000 });
      expect(reports[0]).toMatchObject({ dryRun: false, ran: true });
      stop();
      vi.advanceTimersByTime(120 * 60_000);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(reports).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe.runIf(process.env.DATABASE_URL)('one retention run at a time', () => {
  it('skips while another process holds the retention lock', async () => {
    const other = new pg.Client({ connectionString: env.env.DATABASE_URL });
    await other.connect();
    try {
      await other.query(`SELECT pg_advisory_lock(hashtext('perfrecon.retention'))`);
      const report = await retention(false);
      expect(report.ran).toBe(false);
    } finally {
      await other.end();
    }
    expect((await retention(true)).ran).toBe(true);
  });
});

describe('monthly partitions', () => {
  const TABLES = ['audit_log', 'etl_processing_log', 'reconciliation_results'];
  const partitionsOf = (table: string) =>
    rows(`SELECT c.relname::text AS row FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = '${table}'::regclass ORDER BY 1`);
  /** The partition each matching row is in. */
  const placeOf = (table: string, where: string) =>
    rows(`SELECT DISTINCT tableoid::regclass::text AS row FROM ${table} WHERE ${where} ORDER BY 1`);
  const month = (at: Date, n: number) =>
    new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + n, 1))
      .toISOString()
      .slice(0, 7)
      .replace('-', '_');

  it('has this month, the next ones and a default partition in every table from the start', async () => {
    const now = new Date();
    for (const table of TABLES) {
      const partitions = await partitionsOf(table);
      for (let n = 0; n <= PARTITION_MONTHS_AHEAD; n++)
        expect(partitions).toContain(`${table}_p${month(now, n)}`);
      expect(partitions).toContain(`${table}_default`);
    }
  });

  it('leaves partitions alone when a command opens a current schema; a worker creates the months ahead at start', async () => {
    const missing = `audit_log_p${month(new Date(), PARTITION_MONTHS_AHEAD)}`;
    expect(await rows(`SELECT count(*)::text AS row FROM ${missing}`)).toEqual(['0']);
    await sql.raw(`DROP TABLE ${missing}`).execute(app.database.db);
    // Opened again as a command opens it (the embedded database allows one open app a process).
    await app.close();
    app = await openTestApp(env);
    expect(await partitionsOf('audit_log')).not.toContain(missing);
    const worker = await startPipeline(app, { workers: { concurrency: 1 } });
    try {
      await waitUntil(async () => (await partitionsOf('audit_log')).includes(missing), `${missing} created`);
    } finally {
      await worker.stop();
    }
  });

  it('creates the months ahead once, and moves rows that waited in the default partition into their month', async () => {
    const db = app.database.db;
    await sql`INSERT INTO audit_log (table_name, row_key, action, actor, at)
      VALUES ('files', '{}', 'WAITING', 'test:part', '2031-03-15T12:00:00Z')`.execute(db);
    const runId = await storeRun(db, '2031-02-10T00:00:00Z');
    await storeResult(db, { account: 'PART-0', runId, check: 'k0', status: 'FAILED' });
    expect(await placeOf('audit_log', `action = 'WAITING'`)).toEqual(['audit_log_default']);
    expect(await placeOf('reconciliation_results', `account_id = 'PART-0'`)).toEqual([
      'reconciliation_results_default',
    ]);

    const created = await preparePartitions(app, new Date('2031-01-10T00:00:00Z'));
    for (const table of TABLES)
      for (const m of ['2031_01', '2031_02', '2031_03']) expect(created).toContain(`${table}_p${m}`);
    expect(await placeOf('audit_log', `action = 'WAITING'`)).toEqual(['audit_log_p2031_03']);
    expect(await placeOf('reconciliation_results', `account_id = 'PART-0'`)).toEqual([
      'reconciliation_results_p2031_02',
    ]);
    expect(await preparePartitions(app, new Date('2031-01-10T00:00:00Z'))).toEqual([]);
    // An insert into a month with no partition yet never fails: it waits in the default one.
    await sql`INSERT INTO audit_log (table_name, row_key, action, actor, at)
      VALUES ('files', '{}', 'LATER', 'test:part', '2040-01-01T00:00:00Z')`.execute(db);
    expect(await placeOf('audit_log', `action = 'LATER'`)).toEqual(['audit_log_default']);
  });

  it('retention drops old audit months whole, and old result months once nothing in them is kept', async () => {
    const db = app.database.db;
    // Runs in January, February, March and June 2031 (one account's checks):
    //  k1 passed in every run — only June's is its newest; k2 failed in January, passed in June;
    //  k3 passed once, in February (its newest). March holds k1's pass only: nothing in it is kept.
    const jan = await storeRun(db, '2031-01-10T00:00:00Z');
    const feb = await storeRun(db, '2031-02-12T00:00:00Z');
    const mar = await storeRun(db, '2031-03-10T00:00:00Z');
    const jun = await storeRun(db, '2031-06-10T00:00:00Z');
    for (const runId of [jan, feb, mar, jun])
      await storeResult(db, { account: 'PART-1', runId, check: 'k1', status: 'PASSED' });
    await storeResult(db, { account: 'PART-1', runId: jan, check: 'k2', status: 'FAILED' });
    await storeResult(db, { account: 'PART-1', runId: jun, check: 'k2', status: 'PASSED' });
    await storeResult(db, { account: 'PART-1', runId: feb, check: 'k3', status: 'PASSED' });
    for (const at of ['2030-11-15', '2031-05-20', '2031-07-20'])
      await sql`INSERT INTO audit_log (table_name, row_key, action, actor, at)
        VALUES ('files', '{}', ${`PART-${at}`}, 'test:part', ${at}::timestamptz)`.execute(db);

    const now = new Date('2031-08-01T00:00:00Z');
    const settings: RetentionSettings = {
      resultsDays: 30, // runs before 2031-07-02
      processingLogDays: 36_500, // none of the log
      auditDays: 60, // before 2031-06-02: November and May whole, nothing of July
      landingDays: undefined,
      metricSamplesDays: 30,
      intervalMinutes: undefined,
    };
    const dry = await retention(true, settings, now);
    expect(dry.partitions.created).toEqual([]);
    const report = await retention(false, settings, now);
    expect(report.partitions.created).toEqual(
      expect.arrayContaining(['audit_log_p2030_11', 'audit_log_p2031_05', 'reconciliation_results_p2031_06']),
    );
    expect(report.partitions.dropped).toEqual(
      expect.arrayContaining(['audit_log_p2030_11', 'audit_log_p2031_05', 'reconciliation_results_p2031_03']),
    );
    // The dry run counted what the run removed, whole months included.
    expect(report.audit.rows).toBe(dry.audit.rows);
    expect(report.results.rows).toBe(dry.results.rows);

    // Every result the rule keeps is there, in its month.
    expect(
      await rows(`SELECT concat_ws(' ', check_kind, to_char(run_started_at, 'YYYY-MM'), status, tableoid::regclass)
        AS row FROM reconciliation_results WHERE account_id = 'PART-1' ORDER BY 1`),
    ).toEqual([
      'k1 2031-06 PASSED reconciliation_results_p2031_06',
      'k2 2031-01 FAILED reconciliation_results_p2031_01',
      'k2 2031-06 PASSED reconciliation_results_p2031_06',
      'k3 2031-02 PASSED reconciliation_results_p2031_02',
    ]);
    const results = await partitionsOf('reconciliation_results');
    expect(results).not.toContain('reconciliation_results_p2031_03');
    expect(results).toEqual(
      expect.arrayContaining(['reconciliation_results_p2031_01', 'reconciliation_results_p2031_02']),
    );
    expect(await rows(`SELECT action AS row FROM audit_log WHERE action LIKE 'PART-%' ORDER BY 1`)).toEqual([
      'PART-2031-07-20',
    ]);
    const audit = await partitionsOf('audit_log');
    expect(audit).not.toContain('audit_log_p2030_11');
    expect(audit).not.toContain('audit_log_p2031_05');
    expect(audit).toContain('audit_log_p2031_07');
  });
});
