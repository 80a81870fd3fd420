import { describe, expect, it } from 'vitest';
import { FileRejectedError } from '../../src/domain/errors.ts';
import { builtInVendor, fixture, readAll, readError } from './helpers.ts';

describe('vendor C (nested JSON)', () => {
  it('flattens accounts[].periods[] with parent values, flow arrays, string numbers and a null opening value', async () => {
    const { rows } = await readAll(
      fixture('json', 'ok', 'vendor-c-nested.json'),
      await builtInVendor('vendor-c'),
    );
    expect(rows).toHaveLength(3);
    expect(rows[0]).toEqual({
      ok: true,
      location: { file: 'vendor-c-nested.json', jsonPath: '$.accounts[0].periods[0]' },
      fieldSources: {
        account_id: '$.accounts[0].accountId',
        period_start: '$.accounts[0].periods[0].startDate',
        period_end: '$.accounts[0].periods[0].endDate',
        currency: '$.accounts[0].baseCurrency',
        begin_market_value: '$.accounts[0].periods[0].values.begin',
        end_market_value: '$.accounts[0].periods[0].values.end',
        income: '$.accounts[0].periods[0].income',
        fees: '$.accounts[0].periods[0].fees',
        vendor_return: '$.accounts[0].periods[0].twr',
        return_basis: '$.accounts[0].periods[0].basis',
        flows: '$.accounts[0].periods[0].cashFlows',
      },
      warnings: [
        'begin_market_value is empty in $.accounts[0].periods[0].values.begin; the vendor default 0 was used',
      ],
      record: {
        accountId: 'C-9001',
        periodStart: '2023-12-31',
        periodEnd: '2024-01-31',
        currency: 'USD',
        beginMarketValue: '0',
        endMarketValue: '1050000.00',
        // mixed timing: the contribution at start of day, the withdrawal at end of day
        flows: [
          { date: '2024-01-02', amount: '1000000.00', timing: 'start_of_day' },
          { date: '2024-01-20', amount: '-5000.00', timing: 'end_of_day' },
        ],
        income: '1250.50',
        fees: '300.00',
        vendorReturn: '0.049375',
        returnBasis: 'net',
      },
    });
    // A period's own currency wins over the account's; YYYYMMDD dates; JSON numbers.
    expect(rows[2]).toMatchObject({
      ok: true,
      record: {
        accountId: 'C-9002',
        currency: 'CHF',
        periodStart: '2024-01-31',
        beginMarketValue: '250000',
        endMarketValue: '251234.5',
        vendorReturn: null,
      },
    });
  });

  it('quarantines bad periods by JSON path: schema errors, bad numbers, impossible flow dates', async () => {
    const { rows } = await readAll(
      fixture('json', 'not-ok', 'vendor-c-bad-period.json'),
      await builtInVendor('vendor-c'),
    );
    expect(rows.map((r) => r.ok)).toEqual([true, false, false]);
    expect(rows[1]?.ok === false && rows[1].problems).toEqual([
      {
        column: '$.accounts[0].periods[1].endDate',
        value: null,
        reason: '$.accounts[0].periods[1].endDate is missing',
      },
      {
        field: 'end_market_value',
        column: '$.accounts[0].periods[1].values.end',
        value: '1O2.5',
        reason: '"1O2.5" is not a number (unexpected "O"); expected decimal ".", thousands none',
      },
    ]);
    expect(rows[2]?.ok === false && rows[2].problems.map((p) => [p.column, p.reason])).toEqual([
      [
        '$.accounts[0].periods[2].values.begin',
        '"1O2.5" is not a number (unexpected "O"); expected decimal ".", thousands none',
      ],
      ['$.accounts[0].periods[2].cashFlows[0].date', '"2024-04-31" is not a real calendar date'],
      [
        '$.accounts[0].periods[2].cashFlows[1].amount',
        '"five" is not a number (unexpected "f"); expected decimal ".", thousands none',
      ],
    ]);
  });

  it('rejects a document whose structure is not the vendor schema', async () => {
    const e = await readError(
      fixture('json', 'not-ok', 'vendor-c-envelope.json'),
      await builtInVendor('vendor-c'),
    );
    expect(e).toBeInstanceOf(FileRejectedError);
    expect(e.message).toBe(
      "vendor-c-envelope.json, $.accounts: does not match the vendor's JSON schema: $.accounts must be array",
    );
  });
});
