// A large-ish file through the streaming ingest: every row is stored exactly once (the periods
// reported twice are settled over the staged rows, in SQL), and every stored return equals the
// return engine's figure for that row computed on its own (the slow path). No timing.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { canonicalAccountRows, canonicalCsvLine, canonicalRecord } from '../../src/samples/canonical.ts';
import { truthAccounts } from '../../src/samples/truth.ts';
import { listFileWarnings } from '../../src/services/files.ts';
import { calculatePeriod } from '../../src/services/ingest/calculation.ts';
import { ingestFile } from '../../src/services/ingest/ingest-file.ts';
import { CANONICAL_HEADER, ingestContext, openTestApp } from '../support/test-app.ts';
import { createTestEnv, type TestEnv } from '../support/test-env.ts';

const ACCOUNTS = 25;
const DAYS = 800;

let env: TestEnv;
let app: App;

beforeAll(async () => {
  env = await createTestEnv();
  app = await openTestApp(env);
});

afterAll(async () => {
  await app?.close();
  await env?.cleanup();
});

describe('a file of 20,000 rows', () => {
  it('stores every period once, with the same returns as calculating each row alone', async () => {
    const accounts = [...truthAccounts({ accounts: ACCOUNTS, days: DAYS, start: '2021-12-31', seed: 7 })];
    const rows = accounts.flatMap((account) => [...canonicalAccountRows(account)]);
    const lines = rows.map(canonicalCsvLine);
    // Every 1,000th row again at the end of the file: exact repeats, stored once.
    const repeats = lines.filter((_, index) => index % 1_000 === 0);
    const file = path.join(env.home, 'canonical-large.csv');
    fs.writeFileSync(file, `${[CANONICAL_HEADER, ...lines, ...repeats].join('\n')}\n`);

    const summary = await ingestFile(ingestContext(app), { filePath: file });
    expect(summary).toMatchObject({
      outcome: 'SUCCEEDED',
      rowsRead: rows.length + repeats.length,
      rowsStored: rows.length,
      rowsQuarantined: 0,
    });
    const warnings = await listFileWarnings(app, summary.fileId as number, { after: 0, limit: 100_000 });
    expect(
      warnings.items.filter((w) => w.message.endsWith('exactly; the period is stored once')),
    ).toHaveLength(repeats.length);

    const stored = await app.database.db
      .selectFrom('performance_periods')
      .select([
        'account_id',
        'period_start',
        'period_end',
        'calculated_return',
        'calculation_method',
        'calculation_conventions',
        'calculation_version',
        'calculation_warnings',
        'source_location',
        'field_sources',
      ])
      .where('file_id', '=', summary.fileId as number)
      .execute();
    expect(stored).toHaveLength(rows.length);
    const byKey = new Map(stored.map((p) => [`${p.account_id}|${p.period_start}|${p.period_end}`, p]));
    expect(byKey.size).toBe(rows.length);
    const canonical = app.vendors.find((v) => v.code === 'canonical');
    if (canonical === undefined) throw new Error('no canonical vendor');
    const columns = CANONICAL_HEADER.split(',');
    let compared = 0;
    for (const [index, row] of rows.entries()) {
      const period = byKey.get(`${row.accountId}|${row.periodStart}|${row.periodEnd}`);
      const slow = calculatePeriod(canonical, canonicalRecord(row));
      expect(period?.calculated_return === null ? null : Number(period?.calculated_return)).toBe(
        slow.calculatedReturn,
      );
      // Its lineage as the row gave it: the file and row, the columns each field came from.
      const cells = (lines[index] ?? '').split(',');
      expect(period).toMatchObject({
        source_location: { file: 'canonical-large.csv', row: index + 2 },
        field_sources: Object.fromEntries(
          columns.filter((_, i) => cells[i] !== '').map((column) => [column, column]),
        ),
        calculation_method: slow.method,
        calculation_conventions: slow.conventions,
        calculation_version: slow.version,
        calculation_warnings: slow.warnings,
      });
      compared++;
    }
    expect(compared).toBe(ACCOUNTS * DAYS);
  });
});
