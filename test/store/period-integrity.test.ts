// The references of stored periods to accounts, vendors and files are enforced by the database
// (migration 0015: checked once per statement, not by per-row foreign keys): a period cannot
// name an account, vendor or file that is not there, and none of those can go while a period
// names it — also when two transactions race (server leg).
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/store/db/database.ts';
import type { DB } from '../../src/store/schema.ts';
import { createTestEnv, type TestEnv } from '../support/test-env.ts';

let env: TestEnv;
let database: Database;
let fileId: number;

beforeAll(async () => {
  env = await createTestEnv();
  database = await openDatabase({ databaseUrl: env.env.DATABASE_URL, home: env.home });
});

afterAll(async () => {
  await database?.close();
  await env?.cleanup();
});

beforeEach(async () => {
  const db = database.db;
  await sql`DELETE FROM performance_periods`.execute(db);
  await sql`DELETE FROM accounts`.execute(db);
  await sql`DELETE FROM files`.execute(db);
  await sql`DELETE FROM vendors`.execute(db);
  await sql`
    INSERT INTO vendors (code, name) VALUES ('v1', 'Vendor one'), ('v2', 'Vendor two');
    INSERT INTO accounts (account_id, currency) VALUES ('ACC-1', 'USD'), ('ACC-2', 'USD')`.execute(db);
  const { rows } = await sql<{ id: number }>`
    INSERT INTO files (sha256, name, size_bytes, status) VALUES (repeat('a', 64), 'f.csv', 1, 'SUCCEEDED')
    RETURNING id::int AS id`.execute(db);
  fileId = rows[0]?.id ?? 0;
});

const insertPeriod = (db: Kysely<DB>, account: string, vendor: string, file: number, start = '2024-01-01') =>
  sql`
    INSERT INTO performance_periods (account_id, vendor_code, period_start, period_end, currency,
      begin_market_value, end_market_value, return_basis, file_id, config_version, source_location)
    VALUES (${account}, ${vendor}, ${start}::date, ${start}::date + 1, 'USD', 100, 101, 'gross', ${file}, '1',
      '{"file": "f.csv", "row": 2}')`.execute(db);

/** The SQLSTATE and message a statement fails with. */
async function failure(statement: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await statement;
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    return { code: code ?? '', message };
  }
  throw new Error('the statement succeeded');
}

