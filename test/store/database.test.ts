import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAppConfig } from '../../src/config/app-config.ts';
import {
  type BulkLoader,
  copyStreamLoader,
  jsonBatchLoader,
  pgliteBlobLoader,
} from '../../src/store/db/bulk-load.ts';
import { type Database, openDatabase } from '../../src/store/db/database.ts';
import { migrateToLatest, migrationStatus } from '../../src/store/migrate.ts';
import { createTestEnv, type TestEnv } from '../support/test-env.ts';

const run = promisify(execFile);
const CLI = path.resolve('bin/perfrecon.js');

let env: TestEnv;
let database: Database;

beforeAll(async () => {
  env = await createTestEnv();
  database = await openDatabase(loadAppConfig(env.env));
});

afterAll(async () => {
  await database?.close();
  await env?.cleanup();
});

const tricky = [
  ['a', 'plain', null],
  ['b', 'comma, "quotes" and\nnewline', { nested: ['json', 1] }],
  ['c', '', []],
];

async function roundTrip(loader: BulkLoader, tag: string) {
  await sql`CREATE TABLE IF NOT EXISTS bulk_probe (tag text, k text, v text, j jsonb)`.execute(database.db);
  const rows = tricky.map(([k, v, j]) => [tag, k ?? null, v ?? null, j ?? null] as const);
  const written = await loader.load('bulk_probe', ['tag', 'k', 'v', 'j'], rows);
  const back = await database.pool.query('SELECT k, v, j FROM bulk_probe WHERE tag = $1 ORDER BY k', [tag]);
  return { written, rows: back.rows };
}

describe('the database path', () => {
  it('runs on the mode the suite was started in', () => {
    expect(database.mode).toBe(env.mode === 'embedded' ? 'embedded-owner' : 'server');
    expect(database.bulk.kind).toBe(env.mode === 'embedded' ? 'pglite-blob' : 'copy-stream');
  });

  it('has every migration applied, and refuses a database migrated by a newer version', async () => {
    const status = await migrationStatus(database.db);
    expect(status.length).toBeGreaterThan(0);
    expect(status.every((m) => m.appliedAt instanceof Date)).toBe(true);
    await sql`INSERT INTO kysely_migration (name, timestamp) VALUES ('9999-from-the-future', now()::text)`.execute(
      database.db,
    );
    await expect(migrateToLatest(database.db)).rejects.toThrow(/database migration .*failed/);
    await sql`DELETE FROM kysely_migration WHERE name = '9999-from-the-future'`.execute(database.db);
    expect(await migrateToLatest(database.db)).toEqual([]);
  });

  const expected = [
    { k: 'a', v: 'plain', j: null },
    { k: 'b', v: 'comma, "quotes" and\nnewline', j: { nested: ['json', 1] } },
    { k: 'c', v: '', j: [] },
  ];

  it('bulk-loads with the loader of its mode, keeping NULL, empty strings, quotes and JSON', async () => {
    const loader =
      database.embedded?.role === 'owner'
        ? pgliteBlobLoader(database.embedded.pglite)
        : copyStreamLoader(database.pool);
    expect(await roundTrip(loader, 'native')).toEqual({ written: 3, rows: expected });
  });

  it('bulk-loads in JSON batches (the loader of a process attached to the embedded database)', async () => {
    expect(await roundTrip(jsonBatchLoader(database.pool), 'json')).toEqual({ written: 3, rows: expected });
  });

  it.runIf(process.env.DATABASE_URL === undefined)(
    'loads in-process outside a transaction a socket client begins just before the load',
    async () => {
      if (database.embedded?.role !== 'owner') throw new Error('this process should own PGlite');
      const { pglite } = database.embedded;
      await sql`CREATE TABLE IF NOT EXISTS bulk_probe (tag text, k text, v text, j jsonb)`.execute(
        database.db,
      );
      const client = await database.pool.connect();
      try {
        // Hold PGlite, so that the client's BEGIN is queued for it before the load is.
        let release = () => {};
        const held = pglite.runExclusive(() => new Promise<void>((resolve) => (release = resolve)));
        const begin = client.query('BEGIN');
        await new Promise((resolve) => setTimeout(resolve, 200));
        const load = pgliteBlobLoader(pglite).load('bulk_probe', ['tag', 'k'], [['in-between', 'a']]);
        release();
        await held;
        await begin;
        // Rolls back the client's transaction only: the load must not have joined it.
        await client.query('ROLLBACK');
        expect(await load).toBe(1);
      } finally {
        client.release();
      }
      const { rows } = await database.pool.query("SELECT k FROM bulk_probe WHERE tag = 'in-between'");
      expect(rows).toEqual([{ k: 'a' }]);
    },
  );

  it('rejects identifiers that are not plain SQL names', async () => {
    await expect(database.bulk.load('bulk_probe; drop table x', ['k'], [])).rejects.toThrow(
      /plain SQL identifier/,
    );
  });

  it('stores amounts as NUMERIC and returns them as exact strings', async () => {
    const { rows } = await database.pool.query(
      "SELECT '12345678901234567.123456789'::numeric AS n, '2024-02-29'::date AS d",
    );
    expect(rows[0]).toEqual({ n: '12345678901234567.123456789', d: '2024-02-29' });
  });

  it('audits changes to data tables with the actor and the old values', async () => {
    await database.db.transaction().execute(async (trx) => {
      await sql`SELECT set_config('perfrecon.actor', 'test:auditor', true)`.execute(trx);
      await trx.insertInto('vendors').values({ code: 'audited', name: 'First' }).execute();
      await trx.updateTable('vendors').set({ name: 'Second' }).where('code', '=', 'audited').execute();
    });
    const audit = await database.db
      .selectFrom('audit_log')
      .select(['action', 'actor', 'old_values', 'new_values', 'row_key'])
      .where('table_name', '=', 'vendors')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => [a.action, a.actor, a.row_key])).toEqual([
      ['INSERT', 'test:auditor', { code: 'audited' }],
      ['UPDATE', 'test:auditor', { code: 'audited' }],
    ]);
    expect(audit[1]?.old_values).toMatchObject({ name: 'First' });
    expect(audit[1]?.new_values).toMatchObject({ name: 'Second' });
  });
});

