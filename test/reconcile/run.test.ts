// The reconciliation run end to end on a real database (embedded or server, as the suite
// runs): files stored through the ingest use case, runs after each file and on demand, the
// break workflow with four-eyes, tolerances, and the cache a reader goes through.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { type Cache, createCache } from '../../src/cache/index.ts';
import type { AlertEvent, Notifier } from '../../src/domain/alert.ts';
import { ingestFile } from '../../src/services/ingest/ingest-file.ts';
import { periodLineage } from '../../src/services/lineage.ts';
import {
  accountReconciliationStatus,
  actOnBreak,
  breakDigest,
  listBreakViews,
  reconcile,
  reconcileAfterIngest,
  setTolerance,
  showBreak,
} from '../../src/services/reconciliation/index.ts';
import { listResults } from '../../src/store/reconciliation-repository.ts';
import { CANONICAL_HEADER, ingestContext, openTestApp } from '../support/test-app.ts';
import { createTestEnv, type TestEnv } from '../support/test-env.ts';

const HEADER = CANONICAL_HEADER;

const ADMIN_VENDOR = `vendors:
  - code: admin
    name: Fund administrator
    format: csv
    file_patterns: ["admin*.csv"]
    csv: { delimiter: ",", encoding: utf-8, header_scan_rows: 1, footer_patterns: [] }
    date_format: ISO
    flow_timing: start_of_day
    return_basis: net
    reported_precision: { decimals: 2, unit: percent }
    tolerances: { return_bps: 2 }
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

let env: TestEnv;
let app: App;
let cache: Cache;
const alerts: AlertEvent[] = [];
const notifier: Notifier = {
  async notify(event) {
    alerts.push(event);
  },
};

function deps() {
  return { database: app.database, vendors: app.vendors, notifier, cache };
}

async function ingest(name: string, rows: string[]): Promise<number> {
  const file = path.join(env.home, name);
  fs.writeFileSync(file, `${HEADER}\n${rows.join('\n')}\n`);
  const summary = await ingestFile(ingestContext(app, { notifier }), { filePath: file });
  expect(summary.outcome).toBe('SUCCEEDED');
  return summary.fileId as number;
}

// February 2024 for ACC-2: 2024-01-31 → 2024-02-29 is 29 days; +50,000 on Feb 10 (day 10).
// Ours (end of day): 10,000 / (200,000 + 50,000 × 19/29); the custodian's (start of day):
// 10,000 / (200,000 + 50,000 × 20/29).
const acc2FebOurs = 10000 / (200000 + (50000 * 19) / 29);
const acc2FebVendor = 10000 / (200000 + (50000 * 20) / 29);

beforeAll(async () => {
  env = await createTestEnv();
  fs.writeFileSync(path.join(env.home, 'vendors.yaml'), ADMIN_VENDOR);
  env.env.PERFRECON_CONFIG = path.join(env.home, 'vendors.yaml');
  app = await openTestApp(env);
  cache = createCache(app.config, undefined, `perfrecon-test-${process.pid}-${Date.now()}`);
});

afterAll(async () => {
  await cache?.close();
  await app?.close();
  await env?.cleanup();
});

describe('a run after each stored file', () => {
  let firstRun: number;

  it('checks returns and continuity for the periods the file touched, and opens a break per failure', async () => {
    const fileId = await ingest('canonical-2024q1.csv', [
      'ACC-1,2023-12-31,2024-01-31,EUR,100000,101000,,,,,,0.01,net',
      'ACC-1,2024-01-31,2024-02-29,EUR,101000,102010,,,,,,0.01,net',
      'ACC-1,2024-02-29,2024-03-31,EUR,102010,103030.10,,,,,,0.01,net',
      'ACC-2,2023-12-31,2024-01-31,EUR,200000,200000,,,,,,0,net',
      `ACC-2,2024-01-31,2024-02-29,EUR,200000,260000,2024-02-10,50000,end_of_day,,,${acc2FebVendor.toFixed(10)},net`,
      'ACC-2,2024-02-29,2024-03-31,EUR,260100,262701,,,,,,0.01,net',
    ]);
    const outcome = await reconcileAfterIngest(deps(), fileId);
    expect(outcome).not.toBeNull();
    firstRun = outcome?.runId as number;
    // 6 return checks and 4 continuity pairs (ACC-1 Feb, Mar; ACC-2 Feb, Mar); no missing periods.
    expect(outcome?.summary).toMatchObject({
      checked: 10,
      passed: 8,
      failed: 2,
      passRate: 0.8,
      accounts: 2,
      breaksOpened: 2,
      perVendor: { canonical: { checked: 10, passed: 8, failed: 2, passRate: 0.8 } },
      perCheck: { RETURN: { checked: 6, failed: 1 }, CONTINUITY: { checked: 4, failed: 1 } },
    });
    expect(outcome?.inputs).toMatchObject({
      fileId,
      from: '2024-01-31',
      to: '2024-03-31',
      vendor: 'canonical',
    });
    const failed = await listResults(app.database.db, { runId: firstRun, status: 'FAILED' });
    expect(failed.map((r) => [r.account_id, r.check_kind, r.period_end])).toEqual([
      ['ACC-2', 'CONTINUITY', '2024-03-31'],
      ['ACC-2', 'RETURN', '2024-02-29'],
    ]);
    const returnBreak = failed[1];
    expect(Number(returnBreak?.variance_bps)).toBeCloseTo(
      (Number(acc2FebVendor.toFixed(10)) - acc2FebOurs) * 1e4,
      5,
    );
    expect(returnBreak?.cause).toBe('FLOW_TIMING_START_OF_DAY');
    expect(returnBreak?.details?.inputs).toMatchObject({
      fileId,
      source: { file: 'canonical-2024q1.csv', row: 6 },
    });
    expect(returnBreak).toMatchObject({
      file_id: fileId,
      tolerance_bps: '1',
      rounding_bps: '0.0000005',
      tolerance_source: 'default',
    });
    expect(failed[0]).toMatchObject({ variance_amount: '100', expected: '260000', observed: '260100' });
  });

  it('alerts each new break as a tolerance violation and the run summary as info', () => {
    expect(alerts.filter((a) => a.kind === 'tolerance_violation').map((a) => a.details.check)).toEqual([
      'RETURN',
      'CONTINUITY',
    ]);
    const summary = alerts.find((a) => a.kind === 'run_summary');
    expect(summary).toMatchObject({ severity: 'info', details: { run: firstRun, checked: 10, failed: 2 } });
  });

  it('lists the breaks with their age and explanation', async () => {
    const breaks = await listBreakViews(deps(), { statuses: ['OPEN'] });
    expect(breaks.map((b) => [b.accountId, b.check, b.periodEnd, b.status, b.ageDays])).toEqual([
      ['ACC-2', 'RETURN', '2024-02-29', 'OPEN', 0],
      ['ACC-2', 'CONTINUITY', '2024-03-31', 'OPEN', 0],
    ]);
    const explained = breaks[0]?.explanation as { summary: string };
    expect(explained.summary).toBe(
      `the vendor counts flows at the start of the day: recomputed ${acc2FebVendor.toFixed(10)} vs vendor ${acc2FebVendor.toFixed(10)}`,
    );
  });
});

describe('the break workflow', () => {
  it('acknowledges, resolves with a comment and needs a second person to approve (four-eyes)', async () => {
    const returnBreak = (await listBreakViews(deps(), { statuses: ['OPEN'] })).find(
      (b) => b.check === 'RETURN',
    );
    const id = returnBreak?.id as number;
    const withFourEyes = { ...deps(), fourEyes: true };
    expect((await actOnBreak(withFourEyes, id, { action: 'acknowledge', actor: 'ops:ann' })).status).toBe(
      'ACKNOWLEDGED',
    );
    await expect(actOnBreak(withFourEyes, id, { action: 'resolve', actor: 'ops:ann' })).rejects.toThrow(
      /needs a comment/,
    );
    const resolved = await actOnBreak(withFourEyes, id, {
      action: 'resolve',
      actor: 'ops:ann',
      comment: 'custodian counts flows at start of day; confirmed by e-mail',
    });
    expect(resolved.status).toBe('PENDING_APPROVAL');
    await expect(actOnBreak(withFourEyes, id, { action: 'approve', actor: 'ops:ann' })).rejects.toThrow(
      /cannot also approve/,
    );
    const approved = await actOnBreak(withFourEyes, id, { action: 'approve', actor: 'ops:bob' });
    expect(approved).toMatchObject({
      status: 'RESOLVED',
      resolved: { by: 'ops:ann', comment: 'custodian counts flows at start of day; confirmed by e-mail' },
      approved: { by: 'ops:bob' },
    });
  });

  it('audits every action with its actor', async () => {
    const returnBreak = (await listBreakViews(deps(), {})).find((b) => b.check === 'RETURN');
    const detail = await showBreak(deps(), returnBreak?.id as number);
    expect(detail.history.map((h) => [h.action, h.actor, h.status])).toEqual([
      ['INSERT', 'ingest:file-1', 'OPEN'],
      ['UPDATE', 'ops:ann', 'ACKNOWLEDGED'],
      ['UPDATE', 'ops:ann', 'PENDING_APPROVAL'],
      ['UPDATE', 'ops:bob', 'RESOLVED'],
    ]);
    expect(detail.history[2]?.comment).toBe('custodian counts flows at start of day; confirmed by e-mail');
    expect(detail.history[3]?.comment).toBeNull(); // an approval writes no comment
  });

  it('shows a reopen with its own comment in the history, not the resolution’s', async () => {
    const resolved = (await listBreakViews(deps(), { statuses: ['RESOLVED'] })).find(
      (b) => b.check === 'RETURN',
    );
    const id = resolved?.id as number;
    const noFourEyes = { ...deps(), fourEyes: false };
    await actOnBreak(noFourEyes, id, {
      action: 'reopen',
      actor: 'ops:cy',
      comment: 'the vendor did not restate',
    });
    const history = (await showBreak(deps(), id)).history;
    expect(history.at(-1)).toMatchObject({
      actor: 'ops:cy',
      status: 'OPEN',
      comment: 'the vendor did not restate',
    });
    // Back as it was for the tests that follow.
    await actOnBreak(noFourEyes, id, { action: 'resolve', actor: 'ops:ann', comment: 'confirmed again' });
  });

  it('refuses an action on a break that does not exist', async () => {
    await expect(
      actOnBreak({ ...deps(), fourEyes: false }, 99999, { action: 'acknowledge', actor: 'x' }),
    ).rejects.toThrow(/there is no break 99999/);
  });
});

describe('a re-run after a restatement', () => {
  it('clears a break the new data no longer shows, and records which run cleared it', async () => {
    const fileId = await ingest('canonical-2024q1-restated.csv', [
      'ACC-2,2024-02-29,2024-03-31,EUR,260000,262600,,,,,,0.01,net',
    ]);
    const outcome = await reconcileAfterIngest(deps(), fileId);
    expect(outcome?.summary).toMatchObject({ failed: 0, breaksCleared: 1, breaksOpened: 0 });
    const [cleared] = await listBreakViews(deps(), { statuses: ['CLEARED'] });
    expect(cleared).toMatchObject({
      check: 'CONTINUITY',
      accountId: 'ACC-2',
      cleared: { run: outcome?.runId },
    });
    const history = (await showBreak(deps(), cleared?.id as number)).history;
    expect(history.at(-1)).toMatchObject({
      action: 'UPDATE',
      actor: `ingest:file-${fileId}`,
      status: 'CLEARED',
    });
  });
});

describe('two vendors for one account', () => {
  it('compares values and returns and explains which value differs', async () => {
    const fileId = await ingest('admin-2024.csv', [
      'ACC-1,2023-12-31,2024-01-31,EUR,100000,101000,,,,,,0.0100,net',
      'ACC-1,2024-01-31,2024-02-29,EUR,101000,102100,,,,,,0.0109,net',
    ]);
    const outcome = await reconcileAfterIngest(deps(), fileId);
    // admin: 2 returns (0.0109 vs 102,100 / 101,000 - 1 = 1.08911 %: 0.09 bp, within rounding),
    // 1 continuity; across vendors: values on Jan 31 and Feb 29, returns of Jan and Feb.
    expect(outcome?.summary).toMatchObject({
      checked: 7,
      failed: 2,
      perCheck: {
        CROSS_VENDOR_MARKET_VALUE: { checked: 2, failed: 1 },
        CROSS_VENDOR_RETURN: { checked: 2, failed: 1 },
      },
    });
    const failed = await listResults(app.database.db, { runId: outcome?.runId as number, status: 'FAILED' });
    expect(
      failed.map((r) => [r.check_kind, r.vendor_code, r.counterparty, r.period_end, r.variance_amount]),
    ).toEqual([
      ['CROSS_VENDOR_MARKET_VALUE', 'admin', 'canonical', '2024-02-29', '-90'],
      ['CROSS_VENDOR_RETURN', 'admin', 'canonical', '2024-02-29', null],
    ]);
    // admin 102,100 / 101,000 - 1 vs custodian 1 %.
    expect(Number(failed[1]?.variance_bps)).toBeCloseTo((0.01 - (102100 / 101000 - 1)) * 1e4, 6);
    expect(failed[1]?.cause).toBe('MARKET_VALUE_DIFFERS');
  });
});

describe('missing periods', () => {
  it("reports each month a vendor has not delivered up to the run's date", async () => {
    // One account per batch: the next account is read while this one's breaks are written.
    const outcome = await reconcile(deps(), {
      from: '2024-04-01',
      to: '2024-05-31',
      actor: 'test:ops',
      batchSize: 1,
    });
    expect(outcome.summary.accounts).toBe(2);
    const missing = await listResults(app.database.db, { runId: outcome.runId, status: 'FAILED' });
    expect(
      missing.map((r) => [r.account_id, r.vendor_code, r.check_kind, r.period_start, r.period_end]),
    ).toEqual([
      ['ACC-1', 'admin', 'MISSING_PERIOD', '2024-02-29', '2024-03-31'],
      ['ACC-1', 'admin', 'MISSING_PERIOD', '2024-03-31', '2024-04-30'],
      ['ACC-1', 'admin', 'MISSING_PERIOD', '2024-04-30', '2024-05-31'],
      ['ACC-1', 'canonical', 'MISSING_PERIOD', '2024-03-31', '2024-04-30'],
      ['ACC-1', 'canonical', 'MISSING_PERIOD', '2024-04-30', '2024-05-31'],
      ['ACC-2', 'canonical', 'MISSING_PERIOD', '2024-03-31', '2024-04-30'],
      ['ACC-2', 'canonical', 'MISSING_PERIOD', '2024-04-30', '2024-05-31'],
    ]);
  });

  it('rejects a range that ends before it starts, or dates given twice', async () => {
    await expect(reconcile(deps(), { from: '2024-05-01', to: '2024-04-01', actor: 'x' })).rejects.toThrow(
      /before --from/,
    );
    await expect(reconcile(deps(), { date: '2024-05-01', to: '2024-04-01', actor: 'x' })).rejects.toThrow(
      /either --date/,
    );
    await expect(reconcile(deps(), { date: '2024-02-30', actor: 'x' })).rejects.toThrow(/is not a date/);
  });
});

describe('tolerances and the cached status', () => {
  it('serves the status after a run from the new results, not the cache', async () => {
    const before = await accountReconciliationStatus(deps(), 'ACC-2', { to: '2024-03-31' });
    expect(
      before.results.find((r) => r.check_kind === 'RETURN' && r.period_end === '2024-02-29')?.status,
    ).toBe('FAILED');
    // Cached: the same object comes back until a run covers the account.
    expect(await accountReconciliationStatus(deps(), 'ACC-2', { to: '2024-03-31' })).toEqual(before);

    // 3.2 bp of flow timing is accepted for this account from 2024.
    await setTolerance(
      deps(),
      { accountId: 'ACC-2', vendorCode: 'canonical', effectiveFrom: '2024-01-01', returnBps: 5 },
      'ops:ann',
    );
    const outcome = await reconcile(deps(), { date: '2024-02-29', accountId: 'ACC-2', actor: 'ops:ann' });
    expect(outcome.summary).toMatchObject({ failed: 0, breaksCleared: 1 });

    const after = await accountReconciliationStatus(deps(), 'ACC-2', { to: '2024-03-31' });
    const feb = after.results.find((r) => r.check_kind === 'RETURN' && r.period_end === '2024-02-29');
    expect(feb).toMatchObject({ status: 'PASSED', run_id: outcome.runId });
    // The resolved break stays resolved, with the run that cleared it recorded.
    const [resolved] = await listBreakViews(deps(), { statuses: ['RESOLVED'] });
    expect(resolved?.cleared?.run).toBe(outcome.runId);
  });

  it('audits tolerance changes and rejects a rule without a tolerance', async () => {
    const audit = await app.database.db
      .selectFrom('audit_log')
      .select(['action', 'actor', 'row_key'])
      .where('table_name', '=', 'reconciliation_tolerances')
      .execute();
    expect(audit).toEqual([
      {
        action: 'INSERT',
        actor: 'ops:ann',
        row_key: { account_id: 'ACC-2', vendor_code: 'canonical', effective_from: '2024-01-01' },
      },
    ]);
    await expect(setTolerance(deps(), { effectiveFrom: '2024-01-01' }, 'ops:ann')).rejects.toThrow(
      /at least one of/,
    );
  });
});

describe('the digest of open breaks', () => {
  it('counts open breaks by age and lists the oldest', async () => {
    const open = await listBreakViews(deps(), {});
    const active = open.filter((b) => ['OPEN', 'ACKNOWLEDGED', 'PENDING_APPROVAL'].includes(b.status));
    const tenDaysLater = new Date(Date.now() + 10 * 86_400_000);
    const digest = await breakDigest(deps(), { now: tenDaysLater });
    expect(digest).toMatchObject({
      kind: 'break_digest',
      severity: 'info',
      title: `${active.length} open reconciliation breaks`,
      details: {
        open: active.length,
        byAge: { '0-1 days': 0, '2-7 days': 0, '8-30 days': active.length, 'over 30 days': 0 },
      },
    });
    const oldest = (digest.details.oldest as { break: number; ageDays: number }[]).map((b) => b.break);
    expect(oldest).toEqual(active.map((b) => b.id));
  });
});

describe('two vendors with the same data, one monthly and one daily (issue 10, item 33)', () => {
  /**
   * June 2024 daily, +0.4 % a day to June 10, then -0.2 % a day, +50,000 at the end of June 10:
   * the rows, the month's end value, and the daily returns linked.
   */
  function june(account: string) {
    const rows: string[] = [];
    let value = 200_000;
    let linked = 1;
    for (let i = 0; i < 30; i++) {
      const start = new Date(Date.UTC(2024, 4, 31 + i)).toISOString().slice(0, 10);
      const end = new Date(Date.UTC(2024, 4, 32 + i)).toISOString().slice(0, 10);
      const flow = end === '2024-06-10' ? 50_000 : 0;
      const next = Math.round((Math.round(value * (i < 10 ? 1.004 : 0.998) * 100) / 100 + flow) * 100) / 100;
      linked *= (next - flow) / value;
      rows.push(
        `${account},${start},${end},EUR,${value.toFixed(2)},${next.toFixed(2)},${flow ? `${end},${flow},end_of_day` : ',,'},,,,net`,
      );
      value = next;
    }
    return { rows, endValue: value, linked: linked - 1 };
  }

  it('passes a difference of method alone and keeps both figures as information; breaks on a difference of data', async () => {
    const same = june('ACC-7');
    const other = june('ACC-8');
    await ingest('canonical-june-daily.csv', [...same.rows, ...other.rows]);
    const adminFile = await ingest('admin-june.csv', [
      `ACC-7,2024-05-31,2024-06-30,EUR,200000,${same.endValue.toFixed(2)},2024-06-10,50000,end_of_day,,,,net`,
      // The administrator saw a contribution of 40,000 where the custodian saw 50,000.
      `ACC-8,2024-05-31,2024-06-30,EUR,200000,${other.endValue.toFixed(2)},2024-06-10,40000,end_of_day,,,,net`,
    ]);
    const outcome = await reconcileAfterIngest(deps(), adminFile);
    // Modified Dietz over June (the flow weighs 20/30) vs the 30 daily returns linked: 84 bp apart.
    const dietz = (same.endValue - 250_000) / (200_000 + (50_000 * 20) / 30);
    expect(Math.abs(same.linked - dietz) * 1e4).toBeGreaterThan(80);
    const results = await listResults(app.database.db, { runId: outcome?.runId as number });
    const crossReturns = results
      .filter((r) => r.check_kind === 'CROSS_VENDOR_RETURN')
      .map((r) => ({ account: r.account_id, status: r.status, cause: r.cause, message: r.message }));
    expect(crossReturns).toMatchObject([
      { account: 'ACC-7', status: 'PASSED', cause: 'METHOD_LINKED_VS_DIETZ' },
      { account: 'ACC-8', status: 'FAILED', cause: 'FLOWS_DIFFER' },
    ]);
    expect(crossReturns[0]?.message).toContain(same.linked.toFixed(8));
    expect(crossReturns[0]?.message).toContain(dietz.toFixed(8));
    expect(outcome?.summary.notes).toBe(1);
    const breaks = await listBreakViews(deps(), { statuses: ['OPEN'] });
    expect(breaks.filter((b) => b.accountId === 'ACC-7')).toEqual([]);
    expect(breaks.filter((b) => b.accountId === 'ACC-8').map((b) => [b.check, b.cause])).toEqual([
      ['CROSS_VENDOR_RETURN', 'FLOWS_DIFFER'],
    ]);
    // The information is on the pair's lineage.
    const [admin] = await periodLineage(deps(), {
      accountId: 'ACC-7',
      periodEnd: '2024-06-30',
      vendorCode: 'admin',
    });
    expect(admin?.reconciliation).toContainEqual(
      expect.objectContaining({
        check: 'CROSS_VENDOR_RETURN',
        status: 'PASSED',
        cause: 'METHOD_LINKED_VS_DIETZ',
      }),
    );
  });
});
