// The set-based screen decides nothing on its own: a run with it finds exactly the breaks and
// counts that the engine deciding every period of every account finds (the slow path), on data
// built to sit on every boundary the screen looks at — returns at and around their tolerance
// (effective-dated rules on every level, a vendor's configured rounding), begin values a
// fraction of a cent and whole amounts off, gaps, overlaps, an account reported by two vendors;
// a single break at an account's first and last period and at the edges of the run's range
// (the engine reads only the periods in doubt with their neighbours), and a break that closes.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { memoryCache } from '../../src/cache/index.ts';
import { type CheckResult, checkKey, reconcileAccount, ToleranceBook } from '../../src/reconcile/index.ts';
import { ingestFile } from '../../src/services/ingest/ingest-file.ts';
import { reconcile, setTolerance } from '../../src/services/reconciliation/index.ts';
import { vendorSettingsLookup } from '../../src/services/reconciliation/vendor-settings.ts';
import { listBreaks } from '../../src/store/break-repository.ts';
import { accountsInScope, listResults, loadPeriods } from '../../src/store/reconciliation-repository.ts';
import { listToleranceRules } from '../../src/store/tolerance-repository.ts';
import { CANONICAL_HEADER, ingestContext, openTestApp } from '../support/test-app.ts';
import { createTestEnv, type TestEnv } from '../support/test-env.ts';

const SECOND_VENDOR = `vendors:
  - code: admin
    name: Fund administrator
    format: csv
    file_patterns: ["admin*.csv"]
    csv: { delimiter: ",", encoding: utf-8, header_scan_rows: 1, footer_patterns: [] }
    date_format: ISO
    return_basis: gross
    reported_precision: { decimals: 2, unit: percent }
    fields:
      account_id: account_id
      period_start: period_start
      period_end: period_end
      currency: currency
      begin_market_value: begin_market_value
      end_market_value: end_market_value
      flow_date: flow_date
      flow_amount: flow_amount
      flow_timing: flow_timing
      income: income
      fees: fees
      vendor_return: { from: vendor_return, unit: fraction }
      return_basis: return_basis
`;

const ACCOUNTS = 60;
const DAYS = 40;
/** Basis points added to vendor returns: on, just inside and just outside 1 bp, 2 bp and 3 bp. */
const OFFSETS = [0, 0, 0, 0, 0.5, 0.999, 1, 1.0005, 1.01, 2, 2.9999, 3.0001, 5, -1.01, -0.99];
/** Accounts otherwise exact with one return just outside its tolerance: [account, day, bp]. */
const SINGLE_BREAKS: [number, number, number][] = [
  [2, 10, 1.0005],
  [5, 33, 2.0005],
  [8, 10, -1.0005],
  [11, 33, -2.0005],
  [14, 10, 1.5], // closed by a restatement in the last test
  [20, 0, 1.5], // the account's first period (no period before it)
  [23, 3, -1.5], // the first period in the range 2024-01-05 → 2024-02-12, the one before it outside
  [26, DAYS - 1, 2.5], // the account's last period (none after it)
];
/** A begin value moved at the first period in range: its pair with the period outside the range. */
const MOVED_AT_RANGE_START: [number, number] = [29, 3];
/** Offsets that pass 1 bp with room to spare (some fail ACC-4's 0.5 bp of late January). */
const SMALL_OFFSETS = [0, 0.2, 0.6, -0.9, 0.95];

let env: TestEnv;
let app: App;

function day(index: number): string {
  return new Date(Date.UTC(2024, 0, 1 + index)).toISOString().slice(0, 10);
}

