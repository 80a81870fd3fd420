// Numbers and identifiers without bounds: an exponent expanded into hundreds of digits, an
// account id of any length or one a spreadsheet would run as a formula. Each such row is
// quarantined, naming the bound.
import { describe, expect, it } from 'vitest';
import type { MappedRow } from '../../src/domain/read-row.ts';
import { isReturnWithinBound } from '../../src/map/bounds.ts';
import { mapFlowRecord } from '../../src/map/map-flow.ts';
import { mapRecord } from '../../src/map/map-record.ts';
import { parseDecimal } from '../../src/map/number.ts';
import { builtInVendor, fixture, readAll } from '../read/helpers.ts';

const reasons = (rows: MappedRow[]) =>
  rows.map((row) => (row.ok ? 'stored' : row.problems.map((p) => `${p.column}: ${p.reason}`).join('; ')));

describe('bounds of amounts and returns', () => {
  it('quarantines each out-of-range number, naming the bound, without expanding the exponent', async () => {
    const { rows } = await readAll(
      fixture('csv', 'not-ok', 'canonical-out-of-bounds.csv'),
      await builtInVendor('canonical'),
    );
    expect(rows.map((row) => row.location.row)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(reasons(rows)).toEqual([
      'begin_market_value: "1e400" is out of bounds: more than 20 digits before the decimal point (amounts and returns stay below 10^20); check the column and the number format',
      'end_market_value: "10000000000000000000000000" is out of bounds: more than 20 digits before the decimal point (amounts and returns stay below 10^20); check the column and the number format',
      'vendor_return: vendor_return 1500 is outside -100 to 100 (as a fraction, ±10,000 %); check the unit configured for it (fraction, percent or bps)',
      'fees: "0.1e-40" is out of bounds: more than 30 digits after the decimal point; check the column and the number format',
      'flow_amount: "-1E21" is out of bounds: more than 20 digits before the decimal point (amounts and returns stay below 10^20); check the column and the number format',
      'stored',
    ]);
  });

  it('refuses a huge exponent before expanding it', () => {
    expect(parseDecimal('9.99e9999', { decimal: '.', thousands: [] })).toEqual({
      ok: false,
      reason:
        '"9.99e9999" is out of bounds: more than 20 digits before the decimal point (amounts and returns stay below 10^20); check the column and the number format',
    });
    expect(parseDecimal('1.5e-3', { decimal: '.', thousands: [] })).toEqual({
      ok: true,
      value: '0.0015',
      percent: false,
    });
  });
});

describe('the bound of a return', () => {
  it('holds up to ±100 (as a fraction) exactly, whatever the digits before the point', () => {
    const within = ['0', '-0.5', '99.999999', '-99', '100', '-100.000', '+100', '0.0000000001', '-7'];
    const beyond = ['100.0000001', '-100.5', '101', '1500', '-100000000000000000000'];
    expect(within.filter((v) => !isReturnWithinBound(v))).toEqual([]);
    expect(beyond.filter((v) => isReturnWithinBound(v))).toEqual([]);
  });
});

describe('account identifiers', () => {
  it('quarantines formula starts, control characters and over-long ids', async () => {
    const file = 'canonical-bad-account-ids.csv';
    const { rows } = await readAll(fixture('csv', 'not-ok', file), await builtInVendor('canonical'));
    expect(rows.map((row) => row.location)).toEqual(
      [2, 3, 4, 5, 6, 7, 8, 9, 10].map((row) => ({ file, row })),
    );
    const formula = (start: string) =>
      `account_id: account_id starts with "${start}", which a spreadsheet runs as a formula; an identifier may not start with =, +, -, @, a tab or a carriage return`;
    expect(reasons(rows)).toEqual([
      formula('='),
      formula('+'),
      formula('-'),
      formula('@'),
      formula('\\t'),
      formula('\\r'),
      'account_id: account_id is 65 characters long; an identifier has at most 64',
      'account_id: account_id holds the control character U+0007 at character 4; an identifier is printable text',
      'stored',
    ]);
  });

  it('quarantines an account id of 200,000 characters, showing only its start', async () => {
    const vendor = await builtInVendor('canonical');
    const row = mapRecord(
      {
        location: { file: 'big.csv', row: 2 },
        values: {
          account_id: 'X'.repeat(200_000),
          period_start: '2024-01-31',
          period_end: '2024-02-29',
          currency: 'USD',
          begin_market_value: '1',
          end_market_value: '1',
        },
      },
      vendor,
    );
    expect(row.ok === false && row.problems).toEqual([
      {
        field: 'account_id',
        column: 'account_id',
        value: `${'X'.repeat(64)}…`,
        reason: 'account_id is 200000 characters long; an identifier has at most 64',
      },
    ]);
  });
});

describe('account identifiers on a flow sheet', () => {
  it('quarantines a flow whose account id is a formula', async () => {
    const vendor = await builtInVendor('vendor-b');
    const [source] = vendor.sources;
    if (source === undefined) throw new Error('vendor-b has no source');
    const flow = mapFlowRecord(
      {
        location: { file: 'b.xlsx', sheet: 'Flows', row: 4 },
        values: { Account: '=1+1', 'Flow date': 45322, Amount: 100 },
      },
      vendor,
      source,
    );
    expect(flow).toMatchObject({
      ok: false,
      location: { file: 'b.xlsx', sheet: 'Flows', row: 4 },
      problems: [
        {
          field: 'account_id',
          column: 'Account',
          value: '=1+1',
          reason:
            'account_id starts with "=", which a spreadsheet runs as a formula; an identifier may not start with =, +, -, @, a tab or a carriage return',
        },
      ],
    });
  });
});
