// Sample files in the built-in canonical format: one row per account and day, one net flow
// at end of day, the fees of the day, the vendor return as the exact daily return net of fees
// rounded to 10 decimals (none where there was no capital at the start of the day).

import type { CanonicalPeriod } from '../domain/canonical.ts';
import { CANONICAL_FIELDS } from '../domain/vendor-config.ts';
import { dailyPeriods, fixed, vendorPeriodReturn } from './periods.ts';
import type { SampleAccount } from './truth.ts';

export interface CanonicalSampleRow {
  accountId: string;
  periodStart: string;
  periodEnd: string;
  currency: string;
  beginMarketValue: string;
  endMarketValue: string;
  flow: { date: string; amount: string } | null;
  fees: string;
  vendorReturn: string;
}

/** One account's rows one by one, so a very large sample can be written without holding it whole. */
export function* canonicalAccountRows(account: SampleAccount): Generator<CanonicalSampleRow> {
  for (const period of dailyPeriods(account)) {
    const flow = period.flows[0];
    const dailyReturn = vendorPeriodReturn(period, () => 'end_of_day', 'net');
    yield {
      accountId: account.accountId,
      periodStart: period.periodStart,
      periodEnd: period.periodEnd,
      currency: account.currency,
      beginMarketValue: fixed(period.beginMarketValue, 2),
      endMarketValue: fixed(period.endMarketValue, 2),
      flow: flow === undefined ? null : { date: flow.date, amount: fixed(flow.amount, 2) },
      fees: fixed(period.fees, 2),
      vendorReturn: dailyReturn === null ? '' : fixed(dailyReturn, 10),
    };
  }
}

export function canonicalRows(accounts: SampleAccount[]): CanonicalSampleRow[] {
  return accounts.flatMap((account) => [...canonicalAccountRows(account)]);
}

export const CANONICAL_CSV_HEADER = CANONICAL_FIELDS.join(',');

export function canonicalCsvLine(row: CanonicalSampleRow): string {
  return [
    row.accountId,
    row.periodStart,
    row.periodEnd,
    row.currency,
    row.beginMarketValue,
    row.endMarketValue,
    row.flow?.date ?? '',
    row.flow?.amount ?? '',
    row.flow === null ? '' : 'end_of_day',
    '',
    row.fees,
    row.vendorReturn,
    'net',
  ].join(',');
}

/** A canonical CSV streamed line by line (with newlines), for files too large to hold. */
export function* canonicalCsvLines(accounts: Iterable<SampleAccount>): Generator<string> {
  yield `${CANONICAL_CSV_HEADER}\n`;
  for (const account of accounts) {
    for (const row of canonicalAccountRows(account)) yield `${canonicalCsvLine(row)}\n`;
  }
}

export function canonicalCsv(rows: CanonicalSampleRow[]): string {
  return `${[CANONICAL_CSV_HEADER, ...rows.map(canonicalCsvLine)].join('\n')}\n`;
}

export function canonicalJson(rows: CanonicalSampleRow[]): string {
  return `${JSON.stringify(
    {
      records: rows.map((row) => ({
        account_id: row.accountId,
        period_start: row.periodStart,
        period_end: row.periodEnd,
        currency: row.currency,
        begin_market_value: row.beginMarketValue,
        end_market_value: row.endMarketValue,
        flows:
          row.flow === null ? [] : [{ date: row.flow.date, amount: row.flow.amount, timing: 'end_of_day' }],
        fees: row.fees,
        vendor_return: row.vendorReturn === '' ? null : row.vendorReturn,
        return_basis: 'net',
      })),
    },
    null,
    1,
  )}\n`;
}

/** What ingest stores from a canonical row. */
export function canonicalRecord(row: CanonicalSampleRow): CanonicalPeriod {
  return {
    accountId: row.accountId,
    periodStart: row.periodStart,
    periodEnd: row.periodEnd,
    currency: row.currency,
    beginMarketValue: row.beginMarketValue,
    endMarketValue: row.endMarketValue,
    flows: row.flow === null ? [] : [{ date: row.flow.date, amount: row.flow.amount, timing: 'end_of_day' }],
    income: null,
    fees: row.fees,
    vendorReturn: row.vendorReturn === '' ? null : row.vendorReturn,
    returnBasis: 'net',
  };
}