/** One account's daily rows, with problems chosen by the account's number. */
function accountRows(a: number, vendor: 'canonical' | 'admin', withSingleBreaks = true): string[] {
  const rows: string[] = [];
  let value = 100_000 + a * 1_000;
  // Some accounts stop early: data missing at the end of the run.
  for (let d = 0; d < (a % 5 === 2 ? DAYS - 3 : DAYS); d++) {
    if (a % 7 === 3 && d === 20) continue; // a gap: missing periods
    const end = Math.round(value * (1 + (((a * 31 + d * 17) % 23) - 11) / 10_000) * 100) / 100;
    let begin = value;
    if (a % 11 === 5 && d === 12) begin = value + 0.004; // within a cent
    if (a % 13 === 6 && d === 15) begin = value + 25; // a discontinuity
    if (a === MOVED_AT_RANGE_START[0] && d === MOVED_AT_RANGE_START[1]) begin = value + 25;
    const exact = end / begin - 1;
    // A third of the accounts on every boundary, a third a little off, a third exact.
    const offsets = a % 3 === 0 ? OFFSETS : a % 3 === 1 ? SMALL_OFFSETS : [0];
    const single = withSingleBreaks
      ? SINGLE_BREAKS.find(([account, at]) => account === a && at === d)?.[2]
      : undefined;
    const offset = single ?? offsets[(a * 7 + d * 3) % offsets.length] ?? 0;
    const reported = vendor === 'admin' ? exact.toFixed(4) : (exact + offset / 10_000).toFixed(10);
    const start = a % 17 === 8 && d === 30 ? day(d - 1) : day(d); // an overlap
    rows.push(
      `ACC-${a},${start},${day(d + 1)},EUR,${begin.toFixed(3)},${end.toFixed(2)},,,,,0,${reported},gross`,
    );
    value = end;
  }
  return rows;
}

async function ingest(name: string, rows: string[], vendorCode: string) {
  const file = path.join(env.home, name);
  fs.writeFileSync(file, `${CANONICAL_HEADER}\n${rows.join('\n')}\n`);
  const summary = await ingestFile(ingestContext(app), { filePath: file, vendorCode });
  expect(summary.outcome).toBe('SUCCEEDED');
}

/** The slow path: the engine decides every check of every account in scope. */
async function decideAll(from: string, to: string, expectThrough: string | null): Promise<CheckResult[]> {
  const settings = vendorSettingsLookup(app.vendors);
  const tolerances = new ToleranceBook(
    await listToleranceRules(app.database.db),
    (code) => settings(code).tolerances,
  );
  const accounts = (await accountsInScope(app.database.db, { from, to })).map((a) => a.accountId);
  const periods = await loadPeriods(app.database.db, accounts, from, to);
  const scope = { from, to, vendorCodes: null, expectThrough };
  return accounts.flatMap((id) =>
    reconcileAccount(id, periods.get(id) ?? [], scope, { tolerances, settings }),
  );
}

const describeFailure = (r: {
  account_id: string;
  check_kind: string;
  vendor_code: string;
  counterparty: string;
  period_start: string;
  period_end: string;
}) => `${r.account_id}|${r.check_kind}|${r.vendor_code}|${r.counterparty}|${r.period_start}|${r.period_end}`;

beforeAll(async () => {
  env = await createTestEnv();
  fs.writeFileSync(path.join(env.home, 'vendors.yaml'), SECOND_VENDOR);
  env.env.PERFRECON_CONFIG = path.join(env.home, 'vendors.yaml');
  app = await openTestApp(env);
  const rows = Array.from({ length: ACCOUNTS }, (_, a) => accountRows(a, 'canonical')).flat();
  await ingest('canonical-screen.csv', rows, 'canonical');
  await ingest(
    'admin-screen.csv',
    [0, 9, 18].flatMap((a) => accountRows(a, 'admin')),
    'admin',
  );
  const ops = { database: app.database, cache: memoryCache() };
  await setTolerance(
    ops,
    { accountId: 'ACC-4', vendorCode: '*', effectiveFrom: '2024-01-15', returnBps: 3 },
    'test:ops',
  );
  await setTolerance(
    ops,
    {
      accountId: 'ACC-4',
      vendorCode: 'canonical',
      effectiveFrom: '2024-01-25',
      effectiveTo: '2024-01-31',
      returnBps: 0.5,
    },
    'test:ops',
  );
  await setTolerance(
    ops,
    { accountId: '*', vendorCode: 'canonical', effectiveFrom: '2024-02-01', returnBps: 2 },
    'test:ops',
  );
}, 120_000);

afterAll(async () => {
  await app?.close();
  await env?.cleanup();
});

const deps = () => ({
  database: app.database,
  vendors: app.vendors,
  notifier: { notify: async () => {} },
  cache: memoryCache(),
});