describe.runIf(process.env.DATABASE_URL === undefined)(
  'the embedded database shared between processes',
  () => {
    it('lets a second perfrecon process attach through the socket recorded in the home folder', async () => {
      const endpoint = JSON.parse(fs.readFileSync(path.join(env.home, 'embedded-db.json'), 'utf8'));
      expect(endpoint.pid).toBe(process.pid);
      const { stdout } = await run('node', [CLI, 'db', 'status', '--json'], { env: env.env });
      const status = JSON.parse(stdout);
      expect(status.mode).toBe('embedded-attached');
      expect(status.connection).toContain(path.join(env.home, 'run'));
    });

    it('takes over a lock left by a process that died, without touching the data', async () => {
      const home = fs.mkdtempSync(path.join(path.dirname(env.home), 'prs-'));
      fs.cpSync(env.home, home, { recursive: true });
      // The lock file of earlier versions, naming a process that is gone.
      fs.rmSync(path.join(home, 'embedded-db.lock'), { recursive: true });
      fs.writeFileSync(path.join(home, 'embedded-db.lock'), '999999');
      fs.writeFileSync(
        path.join(home, 'embedded-db.json'),
        JSON.stringify({ pid: 999999, socketDir: '/nowhere', port: 1 }),
      );
      const { stdout } = await run('node', [CLI, 'db', 'status', '--json'], {
        env: { ...env.env, PERFRECON_HOME: home },
      });
      expect(JSON.parse(stdout).mode).toBe('embedded-owner');
      // The old lock file became the lock folder, with the claim of that process, released.
      const lock = path.join(home, 'embedded-db.lock');
      const claims = fs.readdirSync(lock);
      expect(claims).toHaveLength(1);
      expect(JSON.parse(fs.readFileSync(path.join(lock, claims[0] ?? ''), 'utf8'))).toMatchObject({
        released: true,
      });
      fs.rmSync(home, { recursive: true, force: true });
    });
  },
);