describe('periods and what they refer to', () => {
  it('refuses a period with an account, vendor or file that is not there, naming it', async () => {
    const db = database.db;
    expect(await failure(insertPeriod(db, 'NOBODY', 'v1', fileId))).toEqual({
      code: '23503',
      message: expect.stringMatching(/accounts\.account_id = NOBODY, which is not there/),
    });
    expect(await failure(insertPeriod(db, 'ACC-1', 'nope', fileId))).toMatchObject({
      code: '23503',
      message: expect.stringMatching(/vendors\.code = nope/),
    });
    expect(await failure(insertPeriod(db, 'ACC-1', 'v1', fileId + 1000))).toMatchObject({
      code: '23503',
      message: expect.stringMatching(new RegExp(`files\\.id = ${fileId + 1000}`)),
    });
    // An update that points a period elsewhere is checked the same way.
    await insertPeriod(db, 'ACC-1', 'v1', fileId);
    expect(
      await failure(sql`UPDATE performance_periods SET account_id = 'NOBODY'`.execute(db)),
    ).toMatchObject({ code: '23503' });
    expect(
      await failure(sql`UPDATE performance_periods SET file_id = ${fileId + 1000}`.execute(db)),
    ).toMatchObject({ code: '23503' });
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM performance_periods`.execute(db);
    expect(rows[0]?.n).toBe(1);
  });

  it('refuses a statement of many periods when one of them refers to nothing', async () => {
    const db = database.db;
    const refused = await failure(
      sql`
      INSERT INTO performance_periods (account_id, vendor_code, period_start, period_end, currency,
        begin_market_value, end_market_value, return_basis, file_id, config_version, source_location)
      SELECT CASE WHEN d = 500 THEN 'GHOST' ELSE 'ACC-1' END, 'v1', date '2024-01-01' + d, date '2024-01-02' + d,
        'USD', 100, 101, 'gross', ${fileId}, '1', '{}'
      FROM generate_series(1, 1000) AS d`.execute(db),
    );
    expect(refused).toMatchObject({ code: '23503', message: expect.stringMatching(/1 period\(s\).*GHOST/) });
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM performance_periods`.execute(db);
    expect(rows[0]?.n).toBe(0);
  });

  it('keeps an account, vendor or file that a period refers to', async () => {
    const db = database.db;
    await insertPeriod(db, 'ACC-1', 'v1', fileId);
    for (const [statement, name] of [
      [
        sql`DELETE FROM accounts WHERE account_id = 'ACC-1'`,
        /accounts: cannot delete account_id = ACC-1: 1 stored/,
      ],
      [sql`DELETE FROM vendors WHERE code = 'v1'`, /vendors: cannot delete code = v1/],
      [sql`DELETE FROM files WHERE id = ${fileId}`, /files: cannot delete id = /],
      [
        sql`UPDATE accounts SET account_id = 'ACC-9' WHERE account_id = 'ACC-1'`,
        /cannot update account_id = ACC-1/,
      ],
      [sql`UPDATE vendors SET code = 'v9' WHERE code = 'v1'`, /cannot update code = v1/],
      [sql`TRUNCATE accounts CASCADE`, /cannot truncate accounts/],
      [sql`TRUNCATE vendors CASCADE`, /cannot truncate vendors/],
      [sql`TRUNCATE files CASCADE`, /cannot truncate files/],
    ] as const) {
      expect(await failure(statement.execute(db))).toMatchObject({
        code: '23503',
        message: expect.stringMatching(name),
      });
    }
    // What no period refers to goes; an update that keeps the key is no change of reference.
    await sql`DELETE FROM accounts WHERE account_id = 'ACC-2'`.execute(db);
    await sql`DELETE FROM vendors WHERE code = 'v2'`.execute(db);
    await sql`UPDATE files SET status = 'SUCCEEDED'`.execute(db);
    await sql`UPDATE accounts SET currency = 'EUR'`.execute(db);
    // Once its periods are gone, so can it.
    await sql`DELETE FROM performance_periods`.execute(db);
    await sql`DELETE FROM accounts WHERE account_id = 'ACC-1'`.execute(db);
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM accounts`.execute(db);
    expect(rows[0]?.n).toBe(0);
  });
});

describe.runIf(process.env.DATABASE_URL)('two transactions racing (server)', () => {
  /** Until a statement of another session waits for a lock. */
  const waitingForLock = async () => {
    for (;;) {
      const { rows } = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(database.db);
      if ((rows[0]?.n ?? 0) > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  it('a delete of an account waits for the transaction storing its periods, then fails', async () => {
    const db = database.db;
    let deletion: Promise<{ code: string; message: string }> | undefined;
    await db.transaction().execute(async (trx) => {
      await insertPeriod(trx, 'ACC-1', 'v1', fileId);
      deletion = failure(sql`DELETE FROM accounts WHERE account_id = 'ACC-1'`.execute(db));
      await waitingForLock();
    });
    expect(await deletion).toMatchObject({ code: '23503', message: expect.stringMatching(/ACC-1/) });
  });

  it('a period stored while its account is being deleted fails once the delete commits', async () => {
    const db = database.db;
    let insertion: Promise<{ code: string; message: string }> | undefined;
    await db.transaction().execute(async (trx) => {
      await sql`DELETE FROM accounts WHERE account_id = 'ACC-1'`.execute(trx);
      insertion = failure(insertPeriod(db, 'ACC-1', 'v1', fileId));
      await waitingForLock();
    });
    expect(await insertion).toMatchObject({ code: '23503', message: expect.stringMatching(/ACC-1/) });
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM performance_periods`.execute(db);
    expect(rows[0]?.n).toBe(0);
  });
});