/** A run finds the failures and counts every check as the engine deciding everything does. */
async function expectSameAsEngine(
  request: { from?: string; to?: string; expectThrough: string | null; batchSize?: number },
  range: [string, string],
) {
  const slow = await decideAll(range[0], range[1], request.expectThrough);
  const slowFailed = slow.filter((r) => r.status === 'FAILED').map((r) => `${r.accountId}|${checkKey(r)}`);
  const outcome = await reconcile(deps(), { ...request, actor: 'test:ops' });
  const stored = await listResults(app.database.db, { runId: outcome.runId, limit: 100_000 });
  expect(
    stored
      .filter((r) => r.status === 'FAILED')
      .map(describeFailure)
      .sort(),
  ).toEqual(slowFailed.sort());
  for (const kind of ['RETURN', 'CONTINUITY', 'MISSING_PERIOD', 'CROSS_VENDOR_MARKET_VALUE'] as const) {
    const all = slow.filter((r) => r.kind === kind);
    expect(outcome.summary.perCheck[kind]?.checked, kind).toBe(all.length);
    expect(outcome.summary.perCheck[kind]?.failed, kind).toBe(
      all.filter((r) => r.status === 'FAILED').length,
    );
  }
  expect(outcome.summary.accounts).toBe(new Set(slow.map((r) => r.accountId)).size);
  return { slow, slowFailed, outcome, stored };
}

describe('a run with the set-based screen', () => {
  it('stores the same failures and counts the same checks as the engine deciding everything', async () => {
    const { slow, slowFailed, outcome, stored } = await expectSameAsEngine(
      { from: '2024-01-05', to: '2024-02-12', expectThrough: '2024-02-10', batchSize: 7 },
      ['2024-01-05', '2024-02-12'],
    );
    expect(stored.every((r) => r.status === 'FAILED')).toBe(true);
    expect(slowFailed.length).toBeGreaterThan(50);
    expect(outcome.summary.breaksOpened).toBe(slowFailed.length);
    // The single breaks at the edges, each found once.
    for (const [account, at] of SINGLE_BREAKS.filter(([, at]) => at >= 3)) {
      expect(slowFailed, `ACC-${account} day ${at}`).toContain(
        `ACC-${account}|RETURN|canonical||${day(at)}|${day(at + 1)}`,
      );
    }
    expect(slowFailed).toContain(`ACC-29|CONTINUITY|canonical||${day(3)}|${day(4)}`);
    // The screen had accounts to pass: a good share never reached the engine.
    const clean = new Set(slow.map((r) => r.accountId));
    for (const failed of slowFailed) clean.delete(failed.split('|')[0] as string);
    expect(clean.size).toBeGreaterThan(ACCOUNTS / 4);
  });

  it('sees the same breaks again on a second run and opens none', async () => {
    const outcome = await reconcile(deps(), {
      from: '2024-01-05',
      to: '2024-02-12',
      actor: 'test:ops',
      expectThrough: '2024-02-10',
    });
    expect(outcome.summary.breaksOpened).toBe(0);
    expect(outcome.summary.breaksSeenAgain).toBe(outcome.summary.failed);
    expect(outcome.summary.breaksCleared).toBe(0);
  });

  it('finds the same over every stored period: a break at the first and last period of an account', async () => {
    const { slowFailed } = await expectSameAsEngine({ expectThrough: null }, ['0001-01-01', '9999-12-31']);
    expect(slowFailed).toContain(`ACC-20|RETURN|canonical||${day(0)}|${day(1)}`);
    expect(slowFailed).toContain(`ACC-26|RETURN|canonical||${day(DAYS - 1)}|${day(DAYS)}`);
  });

  it('clears a break whose period is restated to pass, and finds the rest as before', async () => {
    const restated = accountRows(14, 'canonical', false)[10] as string;
    await ingest('canonical-restated.csv', [restated], 'canonical');
    const { slowFailed, outcome, stored } = await expectSameAsEngine(
      { from: '2024-01-05', to: '2024-02-12', expectThrough: '2024-02-10' },
      ['2024-01-05', '2024-02-12'],
    );
    const key = `ACC-14|RETURN|canonical||${day(10)}|${day(11)}`;
    expect(slowFailed).not.toContain(key);
    // The pass that settles the break is stored: the period's latest status.
    expect(stored.filter((r) => r.status === 'PASSED').map(describeFailure)).toEqual([key]);
    // (Breaks the run over everything cleared — data missing at the end, which it did not
    // expect — open again here; the restated one is cleared.)
    expect(outcome.summary.breaksCleared).toBeGreaterThanOrEqual(1);
    const [closed] = await listBreaks(app.database.db, { accountId: 'ACC-14' });
    expect(
      `${closed?.account_id}|${closed?.check_kind}|${closed?.vendor_code}||${closed?.period_start}|${closed?.period_end}`,
    ).toBe(key);
    expect(closed?.status).toBe('CLEARED');
  });
});
