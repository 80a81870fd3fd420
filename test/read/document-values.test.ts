// Golden tests: values stated once for the whole file — a JSON path from the document root,
// a title cell, a title row — used for the account, currency, as-of date and flow timing.
import { describe, expect, it } from 'vitest';
import { parseVendorYaml } from '../../src/config/vendor-config-parse.ts';
import { fixture, fixtureVendor, readAll, readError } from './helpers.ts';

describe('document-level values', () => {
  it('JSON: as-of date, currency and flow timing from $.report', async () => {
    const { rows } = await readAll(
      fixture('json', 'ok', 'report-methodology.json'),
      await fixtureVendor('report-methodology'),
    );
    expect(rows.map((r) => r.ok && r.record)).toEqual([
      {
        accountId: 'J-1',
        periodStart: '2024-02-29',
        periodEnd: '2024-03-31',
        currency: 'EUR',
        beginMarketValue: '200000.00',
        endMarketValue: '203500.50',
        // The methodology says "beginning" for every flow, withdrawals too.
        flows: [
          { date: '2024-03-15', amount: '2500.00', timing: 'start_of_day' },
          { date: '2024-03-28', amount: '-1000.00', timing: 'start_of_day' },
        ],
        income: null,
        fees: null,
        vendorReturn: null,
        returnBasis: 'gross',
      },
      {
        accountId: 'J-2',
        periodStart: '2024-02-29',
        periodEnd: '2024-03-31',
        currency: 'EUR',
        beginMarketValue: '75000',
        endMarketValue: '74250.125',
        flows: [],
        income: null,
        fees: null,
        vendorReturn: null,
        returnBasis: 'gross',
      },
    ]);
    expect(rows[0]?.ok && rows[0].fieldSources).toMatchObject({
      period_end: '$.report.asOf',
      currency: '$.report.currency',
      flow_timing: '$.report.methodology.flowTiming',
    });
  });

  it('CSV: the account from a title row, currency and as-of date from title cells', async () => {
    const { rows, skipped } = await readAll(
      fixture('csv', 'ok', 'title-block.csv'),
      await fixtureVendor('title-block'),
    );
    expect(skipped.map((s) => s.reason)).toEqual([
      'title row above the header',
      'title row above the header',
      'blank row above the header',
    ]);
    expect(rows).toEqual([
      {
        ok: true,
        location: { file: 'title-block.csv', row: 5 },
        fieldSources: {
          account_id: 'title /^Account:\\s*(\\S+)$/',
          period_start: 'From',
          period_end: 'cell E2',
          currency: 'cell C2',
          begin_market_value: 'Opening value',
          end_market_value: 'Closing value',
          flow_amount: 'Net flows',
          vendor_return: 'Return %',
        },
        warnings: [],
        record: {
          accountId: 'ACC-77',
          periodStart: '2024-02-29',
          periodEnd: '2024-03-31',
          currency: 'CHF',
          beginMarketValue: '1000000.00',
          endMarketValue: '1012345.67',
          flows: [{ date: '2024-03-31', amount: '5000.00', timing: 'end_of_day' }],
          income: null,
          fees: null,
          vendorReturn: '0.0073',
          returnBasis: 'gross',
        },
      },
    ]);
  });

  it('rejects a title cell at or below the header, saying where the header is and what to change', async () => {
    const vendor = await fixtureVendor('title-block');
    const source = vendor.sources[0];
    if (!source) throw new Error('no source');
    const moved = {
      ...vendor,
      sources: [
        { ...source, fields: { ...source.fields, currency: { sources: [], document: { cell: 'C5' } } } },
      ],
    };
    const error = await readError(fixture('csv', 'ok', 'title-block.csv'), moved);
    expect(error.message).toBe(
      'title-block.csv, row 4: cell C5 is not above the header (row 4); a document value lies in the title rows',
    );
    expect(error.location).toEqual({ file: 'title-block.csv', row: 4 });
    expect(error.hint).toBe(
      'Point "cell: C5" in the vendor configuration at a title cell above row 4, or map a column instead.',
    );
  });

  it('a title row that matches nothing leaves the field missing, named by its pattern', async () => {
    const vendor = await fixtureVendor('title-block');
    const source = vendor.sources[0];
    if (!source) throw new Error('no source');
    const other = {
      ...vendor,
      sources: [
        {
          ...source,
          fields: { ...source.fields, account_id: { sources: [], document: { title: '^Konto: (.+)' } } },
        },
      ],
    };
    const { rows } = await readAll(fixture('csv', 'ok', 'title-block.csv'), other);
    expect(rows[0]?.ok === false && rows[0].problems).toEqual([
      { field: 'account_id', column: 'title /^Konto: (.+)/', value: null, reason: 'account_id is missing' },
    ]);
  });

  it('configuration: title cells are for CSV and Excel; a bad pattern or cell is named with its line', () => {
    const yaml = (fields: string) =>
      `code: x\nname: X\nformat: json\njson: { record_path: "r[]" }\nfields:\n${fields}`;
    const base =
      '  period_start: r[].a\n  period_end: r[].b\n  begin_market_value: r[].c\n  end_market_value: r[].d\n';
    expect(() =>
      parseVendorYaml(yaml(`  account_id: { cell: B2 }\n  currency: r[].e\n${base}`), 'x.yaml', false),
    ).toThrow(
      'x.yaml:6:17: fields.account_id.cell: JSON has no title cells: name the document value by its path, e.g. "$.report.currency"',
    );
    expect(() =>
      parseVendorYaml(yaml(`  account_id: r[].f\n  currency: { cell: B2x }\n${base}`), 'x.yaml', false),
    ).toThrow(
      'x.yaml:7:21: fields.currency.cell: must be a cell reference such as "B2" (column letters, then the row number)',
    );
    const csv = (fields: string) => `code: x\nname: X\nformat: csv\nfields:\n${fields}`;
    expect(() =>
      parseVendorYaml(
        csv(
          '  account_id: { title: "(unclosed" }\n  currency: C\n  period_start: A\n  period_end: B\n  begin_market_value: D\n  end_market_value: E\n',
        ),
        'y.yaml',
        false,
      ),
    ).toThrow(/y\.yaml:5:\d+: fields\.account_id\.title: not a regular expression/);
  });
});
