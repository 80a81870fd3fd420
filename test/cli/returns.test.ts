// `perfrecon returns` and `perfrecon recalc` end to end: periods stored by ingest, read back
// by the CLI in a child process (which attaches to this process's embedded database, or uses
// the server). Expected values come from the cited public worked examples.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { ingestFile } from '../../src/services/ingest/ingest-file.ts';
import { CANONICAL_HEADER, ingestContext, openTestApp } from '../support/test-app.ts';
import { createTestEnv, type TestEnv } from '../support/test-env.ts';

const run = promisify(execFile);
const CLI = path.resolve('bin/perfrecon.js');
const HEADER = CANONICAL_HEADER;

let env: TestEnv;
let app: App;

async function perfrecon(...args: string[]) {
  const { stdout } = await run('node', [CLI, ...args], { env: env.env });
  return stdout;
}

async function returnsJson(...args: string[]) {
  return JSON.parse(await perfrecon('returns', ...args, '--json'));
}

beforeAll(async () => {
  env = await createTestEnv();
  app = await openTestApp(env);
  const rows = [
    // Wikipedia, "Modified Dietz method": $100 at the start, $50 in after year 1, $300 at the end of year 2 → 120%.
    'WIKI-MD,2013-12-31,2015-12-31,USD,100,300,2014-12-31,50,end_of_day,,,1.2,net',
    // Wikipedia, "Time-weighted return": sub-period returns 4%, 9%, 5%, 11% link to 32.12%.
    'WIKI-TWR,2010-12-31,2011-12-31,USD,100,104,,,,,,0.04,net',
    'WIKI-TWR,2011-12-31,2012-12-31,USD,104,113.36,,,,,,0.09,net',
    'WIKI-TWR,2012-12-31,2013-12-31,USD,113.36,119.028,,,,,,0.05,net',
    'WIKI-TWR,2013-12-31,2014-12-31,USD,119.028,132.12108,,,,,,0.11,net',
    // Portfolio Performance ClientIndexTest "Excel sample", daily closes, mixed timing
    // (deposits at the start of the day, withdrawals at the end) → -5.62% (-0.056182678).
    'PP-EXCEL,2011-12-31,2012-01-01,EUR,10000,10230,,,,,,,net',
    'PP-EXCEL,2012-01-01,2012-01-02,EUR,10230,10630,2012-01-02,200,start_of_day,,,,net',
    'PP-EXCEL,2012-01-02,2012-01-03,EUR,10630,9995.59,2012-01-03,-400,end_of_day,,,,net',
    'PP-EXCEL,2012-01-03,2012-01-04,EUR,9995.59,10289.58,,,,,,,net',
    'PP-EXCEL,2012-01-04,2012-01-05,EUR,10289.58,10583.57,,,,,,,net',
    'PP-EXCEL,2012-01-05,2012-01-06,EUR,10583.57,16179.56,2012-01-06,5400,start_of_day,,,,net',
    'PP-EXCEL,2012-01-06,2012-01-07,EUR,16179.56,11600.00,2012-01-07,-3697.04,end_of_day,,,,net',
    'PP-EXCEL,2012-01-07,2012-01-08,EUR,11600.00,10596.15,,,,,,,net',
    // A gap: 2024-02-29 → 2024-03-31 is missing.
    'GAPPY,2024-01-31,2024-02-29,USD,100,101,,,,,,,net',
    'GAPPY,2024-03-31,2024-04-30,USD,101,102,,,,,,,net',
    // A full withdrawal still has a return; an empty start with an end-of-day flow has none.
    'EMPTY,2024-01-31,2024-02-29,USD,0,0,,,,,,,net',
  ];
  const file = path.join(env.home, 'canonical-examples.csv');
  fs.writeFileSync(file, `${[HEADER, ...rows].join('\n')}\n`);
  const summary = await ingestFile(ingestContext(app), { filePath: file });
  expect(summary).toMatchObject({ outcome: 'SUCCEEDED', rowsStored: rows.length });
});

afterAll(async () => {
  await app?.close();
  await env?.cleanup();
});

