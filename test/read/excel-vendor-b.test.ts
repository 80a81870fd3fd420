// Vendor B end to end through its configuration (vendors/vendor-b.yaml): the workbook's
// periods, mapped to canonical records, with the dated flows of the flow sheet joined in.
import { describe, expect, it } from 'vitest';
import { builtInVendor, fixture, readAll } from './helpers.ts';

const workbook = fixture('xlsx', 'ok', 'vendor-b-2024-02.xlsx');

describe('vendor B (fund administrator, monthly Excel pack)', () => {
  it('maps every account-month with its dated flows, serial and text dates, percent returns', async () => {
    const { rows } = await readAll(workbook, await builtInVendor('vendor-b'));
    const records = rows.map((row) => (row.ok ? row.record : row));
    const period = (accountId: string, periodStart: string, periodEnd: string) => ({
      accountId,
      periodStart,
      periodEnd,
      currency: 'EUR',
      income: null,
      returnBasis: 'net',
    });
    const flow = (date: string, amount: string) => ({ date, amount, timing: 'end_of_day' });
    expect(records).toEqual([
      {
        ...period('FUND-B-001', '2023-12-31', '2024-01-31'),
        beginMarketValue: '1000000',
        endMarketValue: '1080000',
        flows: [flow('2024-01-15', '50000')],
        fees: '1250',
        vendorReturn: '0.0292',
      },
      {
        ...period('FUND-B-001', '2024-01-31', '2024-02-29'),
        beginMarketValue: '1080000',
        endMarketValue: '1095000',
        // 05.02.2024 was typed as text on the flow sheet.
        flows: [flow('2024-02-05', '10000'), flow('2024-02-20', '-20000')],
        fees: '1300',
        vendorReturn: '0.0231',
      },
      {
        ...period('FUND-B-002', '2023-12-31', '2024-01-31'),
        beginMarketValue: '500000',
        endMarketValue: '503500',
        flows: [],
        fees: '400',
        vendorReturn: '0.007',
      },
      {
        ...period('FUND-B-002', '2024-01-31', '2024-02-29'),
        beginMarketValue: '503500',
        endMarketValue: '501000',
        flows: [],
        fees: '410',
        vendorReturn: '-0.005',
      },
      {
        ...period('FUND-B-003', '2023-12-31', '2024-01-31'),
        beginMarketValue: '250000',
        endMarketValue: '278000',
        // A flow on period_end belongs to the period that ends that day.
        flows: [flow('2024-01-31', '25000')],
        fees: '300',
        vendorReturn: '0.012',
      },
      {
        // Account from the merged cell A10:A11; period end typed as "29.02.2024".
        ...period('FUND-B-003', '2024-01-31', '2024-02-29'),
        beginMarketValue: '278000',
        endMarketValue: '280780',
        flows: [],
        fees: '310',
        vendorReturn: '0.01',
      },
    ]);
    expect(rows.map((row) => row.location)).toEqual(
      [6, 7, 8, 9, 10, 11].map((row) => ({ file: 'vendor-b-2024-02.xlsx', sheet: 'Performance', row })),
    );
  });

  it('records where each joined flow came from', async () => {
    const { rows } = await readAll(workbook, await builtInVendor('vendor-b'));
    const [, february] = rows;
    expect(february?.ok && february.fieldSources.flows).toBe('sheet "Flows" row 6; sheet "Flows" row 7');
  });

  it('reports the title, totals and footnote rows of both sheets', async () => {
    const { skipped } = await readAll(workbook, await builtInVendor('vendor-b'));
    expect(skipped.map((row) => [row.location.sheet, row.location.row, row.reason])).toEqual([
      ['Flows', 1, 'title row above the header'],
      ['Flows', 8, 'total or footer row'],
      ['Performance', 1, 'title row above the header'],
      ['Performance', 2, 'title row above the header'],
      ['Performance', 3, 'title row above the header'],
      ['Performance', 12, 'total or footer row'],
      ['Performance', 14, 'total or footer row'],
      ['Performance', 15, 'total or footer row'],
    ]);
  });

  it('still finds a renamed performance sheet by its header', async () => {
    const { rows } = await readAll(
      fixture('xlsx', 'not-ok', 'sheet-renamed.xlsx'),
      await builtInVendor('vendor-b'),
    );
    expect(rows).toHaveLength(6);
    expect(rows[0]?.location).toEqual({ file: 'sheet-renamed.xlsx', sheet: 'Perf Feb 2024', row: 6 });
  });

  it('reads a workbook whose optional fees column was renamed, without fees (schema drift is reported upstream)', async () => {
    const { rows, header } = await readAll(
      fixture('xlsx', 'not-ok', 'fees-column-renamed.xlsx'),
      await builtInVendor('vendor-b'),
    );
    expect(header).toContain('Charges');
    expect(rows.map((row) => row.ok && row.record.fees)).toEqual([null, null, null, null, null, null]);
  });
});
