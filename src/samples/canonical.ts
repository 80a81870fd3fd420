// Sample files in the built-in canonical format: one row per account and day, one net flow
// at end of day, the vendor return as the exact daily return rounded to 10 decimals.
import type { SampleAccount } from './truth.ts';

const HEADER = [
  'account_id',
  'period_start',
  'period_end',
  'currency',
  'begin_market_value',
  'end_market_value',
  'flow_date',
  'flow_amount',
  'flow_timing',
  'income',
  'fees',
  'vendor_return',
  'return_basis',
];

export interface CanonicalSampleRow {
  accountId: string;
  periodStart: string;
  periodEnd: string;
  currency: string;
  beginMarketValue: string;
  endMarketValue: string;
  flow: { date: string; amount: string } | null;
  vendorReturn: string;
}

export function canonicalRows(accounts: SampleAccount[]): CanonicalSampleRow[] {
  const rows: CanonicalSampleRow[] = [];
  for (const account of accounts) {
    for (let i = 1; i < account.days.length; i++) {
      const begin = account.days[i - 1];
      const end = account.days[i];
      if (begin === undefined || end === undefined) continue;
      const dailyReturn = (end.marketValue - end.flow) / begin.marketValue - 1;
      rows.push({
        accountId: account.accountId,
        periodStart: begin.date,
        periodEnd: end.date,
        currency: account.currency,
        beginMarketValue: begin.marketValue.toFixed(2),
        endMarketValue: end.marketValue.toFixed(2),
        flow: end.flow === 0 ? null : { date: end.date, amount: end.flow.toFixed(2) },
        vendorReturn: dailyReturn.toFixed(10),
      });
    }
  }
  return rows;
}

export function canonicalCsv(rows: CanonicalSampleRow[]): string {
  const lines = [HEADER.join(',')];
  for (const row of rows) {
    lines.push(
      [
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
        '',
        row.vendorReturn,
        'net',
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
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
        vendor_return: row.vendorReturn,
        return_basis: 'net',
      })),
    },
    null,
    1,
  )}\n`;
}
