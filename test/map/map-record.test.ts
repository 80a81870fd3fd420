import { describe, expect, it } from 'vitest';
import { parseVendorYaml } from '../../src/config/vendor-config-parse.ts';
import type { RawRecord } from '../../src/domain/read-row.ts';
import type { VendorConfig } from '../../src/domain/vendor-config.ts';
import { mapRecord } from '../../src/map/map-record.ts';

function vendor(extra: string, top = ''): VendorConfig {
  const yaml = `
code: test
name: Test vendor
${top}
format: csv
fields:
  account_id: [Account, Acct]
  period_start: From
  period_end: To
  currency: { from: Ccy, default: USD }
  begin_market_value: BMV
  end_market_value: EMV
${extra}`;
  const [v] = parseVendorYaml(yaml, 'test.yaml', false);
  if (!v) throw new Error('no vendor');
  return v;
}

const row = (values: RawRecord['values'], r = 2): RawRecord => ({
  location: { file: 'f.csv', row: r },
  values,
});
const base = { Account: 'X1', From: '2024-01-31', To: '2024-02-29', Ccy: 'EUR', BMV: '100', EMV: '110' };

describe('mapRecord', () => {
  it('matches headers case-insensitively, in any order, ignoring extra columns', () => {
    const out = mapRecord(
      row({
        emv: '110',
        ' ACCOUNT ': 'X1',
        Extra: 'x',
        to: '2024-02-29',
        FROM: '2024-01-31',
        ccy: 'eur',
        bmv: '100',
      }),
      vendor(''),
    );
    expect(out).toMatchObject({
      ok: true,
      record: { accountId: 'X1', currency: 'EUR', beginMarketValue: '100' },
    });
    expect(out.ok && out.fieldSources.account_id).toBe(' ACCOUNT ');
  });

  it('takes the first alias present', () => {
    const { Account: _a, ...rest } = base;
    expect(mapRecord(row({ ...rest, Acct: 'X2' }), vendor(''))).toMatchObject({
      ok: true,
      record: { accountId: 'X2' },
    });
  });

  it('uses a default for an empty value, with a warning', () => {
    const out = mapRecord(row({ ...base, Ccy: '' }), vendor(''));
    expect(out).toMatchObject({ ok: true, record: { currency: 'USD' } });
    expect(out.ok && out.warnings).toEqual(['currency is empty in Ccy; the vendor default USD was used']);
  });

  it('uses a constant', () => {
    const v = vendor('  return_basis: { value: net }');
    expect(mapRecord(row(base), v)).toMatchObject({ ok: true, record: { returnBasis: 'net' } });
  });

  it('converts a percent return to a fraction', () => {
    const v = vendor('  vendor_return: { from: Ret, unit: percent }');
    expect(mapRecord(row({ ...base, Ret: '4.02' }), v)).toMatchObject({
      ok: true,
      record: { vendorReturn: '0.0402' },
    });
  });

  it('reads a return written with a % sign as percent', () => {
    const v = vendor('  vendor_return: Ret');
    expect(mapRecord(row({ ...base, Ret: '4.02%' }), v)).toMatchObject({
      ok: true,
      record: { vendorReturn: '0.0402' },
    });
  });

  it('converts a bps return to a fraction', () => {
    const v = vendor('  vendor_return: { from: Ret, unit: bps }');
    expect(mapRecord(row({ ...base, Ret: '25' }), v)).toMatchObject({
      ok: true,
      record: { vendorReturn: '0.0025' },
    });
  });

  it('maps vendor words to return basis', () => {
    const v = vendor('  return_basis: { from: Basis, values: { G: gross, N: net } }');
    expect(mapRecord(row({ ...base, Basis: 'n' }), v)).toMatchObject({
      ok: true,
      record: { returnBasis: 'net' },
    });
  });

  it('negates a column given as positive withdrawals', () => {
    const v = vendor('  flow_amount: { from: Withdrawals, negate: true }');
    expect(mapRecord(row({ ...base, Withdrawals: '25' }), v)).toMatchObject({
      ok: true,
      record: { flows: [{ date: '2024-02-29', amount: '-25', timing: 'end_of_day' }] },
    });
  });

  it('puts a net flow without a date on period_end with the vendor timing', () => {
    const v = vendor('  flow_amount: Flow', 'flow_timing: start_of_day');
    expect(mapRecord(row({ ...base, Flow: '10' }), v)).toMatchObject({
      ok: true,
      record: { flows: [{ date: '2024-02-29', amount: '10', timing: 'start_of_day' }] },
    });
  });

  it('resolves mixed timing per flow: contributions at start of day, withdrawals at end of day', () => {
    const v = vendor('  flow_amount: Flow', 'flow_timing: mixed');
    expect(mapRecord(row({ ...base, Flow: '10' }), v)).toMatchObject({
      ok: true,
      record: { flows: [{ timing: 'start_of_day' }] },
    });
    expect(mapRecord(row({ ...base, Flow: '-10' }), v)).toMatchObject({
      ok: true,
      record: { flows: [{ timing: 'end_of_day' }] },
    });
  });

  it('drops a zero net flow', () => {
    const v = vendor('  flow_amount: Flow');
    expect(mapRecord(row({ ...base, Flow: '0.00' }), v)).toMatchObject({ ok: true, record: { flows: [] } });
  });

  it('allows a negative market value with a warning', () => {
    const out = mapRecord(row({ ...base, EMV: '-5.00' }), vendor(''));
    expect(out).toMatchObject({ ok: true, record: { endMarketValue: '-5.00' } });
    expect(out.ok && out.warnings).toEqual(['end_market_value is negative (-5.00)']);
  });

  it('lists every problem of a row, not only the first', () => {
    const out = mapRecord(
      row({ Account: '', From: '2024-13-01', To: '2024-02-29', Ccy: 'XYZ', BMV: '1x', EMV: '' }, 7),
      vendor(''),
    );
    expect(out).toEqual({
      ok: false,
      location: { file: 'f.csv', row: 7 },
      raw: { Account: '', From: '2024-13-01', To: '2024-02-29', Ccy: 'XYZ', BMV: '1x', EMV: '' },
      problems: [
        { field: 'account_id', column: 'Account', value: '', reason: 'account_id is missing' },
        {
          field: 'period_start',
          column: 'From',
          value: '2024-13-01',
          reason: '"2024-13-01" is not a real calendar date',
        },
        { field: 'currency', column: 'Ccy', value: 'XYZ', reason: '"XYZ" is not an ISO 4217 currency code' },
        {
          field: 'begin_market_value',
          column: 'BMV',
          value: '1x',
          reason: '"1x" is not a number (unexpected "x"); expected decimal ".", thousands none',
        },
        { field: 'end_market_value', column: 'EMV', value: '', reason: 'end_market_value is missing' },
      ],
    });
  });

  it('names a required column that is not in the record', () => {
    const { BMV: _b, ...rest } = base;
    expect(mapRecord(row(rest), vendor(''))).toMatchObject({
      ok: false,
      problems: [
        { field: 'begin_market_value', column: 'BMV', value: null, reason: 'begin_market_value is missing' },
      ],
    });
  });

  it('refuses a percentage where an amount is expected', () => {
    expect(mapRecord(row({ ...base, BMV: '5%' }), vendor(''))).toMatchObject({
      ok: false,
      problems: [{ field: 'begin_market_value', reason: '"5%" is a percentage where an amount is expected' }],
    });
  });
});
