// Golden tests: several flow columns per record, each with its own sign and timing, and fees
// and income summed over several columns (test/fixtures/config/broker-flows.yaml).
import { describe, expect, it } from 'vitest';
import { parseVendorYaml } from '../../src/config/vendor-config-parse.ts';
import { mapRecord } from '../../src/map/map-record.ts';
import { fixture, fixtureVendor, readAll } from './helpers.ts';

describe('flow fields and summed columns', () => {
  it('reads deposits, withdrawals and dated transfers with their own timing; sums fees and income exactly', async () => {
    const { rows } = await readAll(
      fixture('csv', 'ok', 'broker-flows.csv'),
      await fixtureVendor('broker-flows'),
    );
    expect(rows.map((r) => r.ok && r.record)).toEqual([
      {
        accountId: 'U100',
        periodStart: '2024-01-31',
        periodEnd: '2024-02-29',
        currency: 'USD',
        beginMarketValue: '50000.00',
        endMarketValue: '52110.40',
        flows: [
          { date: '2024-02-15', amount: '1000.00', timing: 'start_of_day' },
          { date: '2024-02-29', amount: '2000.00', timing: 'start_of_day' },
          { date: '2024-02-29', amount: '-500.00', timing: 'end_of_day' },
        ],
        income: '42.45',
        fees: '28.50',
        vendorReturn: '0.021504',
        returnBasis: 'net',
      },
      {
        accountId: 'U100',
        periodStart: '2024-02-29',
        periodEnd: '2024-03-31',
        currency: 'USD',
        beginMarketValue: '52110.40',
        endMarketValue: '51000.00',
        flows: [{ date: '2024-03-31', amount: '-1500.00', timing: 'end_of_day' }],
        income: '1.20',
        fees: '25.00',
        vendorReturn: '-0.006455',
        returnBasis: 'net',
      },
    ]);
    expect(rows[0]?.ok && rows[0].fieldSources).toMatchObject({
      income: 'dividends + interest',
      fees: 'advisorFees + commissions',
      flows: 'deposits; withdrawals; transfers',
    });
    // A zero or empty flow column is no flow, and no lineage.
    expect(rows[1]?.ok && rows[1].fieldSources.flows).toBe('withdrawals');
  });

  it('quarantines a bad flow column or a bad summed term with its own column', async () => {
    const vendor = await fixtureVendor('broker-flows');
    const values = {
      accountId: 'U1',
      currency: 'USD',
      fromDate: '20240131',
      toDate: '20240229',
      startingValue: '1',
      endingValue: '2',
      deposits: 'ten',
      withdrawals: '',
      transfers: '5',
      transferTiming: 'noon',
      dividends: '1',
      interest: '2%',
    };
    const row = mapRecord({ location: { file: 'f.csv', row: 2 }, values }, vendor);
    expect(row.ok === false && row.problems).toEqual([
      {
        field: 'income',
        column: 'interest',
        value: '2%',
        reason: '"2%" is a percentage where an amount is expected',
      },
      {
        field: 'flows',
        column: 'deposits',
        value: 'ten',
        reason: '"ten" is not a number (unexpected "t"); expected decimal ".", thousands none',
      },
      {
        field: 'flows',
        column: 'transferTiming',
        value: 'noon',
        reason: '"noon" is not a flow timing (end_of_day or start_of_day)',
      },
    ]);
  });

  it("takes the row's flow_timing for every flow without its own, and reports a bad one once", () => {
    const [vendor] = parseVendorYaml(
      [
        'code: x',
        'name: X',
        'format: csv',
        'fields:',
        '  account_id: A',
        '  period_start: S',
        '  period_end: E',
        '  currency: C',
        '  begin_market_value: B',
        '  end_market_value: V',
        '  flow_amount: Net',
        '  flow_timing: Timing',
        'flows:',
        '  - amount: Deposits',
      ].join('\n'),
      'x.yaml',
      false,
    );
    if (!vendor) throw new Error('no vendor');
    const values = {
      A: 'X1',
      S: '2024-01-31',
      E: '2024-02-29',
      C: 'EUR',
      B: '1',
      V: '2',
      Net: '-5',
      Deposits: '7',
    };
    const good = mapRecord(
      { location: { file: 'f.csv', row: 2 }, values: { ...values, Timing: 'SOD' } },
      vendor,
    );
    expect(good.ok && good.record.flows).toEqual([
      { date: '2024-02-29', amount: '-5', timing: 'start_of_day' },
      { date: '2024-02-29', amount: '7', timing: 'start_of_day' },
    ]);
    const bad = mapRecord(
      { location: { file: 'f.csv', row: 3 }, values: { ...values, Timing: 'noon' } },
      vendor,
    );
    expect(bad.ok === false && bad.problems).toEqual([
      {
        field: 'flow_timing',
        column: 'Timing',
        value: 'noon',
        reason: '"noon" is not a flow timing (end_of_day or start_of_day)',
      },
    ]);
  });
});