describe('perfrecon returns', () => {
  it('prints exactly the agreed JSON keys', async () => {
    const report = await returnsJson('WIKI-MD', '--from', '2013-12-31', '--to', '2015-12-31');
    expect(Object.keys(report)).toEqual([
      'account_id',
      'from',
      'to',
      'cumulative_return',
      'annualized_return',
      'periods',
      'days',
      'gaps',
      'warnings',
      'undefined_reason',
    ]);
  });

  it('Wikipedia "Modified Dietz method": 120% over two years, annualized (1 + 1.2)^(365/730) - 1', async () => {
    const report = await returnsJson('WIKI-MD', '--from', '2013-12-31', '--to', '2015-12-31');
    expect(Math.abs(report.cumulative_return - 1.2)).toBeLessThan(1e-12 * 2.2);
    expect(Math.abs(report.annualized_return - (Math.sqrt(2.2) - 1))).toBeLessThan(1e-12);
    expect(report).toMatchObject({ periods: 1, days: 730, gaps: [], undefined_reason: null });
    expect(report.warnings.join()).toContain('LARGE_FLOW_NO_VALUATION');
  });

  it('Wikipedia "Time-weighted return": 4%, 9%, 5%, 11% link to 32.12108% exactly', async () => {
    const report = await returnsJson('WIKI-TWR', '--from', '2010-12-31', '--to', '2014-12-31');
    expect(Math.abs(report.cumulative_return - 0.3212108)).toBeLessThan(1e-12 * 1.3212108);
    expect(Math.abs(report.annualized_return - (1.3212108 ** (365 / 1461) - 1))).toBeLessThan(1e-12);
    expect(report.periods).toBe(4);
    const year = await returnsJson('WIKI-TWR', '--from', '2010-12-31', '--to', '2011-12-31');
    expect(year.annualized_return).toBeNull();
  });

  it('Portfolio Performance "Excel sample", mixed timing: -5.62% over the 9 days', async () => {
    const report = await returnsJson('PP-EXCEL', '--from', '2011-12-31', '--to', '2012-01-08');
    expect(Math.abs(report.cumulative_return - -0.056182678)).toBeLessThan(1e-6);
    expect(report).toMatchObject({ periods: 8, days: 8, annualized_return: null });
  });

  it('reports a gap with its dates and does not link over it', async () => {
    const report = await returnsJson('GAPPY', '--from', '2024-01-31', '--to', '2024-04-30');
    expect(report.cumulative_return).toBeNull();
    expect(report.gaps).toEqual([{ from: '2024-02-29', to: '2024-03-31' }]);
    expect(report.undefined_reason).toBe('GAP_IN_PERIODS');
  });

  it('gives no return, and a reason, where the denominator is zero', async () => {
    const report = await returnsJson('EMPTY', '--from', '2024-01-31', '--to', '2024-02-29');
    expect(report.cumulative_return).toBeNull();
    expect(report.undefined_reason).not.toBeNull();
  });

  it('resolves standard spans and prints the cumulative series', async () => {
    const ytd = await returnsJson('WIKI-TWR', '--span', 'YTD', '--as-of', '2013-12-31');
    expect(ytd).toMatchObject({ from: '2012-12-31', to: '2013-12-31', periods: 1 });
    expect(Math.abs(ytd.cumulative_return - 0.05)).toBeLessThan(1e-12);
    const itd = await returnsJson('WIKI-TWR', '--span', 'ITD', '--series');
    expect(
      itd.series.map((p: { cumulativeReturn: number }) => Number(p.cumulativeReturn.toFixed(10))),
    ).toEqual([0.04, 0.1336, 0.19028, 0.3212108]);
    const basis = await returnsJson(
      'WIKI-MD',
      '--from',
      '2013-12-31',
      '--to',
      '2015-12-31',
      '--annualization-basis',
      '365.25',
    );
    expect(Math.abs(basis.annualized_return - (2.2 ** (365.25 / 730) - 1))).toBeLessThan(1e-12);
  });

  it('explains a bad request and names the fix', async () => {
    const failure = await run(
      'node',
      [CLI, 'returns', 'NOBODY', '--from', '2024-01-31', '--to', '2024-02-29'],
      {
        env: env.env,
      },
    ).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toContain('no periods are stored for account "NOBODY"');
    const badDate = await run(
      'node',
      [CLI, 'returns', 'WIKI-MD', '--from', '31.12.2013', '--to', '2015-12-31'],
      {
        env: env.env,
      },
    ).catch((error: { code: number; stderr: string }) => error);
    expect((badDate as { stderr: string }).stderr).toContain('--from "31.12.2013" is not a date');
  });
});

describe('perfrecon recalc', () => {
  it('recomputes stored returns, changes nothing when the conventions are the same, and keeps old figures in the audit log', async () => {
    const first = JSON.parse(await perfrecon('recalc', '--vendor', 'canonical', '--json'));
    expect(first).toMatchObject({ vendor: 'canonical', periods: 16, changed: 0 });
    await app.database.db
      .updateTable('performance_periods')
      .set({ calculated_return: '0.5', calculation_version: 'twr-0.0.0' })
      .where('account_id', '=', 'WIKI-MD')
      .execute();
    const second = JSON.parse(
      await perfrecon('recalc', '--vendor', 'canonical', '--account', 'WIKI-MD', '--json'),
    );
    expect(second).toMatchObject({ periods: 1, changed: 1 });
    const stored = await app.database.db
      .selectFrom('performance_periods')
      .select(['calculated_return', 'calculation_version'])
      .where('account_id', '=', 'WIKI-MD')
      .executeTakeFirstOrThrow();
    expect(Math.abs(Number(stored.calculated_return) - 1.2)).toBeLessThan(1e-12);
    expect(stored.calculation_version).toBe(first.calculationVersion);
    const audit = await app.database.db
      .selectFrom('audit_log')
      .select(['old_values', 'actor'])
      .where('table_name', '=', 'performance_periods')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(audit.old_values).toMatchObject({ calculated_return: 0.5, calculation_version: 'twr-0.0.0' });
    expect(audit.actor).toMatch(/^cli:/);
  });
});
