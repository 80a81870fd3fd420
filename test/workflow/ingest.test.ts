import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { type IngestRequest, ingestFile } from '../../src/services/ingest/ingest-file.ts';
import { discardAbandonedStaging } from '../../src/store/period-repository.ts';
import { CANONICAL_HEADER, ingestContext, openTestApp } from '../support/test-app.ts';
import { createTestEnv, type TestEnv } from '../support/test-env.ts';

const HEADER = CANONICAL_HEADER;

let env: TestEnv;
let app: App;
let dir: string;

beforeAll(async () => {
  env = await createTestEnv();
  app = await openTestApp(env);
  dir = path.join(env.home, 'files');
  fs.mkdirSync(dir);
});

afterAll(async () => {
  await app?.close();
  await env?.cleanup();
});

function file(name: string, lines: string[]): string {
  const target = path.join(dir, name);
  fs.writeFileSync(target, `${lines.join('\n')}\n`);
  return target;
}

function ingest(filePath: string, options: Partial<IngestRequest> = {}) {
  return ingestFile(ingestContext(app), { filePath, ...options });
}

const count = async (table: 'performance_periods' | 'period_flows' | 'files' | 'quarantined_rows') =>
  Number(
    (
      await app.database.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('ingesting a canonical CSV', () => {
  const good = () =>
    file('canonical-good.csv', [
      HEADER,
      // Modified Dietz by hand: CD = 29 days (Jan 31 → Feb 29, 2024), the flow on day 14 weighs 15/29:
      // (110 - 100 - 5) / (100 + 5 * 15/29)
      'ACC-1,2024-01-31,2024-02-29,USD,100,110,2024-02-14,5,end_of_day,,,0.0488,net',
      'ACC-1,2024-02-29,2024-03-31,USD,110,99,,,,,,-0.1,net',
      'ACC-2,2024-01-31,2024-02-29,EUR,200.50,210.25,,,,,,,gross',
    ]);

  it('dry run validates and previews without writing', async () => {
    const summary = await ingest(good(), { dryRun: true, previewRows: 5 });
    expect(summary).toMatchObject({
      outcome: 'DRY_RUN',
      rowsRead: 3,
      rowsStored: 3,
      rowsQuarantined: 0,
      fileId: null,
    });
    expect(summary.preview.map((r) => r.accountId)).toEqual(['ACC-1', 'ACC-1', 'ACC-2']);
    expect(await count('files')).toBe(0);
    expect(await count('performance_periods')).toBe(0);
  });

  it('stores every row with its calculated return, flows and lineage', async () => {
    const summary = await ingest(good());
    expect(summary).toMatchObject({
      outcome: 'SUCCEEDED',
      vendor: 'canonical',
      rowsRead: 3,
      rowsStored: 3,
      rowsInserted: 3,
      rowsUpdated: 0,
      rowsQuarantined: 0,
    });
    const period = await app.database.db
      .selectFrom('performance_periods')
      .selectAll()
      .where('account_id', '=', 'ACC-1')
      .where('period_end', '=', '2024-02-29')
      .executeTakeFirstOrThrow();
    expect(Number(period.calculated_return)).toBeCloseTo(5 / (100 + (5 * 15) / 29), 15);
    expect(period).toMatchObject({
      begin_market_value: '100',
      vendor_return: '0.0488',
      vendor_code: 'canonical',
      file_id: summary.fileId,
      calculation_method: 'modified_dietz',
    });
    expect(period.source_location).toMatchObject({ file: 'canonical-good.csv', row: 2 });
    const flows = await app.database.db.selectFrom('period_flows').selectAll().execute();
    expect(flows).toEqual([
      expect.objectContaining({
        account_id: 'ACC-1',
        flow_date: '2024-02-14',
        amount: '5',
        timing: 'end_of_day',
        seq: 1,
      }),
    ]);
    const log = await app.database.db
      .selectFrom('etl_processing_log')
      .select(['status', 'step'])
      .where('file_id', '=', summary.fileId)
      .orderBy('id')
      .execute();
    expect(log.map((l) => l.status)).toEqual(['PROCESSING', 'SUCCEEDED']);
  });

  it('recognises the same bytes and changes nothing', async () => {
    const before = await count('performance_periods');
    const summary = await ingest(good());
    expect(summary).toMatchObject({ outcome: 'ALREADY_INGESTED', previousStatus: 'SUCCEEDED' });
    expect(await count('performance_periods')).toBe(before);
    expect(await count('files')).toBe(1);
  });

  it('replaces a restated period and keeps the old figures in the audit log', async () => {
    const summary = await ingest(
      file('canonical-restated.csv', [HEADER, 'ACC-2,2024-01-31,2024-02-29,EUR,200.50,211.00,,,,,,,gross']),
    );
    expect(summary).toMatchObject({ outcome: 'SUCCEEDED', rowsInserted: 0, rowsUpdated: 1 });
    const audit = await app.database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('table_name', '=', 'performance_periods')
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({
      action: 'UPDATE',
      actor: 'test:ingest',
      row_key: {
        account_id: 'ACC-2',
        vendor_code: 'canonical',
        period_start: '2024-01-31',
        period_end: '2024-02-29',
      },
    });
    expect(audit.old_values).toMatchObject({ end_market_value: 210.25 });
    expect(audit.new_values).toMatchObject({ end_market_value: 211.0 });
  });

  it('replaces the flows of a restated period, and keeps those of a new one', async () => {
    const flowsOf = () =>
      app.database.db
        .selectFrom('period_flows')
        .select(['flow_date', 'amount'])
        .where('account_id', '=', 'ACC-F')
        .orderBy('seq')
        .execute();
    const period = 'ACC-F,2024-01-31,2024-02-29,USD,100,110';
    await ingest(file('canonical-flows-1.csv', [HEADER, `${period},2024-02-14,5,end_of_day,,,,net`]));
    expect(await flowsOf()).toEqual([{ flow_date: '2024-02-14', amount: '5' }]);
    const restated = await ingest(
      file('canonical-flows-2.csv', [HEADER, `${period},2024-02-20,7,end_of_day,,,,net`]),
    );
    expect(restated).toMatchObject({ outcome: 'SUCCEEDED', rowsInserted: 0, rowsUpdated: 1 });
    expect(await flowsOf()).toEqual([{ flow_date: '2024-02-20', amount: '7' }]);
    await ingest(file('canonical-flows-3.csv', [HEADER, `${period},,,,,,,net`]));
    expect(await flowsOf()).toEqual([]);
  });

  it('quarantines bad rows with their location and stores the good ones', async () => {
    const summary = await ingest(
      file('canonical-mixed.csv', [
        HEADER,
        'ACC-3,2024-01-31,2024-02-29,USD,100,101,,,,,,,net',
        'ACC-3,2024-02-29,2024-03-31,USD,abc,101,,,,,,,net',
        'ACC-3,2024-03-31,2024-03-01,USD,100,101,,,,,,,net',
        'ACC-3,2024-01-31,2024-02-29,USD,100,102,,,,,,,net',
      ]),
    );
    // Rows 2 and 5 report the same period with other figures: neither is stored.
    expect(summary).toMatchObject({ outcome: 'QUARANTINED', rowsRead: 4, rowsStored: 0, rowsQuarantined: 4 });
    expect(summary.quarantine.map((q) => q.location)).toEqual([
      'canonical-mixed.csv, row 3',
      'canonical-mixed.csv, row 4',
      'canonical-mixed.csv, row 5',
      'canonical-mixed.csv, row 2',
    ]);
    expect(summary.quarantine[0]?.problems.join()).toContain('"abc"');
    expect(summary.quarantine[2]?.problems.join()).toContain('(also at canonical-mixed.csv, row 2)');
    expect(summary.quarantine[3]?.problems.join()).toContain('(also at canonical-mixed.csv, row 5)');
    const stored = await app.database.db
      .selectFrom('quarantined_rows')
      .select(['location', 'problems'])
      .where('file_id', '=', summary.fileId)
      .orderBy('id')
      .execute();
    expect(stored.map((q) => q.location)).toEqual([
      { file: 'canonical-mixed.csv', row: 3 },
      { file: 'canonical-mixed.csv', row: 4 },
      { file: 'canonical-mixed.csv', row: 5 },
      { file: 'canonical-mixed.csv', row: 2 },
    ]);
  });

  it('quarantines both rows of a period reported twice with other figures, and stores an exact repeat once', async () => {
    const summary = await ingest(
      file('canonical-duplicates.csv', [
        HEADER,
        'ACC-7,2024-01-31,2024-02-29,USD,100,101,,,,,,,net',
        'ACC-8,2024-01-31,2024-02-29,USD,100,105,,,,,,,net',
        'ACC-7,2024-01-31,2024-02-29,USD,100,109,,,,,,,net',
        'ACC-8,2024-01-31,2024-02-29,USD,100,105,,,,,,,net',
      ]),
    );
    expect(summary).toMatchObject({ outcome: 'SUCCEEDED', rowsRead: 4, rowsStored: 1, rowsQuarantined: 2 });
    const reason = (other: number) =>
      `account ACC-7 period 2024-01-31..2024-02-29 is reported more than once with different figures (also at canonical-duplicates.csv, row ${other}); a file may report a period once, so none of these rows is stored`;
    expect(summary.quarantine).toEqual([
      { location: 'canonical-duplicates.csv, row 4', problems: [reason(2)] },
      { location: 'canonical-duplicates.csv, row 2', problems: [reason(4)] },
    ]);
    expect(summary.warnings).toContain(
      'canonical-duplicates.csv, row 5: repeats canonical-duplicates.csv, row 3 exactly; the period is stored once',
    );
    const periods = await app.database.db
      .selectFrom('performance_periods')
      .select(['account_id', 'end_market_value'])
      .where('account_id', 'in', ['ACC-7', 'ACC-8'])
      .execute();
    expect(periods.map((p) => [p.account_id, Number(p.end_market_value)])).toEqual([['ACC-8', 105]]);
  });

  it('says exactly how the columns changed against the last good file of the vendor', async () => {
    const summary = await ingest(
      file('canonical-drift.csv', [
        `${HEADER.replace('currency,', '')},custodian_note,currency`,
        'ACC-6,2024-01-31,2024-02-29,100,101,,,,,,,net,hello,USD',
      ]),
    );
    expect(summary.outcome).toBe('SUCCEEDED');
    expect(summary.warnings[0]).toBe(
      'schema drift against the last good csv file of canonical: "custodian_note" is new; the columns were reordered.',
    );
  });

  it('marks a file whose every row is bad QUARANTINED', async () => {
    const summary = await ingest(
      file('canonical-allbad.csv', [HEADER, 'ACC-4,2024-01-31,2024-02-29,USD,x,y,,,,,,,net']),
    );
    expect(summary).toMatchObject({ outcome: 'QUARANTINED', rowsStored: 0, rowsQuarantined: 1 });
  });

  it('rejects a file no vendor claims, recording why', async () => {
    const summary = await ingest(file('mystery.csv', [HEADER]));
    expect(summary.outcome).toBe('REJECTED');
    expect(summary.error?.message).toBe('mystery.csv: no vendor configuration matches this file name');
    expect(summary.error?.hint).toMatch(/--vendor/);
    const record = await app.database.db
      .selectFrom('files')
      .selectAll()
      .where('id', '=', summary.fileId)
      .executeTakeFirstOrThrow();
    expect(record.status).toBe('REJECTED');
    expect(record.error).toContain('no vendor configuration matches');
  });

  it('makes nothing visible when the merge fails, and a retry stores the file', async () => {
    await sql`
      CREATE FUNCTION fail_flows() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'injected failure'; END $$;
      CREATE TRIGGER fail_flows BEFORE INSERT ON period_flows FOR EACH ROW EXECUTE FUNCTION fail_flows();
    `.execute(app.database.db);
    const target = file('canonical-atomic.csv', [
      HEADER,
      'ACC-5,2024-01-31,2024-02-29,USD,100,101,,,,,,,net',
      'ACC-5,2024-02-29,2024-03-31,USD,101,105,2024-03-10,2,end_of_day,,,,net',
    ]);
    await expect(ingest(target)).rejects.toThrow(/injected failure/);
    const periods = await app.database.db
      .selectFrom('performance_periods')
      .where('account_id', '=', 'ACC-5')
      .selectAll()
      .execute();
    expect(periods).toEqual([]);
    const staged = await sql<{ n: number }>`SELECT count(*) AS n FROM staging_periods`.execute(
      app.database.db,
    );
    expect(staged.rows[0]?.n).toBe(0);
    await sql`DROP TRIGGER fail_flows ON period_flows`.execute(app.database.db);
    const retry = await ingest(target, { attempt: 2 });
    expect(retry).toMatchObject({ outcome: 'SUCCEEDED', rowsStored: 2 });
  });
});

describe('staging a large file batch by batch', () => {
  // A batch is staged while the next is read; a batch that fails to stage must take the ones
  // staged before it with it, so nothing of the file is left in staging or stored.
  it('leaves nothing staged when a later batch fails, and a retry stores the file', async () => {
    await sql`
      CREATE FUNCTION fail_second_batch() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.seq > 20000 THEN RAISE EXCEPTION 'injected staging failure'; END IF; RETURN NEW; END $$;
      CREATE TRIGGER fail_second_batch BEFORE INSERT ON staging_periods
        FOR EACH ROW EXECUTE FUNCTION fail_second_batch();
    `.execute(app.database.db);
    const rows = Array.from({ length: 25_000 }, (_, i) => {
      const start = new Date(Date.UTC(2000, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
      const end = new Date(Date.UTC(2000, 0, 2) + i * 86_400_000).toISOString().slice(0, 10);
      return `ACC-BATCH,${start},${end},USD,100,101,,,,,,,net`;
    });
    const target = file('canonical-batches.csv', [HEADER, ...rows]);
    await expect(ingest(target)).rejects.toThrow(/injected staging failure/);
    const staged = await sql<{ n: number }>`SELECT count(*)::int AS n FROM staging_periods`.execute(
      app.database.db,
    );
    expect(staged.rows[0]?.n).toBe(0);
    const stored = await app.database.db
      .selectFrom('performance_periods')
      .where('account_id', '=', 'ACC-BATCH')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(0);
    await sql`DROP TRIGGER fail_second_batch ON staging_periods`.execute(app.database.db);
    const retry = await ingest(target, { attempt: 2 });
    expect(retry).toMatchObject({ outcome: 'SUCCEEDED', rowsStored: 25_000 });
  }, 120_000);
});

describe('files landing out of order', () => {
  it('keeps the newer restatement when a file received earlier lands last, and audits the older as superseded', async () => {
    // The older file is received first; its first attempt fails (say, the database was away).
    await sql`
      CREATE FUNCTION fail_order() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'injected: first attempt fails'; END $$;
      CREATE TRIGGER fail_order BEFORE INSERT ON period_flows FOR EACH ROW EXECUTE FUNCTION fail_order();
    `.execute(app.database.db);
    const older = file('canonical-order-older.csv', [
      HEADER,
      'ACC-7,2024-01-31,2024-02-29,USD,1000,1010,2024-02-10,5,end_of_day,,,,net',
    ]);
    await expect(ingest(older)).rejects.toThrow(/first attempt fails/);
    await sql`DROP TRIGGER fail_order ON period_flows; DROP FUNCTION fail_order()`.execute(app.database.db);
    // The newer restatement is received and stored meanwhile…
    const newer = file('canonical-order-newer.csv', [
      HEADER,
      'ACC-7,2024-01-31,2024-02-29,USD,1000,1020,,,,,,,net',
    ]);
    const stored = await ingest(newer);
    expect(stored).toMatchObject({ outcome: 'SUCCEEDED', rowsInserted: 1 });
    // …then the older file's retry lands: its figures must not replace the newer ones.
    const late = await ingest(older, { attempt: 2 });
    expect(late).toMatchObject({ outcome: 'SUCCEEDED', rowsInserted: 0, rowsUpdated: 0 });
    expect(late.warnings[0]).toMatch(/1 periods not applied: a file received later restated them/);
    const period = await app.database.db
      .selectFrom('performance_periods')
      .selectAll()
      .where('account_id', '=', 'ACC-7')
      .executeTakeFirstOrThrow();
    expect(period).toMatchObject({ end_market_value: '1020', file_id: stored.fileId });
    const flows = await app.database.db
      .selectFrom('period_flows')
      .selectAll()
      .where('account_id', '=', 'ACC-7')
      .execute();
    expect(flows).toEqual([]);
    const audit = await app.database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('table_name', '=', 'performance_periods')
      .where(sql<boolean>`row_key ->> 'account_id' = 'ACC-7'`)
      .execute();
    expect(audit).toMatchObject([
      {
        action: 'SUPERSEDED',
        actor: 'test:ingest',
        old_values: null,
        new_values: {
          end_market_value: 1010,
          file_id: late.fileId,
          superseded_by_file_id: stored.fileId,
          // The refused figures with their lineage, as the period would have stored them.
          source_location: { file: 'canonical-order-older.csv', row: 2 },
          field_sources: expect.objectContaining({ account_id: 'account_id', flow_amount: 'flow_amount' }),
          calculation_method: 'modified_dietz',
          calculation_conventions: expect.objectContaining({ basis: 'net', flowTiming: 'end_of_day' }),
          calculation_warnings: [],
          flows: [{ date: '2024-02-10', amount: '5', timing: 'end_of_day' }],
        },
      },
    ]);
  });
});

describe('ingesting a canonical JSON', () => {
  it('stores several dated flows per period', async () => {
    const target = path.join(dir, 'canonical-flows.json');
    fs.writeFileSync(
      target,
      JSON.stringify({
        records: [
          {
            account_id: 'ACC-9',
            period_start: '2024-01-31',
            period_end: '2024-02-29',
            currency: 'USD',
            begin_market_value: '1000',
            end_market_value: '1100',
            flows: [
              { date: '2024-02-10', amount: '50', timing: 'start_of_day' },
              { date: '2024-02-20', amount: '-20', timing: 'end_of_day' },
            ],
            vendor_return: '0.07',
            return_basis: 'net',
          },
        ],
      }),
    );
    const summary = await ingest(target);
    expect(summary).toMatchObject({ outcome: 'SUCCEEDED', rowsStored: 1 });
    const period = await app.database.db
      .selectFrom('performance_periods')
      .select('calculated_return')
      .where('account_id', '=', 'ACC-9')
      .executeTakeFirstOrThrow();
    // CD = 29; start-of-day flow on day 10 weighs (29 - 10 + 1)/29, end-of-day on day 20 weighs 9/29.
    const expected = (1100 - 1000 - 30) / (1000 + (50 * 20) / 29 - (20 * 9) / 29);
    expect(Number(period.calculated_return)).toBeCloseTo(expected, 15);
  });
});

describe('staging left behind by a killed attempt', () => {
  it('is discarded once it is older than any attempt, and only then', async () => {
    const columns = ['load_id', 'account_id', 'vendor_code', 'period_start', 'period_end', 'currency'];
    const rest = [
      'begin_market_value',
      'end_market_value',
      'return_basis',
      'flows',
      'source_location',
      'lineage_id',
    ];
    const row = (load: string) => [
      load,
      'ACC-X',
      'canonical',
      '2024-01-31',
      '2024-02-29',
      'USD',
      '1',
      '2',
      'net',
      [],
      {},
      1,
    ];
    await app.database.bulk.load('staging_periods', [...columns, ...rest], [row('old'), row('fresh')]);
    await app.database.bulk.load(
      'staging_lineage',
      ['load_id', 'id', 'field_sources', 'source_location'],
      [
        ['old', 1, {}, { file: 'old.csv' }],
        ['fresh', 1, {}, { file: 'fresh.csv' }],
      ],
    );
    for (const table of ['staging_periods', 'staging_lineage']) {
      await sql`UPDATE ${sql.table(table)} SET staged_at = now() - interval '2 days' WHERE load_id = 'old'`.execute(
        app.database.db,
      );
    }
    expect(await discardAbandonedStaging(app.database.db)).toBe(1);
    const left = await sql<{ load_id: string }>`
      SELECT load_id FROM staging_periods UNION ALL SELECT load_id FROM staging_lineage`.execute(
      app.database.db,
    );
    expect(left.rows).toEqual([{ load_id: 'fresh' }, { load_id: 'fresh' }]);
    await sql`DELETE FROM staging_lineage`.execute(app.database.db);
    await sql`DELETE FROM staging_periods`.execute(app.database.db);
  });
});
