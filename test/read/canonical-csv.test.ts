import { describe, expect, it } from 'vitest';
import { FileRejectedError } from '../../src/domain/errors.ts';
import { builtInVendor, fixture, readAll, readError } from './helpers.ts';

const notOk = (name: string) => fixture('csv', 'not-ok', name);

describe('canonical CSV', () => {
  it('reads the golden file into canonical periods with decimal strings and flows', async () => {
    const vendor = await builtInVendor('canonical');
    const { rows, header } = await readAll(fixture('csv', 'ok', 'canonical-basic.csv'), vendor);
    expect(header?.[0]).toBe('account_id');
    expect(rows.map((r) => r.ok)).toEqual([true, true, true]);
    const [first, second, third] = rows;
    expect(first).toMatchObject({
      ok: true,
      location: { file: 'canonical-basic.csv', row: 2 },
      record: {
        accountId: 'ACC-001',
        periodStart: '2024-01-31',
        periodEnd: '2024-02-29',
        currency: 'USD',
        beginMarketValue: '1000000.00',
        endMarketValue: '1025000.50',
        flows: [{ date: '2024-02-15', amount: '10000.00', timing: 'end_of_day' }],
        income: '1200.00',
        fees: '150.00',
        vendorReturn: '0.0149',
        returnBasis: 'gross',
      },
    });
    expect(second).toMatchObject({
      ok: true,
      record: { flows: [], income: null, fees: null, vendorReturn: null },
    });
    // A net flow without a date is dated period_end (SPEC §2).
    expect(third).toMatchObject({
      ok: true,
      record: {
        flows: [{ date: '2024-02-29', amount: '-2500.25', timing: 'start_of_day' }],
        returnBasis: 'net',
      },
    });
  });

  it('rejects a file missing a required column, saying what was expected and what was found', async () => {
    const e = await readError(notOk('canonical-missing-column.csv'), await builtInVendor('canonical'));
    expect(e).toBeInstanceOf(FileRejectedError);
    expect(e.message).toBe(
      'canonical-missing-column.csv, row 1: required column not found: begin_market_value (expected "begin_market_value"); ' +
        'the closest header row (row 1) has: "account_id", "period_start", "period_end", "currency", "end_market_value", "flow_date", "flow_amount"',
    );
  });

  it('quarantines an unparseable date with row, column and value', async () => {
    const { rows } = await readAll(notOk('canonical-bad-date.csv'), await builtInVendor('canonical'));
    expect(rows[0]?.ok).toBe(true);
    expect(rows[1]).toEqual(
      expect.objectContaining({
        ok: false,
        location: { file: 'canonical-bad-date.csv', row: 3 },
        problems: [
          {
            field: 'period_end',
            column: 'period_end',
            value: '2024-03-32',
            reason: '"2024-03-32" is not a real calendar date',
          },
        ],
      }),
    );
  });

  it('quarantines a non-numeric amount', async () => {
    const { rows } = await readAll(notOk('canonical-not-a-number.csv'), await builtInVendor('canonical'));
    expect(rows[0]).toMatchObject({
      ok: false,
      location: { row: 2 },
      problems: [
        {
          field: 'end_market_value',
          column: 'end_market_value',
          value: '12a5000.50',
          reason: '"12a5000.50" is not a number (unexpected "a"); expected decimal ".", thousands none',
        },
      ],
    });
  });

  it('quarantines period_end not after period_start', async () => {
    const { rows } = await readAll(notOk('canonical-end-before-start.csv'), await builtInVendor('canonical'));
    expect(rows[0]).toMatchObject({
      ok: false,
      problems: [
        {
          field: 'period_end',
          column: 'period_end',
          value: '2024-01-31',
          reason: 'period_end 2024-01-31 is not after period_start 2024-02-29',
        },
      ],
    });
  });

  it('quarantines an unknown currency code', async () => {
    const { rows } = await readAll(notOk('canonical-bad-currency.csv'), await builtInVendor('canonical'));
    expect(rows[0]).toMatchObject({
      ok: false,
      location: { row: 2 },
      problems: [
        {
          field: 'currency',
          column: 'currency',
          value: 'EURO',
          reason: '"EURO" is not an ISO 4217 currency code',
        },
      ],
    });
  });

  it('quarantines a missing required value', async () => {
    const { rows } = await readAll(notOk('canonical-missing-value.csv'), await builtInVendor('canonical'));
    expect(rows[0]).toMatchObject({
      ok: false,
      problems: [{ field: 'currency', column: 'currency', value: '', reason: 'currency is missing' }],
    });
  });

  it('quarantines a flow timing it does not know', async () => {
    const { rows } = await readAll(notOk('canonical-bad-flow-timing.csv'), await builtInVendor('canonical'));
    expect(rows[0]).toMatchObject({
      ok: false,
      problems: [
        {
          field: 'flow_timing',
          column: 'flow_timing',
          value: 'midday',
          reason: '"midday" is not a flow timing (end_of_day or start_of_day)',
        },
      ],
    });
  });

  it('quarantines a row with too many fields', async () => {
    const { rows } = await readAll(notOk('canonical-too-many-fields.csv'), await builtInVendor('canonical'));
    expect(rows[0]).toMatchObject({ ok: false, location: { row: 2 } });
    expect(rows[0]?.ok === false && rows[0].problems[0]).toEqual({
      reason: 'row has 15 fields but the header (row 1) has 13',
    });
  });

  it('quarantines a row with too few fields', async () => {
    const { rows } = await readAll(notOk('canonical-too-few-fields.csv'), await builtInVendor('canonical'));
    expect(rows[0]?.ok === false && rows[0].problems).toEqual([
      { reason: 'row has 6 fields but the header (row 1) has 13' },
    ]);
  });

  it('rejects a file with bytes that are not UTF-8, naming line and column and the likely encoding', async () => {
    const e = await readError(notOk('canonical-not-utf8.csv'), await builtInVendor('canonical'));
    expect(e).toBeInstanceOf(FileRejectedError);
    expect(e.message).toBe(
      'canonical-not-utf8.csv: bytes that are not valid UTF-8 at line 2, column 5; the file is read as UTF-8 (as configured) but is written in another encoding, probably windows-1252',
    );
    expect(e.location).toEqual({ file: 'canonical-not-utf8.csv' });
    expect(e.hint).toBe(
      'Ask the vendor to send UTF-8, or set csv.encoding for this vendor (e.g. windows-1252); nothing of the file was stored.',
    );
  });

  it('rejects a file detected as UTF-8 whose later bytes are not, rather than storing part of it', async () => {
    const e = await readError(
      fixture('csv', 'not-ok', 'vendor-a-cp1252-after-64k.csv'),
      await builtInVendor('vendor-a'),
    );
    expect(e.message).toBe(
      'vendor-a-cp1252-after-64k.csv: bytes that are not valid UTF-8 at line 1237, column 6; the file is read as UTF-8 (its first 64 KB are) but is written in another encoding, probably windows-1252',
    );
    expect(e.location).toEqual({ file: 'vendor-a-cp1252-after-64k.csv' });
  });

  it('rejects an empty file', async () => {
    const e = await readError(notOk('canonical-empty.csv'), await builtInVendor('canonical'));
    expect(e).toBeInstanceOf(FileRejectedError);
    expect(e.message).toBe('canonical-empty.csv: the file is empty (0 bytes)');
  });

  it('rejects a header-only file', async () => {
    const e = await readError(notOk('canonical-header-only.csv'), await builtInVendor('canonical'));
    expect(e.message).toBe(
      'canonical-header-only.csv, row 1: the file has a header (row 1) but no data rows',
    );
  });

  it('rejects a file that is not CSV at all', async () => {
    const e = await readError(notOk('canonical-not-csv.csv'), await builtInVendor('canonical'));
    expect(e).toBeInstanceOf(FileRejectedError);
    expect(e.message).toBe(
      'canonical-not-csv.csv: required columns not found: account_id (expected "account_id"), period_start (expected "period_start"), ' +
        'period_end (expected "period_end"), currency (expected "currency"), begin_market_value (expected "begin_market_value"), ' +
        'end_market_value (expected "end_market_value"); no row holds any of them (searched the first row)',
    );
  });
});
