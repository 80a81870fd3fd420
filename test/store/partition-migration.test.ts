// Migration 0011 on a database that already holds rows: the audit log, processing log and
// reconciliation results become partitioned by month with every row kept, in its month, each
// result carrying its run's start; identities go on from where they were.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/store/db/database.ts';
import { migrateTo, migrateToLatest } from '../../src/store/migrate.ts';
import { createTestEnv, type TestEnv } from '../support/test-env.ts';

let env: TestEnv;
let database: Database;

beforeAll(async () => {
  env = await createTestEnv();
  database = await openDatabase({ databaseUrl: env.env.DATABASE_URL, home: env.home });
  // The database as version 0009 left it.
  await sql`DROP SCHEMA public CASCADE`.execute(database.db);
  await sql`CREATE SCHEMA public`.execute(database.db);
  await migrateTo(database.db, '0009-staging-order');
});

afterAll(async () => {
  await database?.close();
  await env?.cleanup();
});

const rows = async (query: string) =>
  (await sql.raw<{ row: string }>(query).execute(database.db)).rows.map((r) => r.row);

describe('partitioning a populated database', () => {
  it('keeps every row, each in the partition of its month', async () => {
    const db = database.db;
    await sql`
      INSERT INTO files (sha256, name, size_bytes, status) VALUES (repeat('a', 64), 'm.csv', 1, 'SUCCEEDED');
      INSERT INTO etl_processing_log (file_id, at, status, step)
        SELECT id, at, 'SUCCEEDED', 'store' FROM files,
          (VALUES ('2023-11-30T23:59:59Z'::timestamptz), ('2023-12-01T00:00:00Z')) AS t(at);
      INSERT INTO audit_log (table_name, row_key, action, actor, at)
        VALUES ('files', '{}', 'OLD', 'test', '2022-05-05T00:00:00Z');
      INSERT INTO reconciliation_runs (trigger, actor, inputs, status, started_at)
        VALUES ('manual', 'test', '{}', 'COMPLETED', '2024-02-29T23:00:00Z');
      INSERT INTO reconciliation_results (account_id, run_id, check_kind, vendor_code, period_start, period_end,
          status, tolerance_source, message)
        SELECT 'A', id, 'RETURN', 'canonical', '2024-01-31', '2024-02-29', 'FAILED', 'default', 'm'
        FROM reconciliation_runs`.execute(db);
    const before = {
      log: await rows(`SELECT concat_ws(' ', id, at) AS row FROM etl_processing_log ORDER BY id`),
      audit: await rows(`SELECT concat_ws(' ', id, action, at) AS row FROM audit_log ORDER BY id`),
      results: await rows(
        `SELECT concat_ws(' ', account_id, run_id, status) AS row FROM reconciliation_results`,
      ),
    };

    expect(await migrateToLatest(db)).toContain('0011-partition-by-time');

    expect(await rows(`SELECT concat_ws(' ', id, at) AS row FROM etl_processing_log ORDER BY id`)).toEqual(
      before.log,
    );
    expect(await rows(`SELECT concat_ws(' ', id, action, at) AS row FROM audit_log ORDER BY id`)).toEqual(
      before.audit,
    );
    expect(
      await rows(`SELECT concat_ws(' ', account_id, run_id, status) AS row FROM reconciliation_results`),
    ).toEqual(before.results);
    expect(await rows(`SELECT tableoid::regclass::text AS row FROM etl_processing_log ORDER BY id`)).toEqual([
      'etl_processing_log_p2023_11',
      'etl_processing_log_p2023_12',
    ]);
    expect(await rows(`SELECT tableoid::regclass::text AS row FROM audit_log WHERE action = 'OLD'`)).toEqual([
      'audit_log_p2022_05',
    ]);
    expect(
      await rows(
        `SELECT concat_ws(' ', res.tableoid::regclass, res.run_started_at = r.started_at) AS row
        FROM reconciliation_results res JOIN reconciliation_runs r ON r.id = res.run_id`,
      ),
    ).toEqual(['reconciliation_results_p2024_02 t']);

    // Identities go on past the copied rows; a new row lands in its month.
    const [next] = await rows(`INSERT INTO audit_log (table_name, row_key, action, actor)
      VALUES ('files', '{}', 'NEW', 'test') RETURNING concat_ws(' ', id > (SELECT max(id) FROM audit_log WHERE action <> 'NEW'), tableoid::regclass) AS row`);
    expect(next).toBe(`t audit_log_p${new Date().toISOString().slice(0, 7).replace('-', '_')}`);
    // Every table has its default partition: a row of a month without a partition is accepted.
    const [far] = await rows(`INSERT INTO etl_processing_log (file_id, at, status, step)
      SELECT id, '2090-01-01', 'SUCCEEDED', 'store' FROM files RETURNING tableoid::regclass::text AS row`);
    expect(far).toBe('etl_processing_log_default');
  });

  it('keeps each result on its run: a run moved in time takes its results to their new month', async () => {
    await sql`UPDATE reconciliation_runs SET started_at = '2021-03-03T00:00:00Z'`.execute(database.db);
    expect(
      await rows(`SELECT concat_ws(' ', tableoid::regclass, run_started_at = '2021-03-03T00:00:00Z') AS row
        FROM reconciliation_results`),
    ).toEqual(['reconciliation_results_default t']);
  });
});
