import { describe, expect, it } from 'vitest';
import { MissingColumnsError } from '../../src/read/header.ts';
import { describeSchemaDrift } from '../../src/read/schema-drift.ts';
import { builtInVendor, fixture, readAll, readError } from './helpers.ts';

describe('vendor A (custodian, daily CSV)', () => {
  it('reads a BOM, semicolon file with title rows, US numbers, parentheses and percent returns', async () => {
    const { rows, skipped, header } = await readAll(
      fixture('csv', 'ok', 'vendor-a-daily.csv'),
      await builtInVendor('vendor-a'),
    );
    expect(header?.[0]).toBe('Account Number');
    expect(rows.map((r) => r.ok && [r.location.row, r.record.accountId])).toEqual([
      [5, 'A-1001'],
      [6, 'A-1001'],
      [7, 'A-2002'],
    ]);
    expect(rows[0]).toMatchObject({
      record: {
        periodStart: '2024-01-02',
        periodEnd: '2024-01-03',
        beginMarketValue: '1250000.00',
        endMarketValue: '1262512.50',
        flows: [],
        income: '1200.00',
        fees: '35.25',
        vendorReturn: '0.0100',
        returnBasis: 'gross',
      },
    });
    // One net flow, undated: on period_end at end of day; parentheses make it a withdrawal.
    expect(rows[1]).toMatchObject({
      record: {
        flows: [{ date: '2024-01-04', amount: '-20000.00', timing: 'end_of_day' }],
        vendorReturn: '0.0020',
      },
    });
    expect(rows[2]).toMatchObject({
      record: { currency: 'EUR', returnBasis: 'net', income: null, vendorReturn: '0.0001' },
    });
    // Nothing is dropped silently: title rows, the blank row, the total row and the footnote.
    expect(skipped.map((s) => [s.location.row, s.reason])).toEqual([
      [1, 'title row above the header'],
      [2, 'title row above the header'],
      [3, 'blank row above the header'],
      [8, 'total or footer row'],
      [9, 'total or footer row'],
    ]);
  });

  it('reads UTF-16 LE with BOM (Excel "Unicode text"), tab-delimited, with renamed headers (aliases)', async () => {
    const { rows } = await readAll(
      fixture('csv', 'ok', 'vendor-a-utf16.csv'),
      await builtInVendor('vendor-a'),
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      ok: true,
      location: { row: 3 },
      fieldSources: { begin_market_value: 'Beg MV', vendor_return: 'Daily Return %' },
      record: { accountId: 'A-1001', beginMarketValue: '1250000.00', vendorReturn: '0.0100' },
    });
  });

  it('detects Windows-1252 (é), a comma delimiter, the header on row 4 and a trailing minus', async () => {
    const { rows, header } = await readAll(
      fixture('csv', 'ok', 'vendor-a-cp1252.csv'),
      await builtInVendor('vendor-a'),
    );
    expect(header).toHaveLength(8);
    expect(rows[0]).toMatchObject({
      ok: true,
      location: { file: 'vendor-a-cp1252.csv', row: 5 },
      record: { accountId: 'DUPRÉ-001', flows: [{ date: '2024-01-03', amount: '-10.00' }] },
    });
  });

  it('rejects a renamed required column and says what changed against the last good header', async () => {
    const e = await readError(
      fixture('csv', 'not-ok', 'vendor-a-renamed-column.csv'),
      await builtInVendor('vendor-a'),
    );
    expect(e).toBeInstanceOf(MissingColumnsError);
    expect(e.message).toBe(
      'vendor-a-renamed-column.csv, row 3: required column not found: begin_market_value (expected "Beginning Market Value" or "Beg MV" or "Opening Value"); ' +
        'the closest header row (row 3) has: "Account Number", "From Date", "To Date", "Currency", "Opening Balance", "Ending Market Value", "Net Contributions/Withdrawals", "Return (%)"',
    );
    const lastGood = [
      'Account Number',
      'From Date',
      'To Date',
      'Currency',
      'Beginning Market Value',
      'Ending Market Value',
      'Net Contributions/Withdrawals',
      'Return (%)',
    ];
    expect(describeSchemaDrift(lastGood, (e as MissingColumnsError).foundHeader).message).toBe(
      'Column "Beginning Market Value" was renamed to "Opening Balance".',
    );
  });

  it('quarantines US-format violations: another date format, European number, unclosed parenthesis', async () => {
    const { rows } = await readAll(
      fixture('csv', 'not-ok', 'vendor-a-bad-values.csv'),
      await builtInVendor('vendor-a'),
    );
    expect(rows[0]?.ok === false && rows[0].problems).toEqual([
      {
        field: 'period_start',
        column: 'From Date',
        value: '2024/01/02',
        reason: '"2024/01/02" is not a date in the format ISO or MM/DD/YYYY',
      },
      {
        field: 'begin_market_value',
        column: 'Beginning Market Value',
        value: '1.250.000,00',
        reason:
          '"1.250.000,00" is not a number (more than one decimal "."); expected decimal ".", thousands ","',
      },
      {
        field: 'flow_amount',
        column: 'Net Contributions/Withdrawals',
        value: '(20,000.00',
        reason: '"(20,000.00" is not a number (unexpected "("); expected decimal ".", thousands ","',
      },
    ]);
  });

  it('rejects a file whose header lies below the rows it scans', async () => {
    const e = await readError(
      fixture('csv', 'not-ok', 'vendor-a-header-too-deep.csv'),
      await builtInVendor('vendor-a'),
    );
    expect(e.message).toMatch(
      /^vendor-a-header-too-deep\.csv: required columns not found: .*no row holds any of them \(searched the first 20 rows\)$/,
    );
  });
});
