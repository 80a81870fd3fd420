import { describe, expect, it } from 'vitest';
import { parseVendorYaml } from '../../src/config/vendor-config-parse.ts';
import { FileRejectedError } from '../../src/domain/errors.ts';
import type { VendorConfig } from '../../src/domain/vendor-config.ts';
import { builtInVendor, fixture, readAll, readError } from './helpers.ts';

const notOk = (name: string) => fixture('json', 'not-ok', name);

describe('canonical JSON', () => {
  it('reads the golden file, keeping the digits of JSON numbers', async () => {
    const { rows, header } = await readAll(
      fixture('json', 'ok', 'canonical-basic.json'),
      await builtInVendor('canonical'),
    );
    expect(rows).toHaveLength(2);
    // The header of a JSON file: every field path of any record, sorted (for schema drift).
    expect(header).toEqual([
      'records[].account_id',
      'records[].begin_market_value',
      'records[].currency',
      'records[].end_market_value',
      'records[].fees',
      'records[].flows.length',
      'records[].income',
      'records[].period_end',
      'records[].period_start',
      'records[].return_basis',
      'records[].vendor_return',
    ]);
    expect(rows[0]).toMatchObject({
      ok: true,
      location: { file: 'canonical-basic.json', jsonPath: '$.records[0]' },
      fieldSources: { begin_market_value: '$.records[0].begin_market_value' },
      record: {
        accountId: 'ACC-001',
        beginMarketValue: '1000000.00',
        endMarketValue: '1025000.50',
        flows: [
          { date: '2024-02-15', amount: '10000.10', timing: 'end_of_day' },
          { date: '2024-02-20', amount: '-2500', timing: 'start_of_day' },
        ],
        income: '1200',
        fees: null,
        vendorReturn: '0.0149',
        returnBasis: 'gross',
      },
    });
    expect(rows[1]).toMatchObject({
      ok: true,
      record: { accountId: 'ACC-002', flows: [], vendorReturn: null },
    });
  });

  it('rejects invalid JSON with line and column', async () => {
    const e = await readError(notOk('canonical-syntax.json'), await builtInVendor('canonical'));
    expect(e).toBeInstanceOf(FileRejectedError);
    expect(e.message).toMatch(/^canonical-syntax\.json: not valid JSON at line 1, column 35: /);
  });

  it('quarantines a record that fails the schema, with the JSON path of each error', async () => {
    const { rows } = await readAll(notOk('canonical-schema-record.json'), await builtInVendor('canonical'));
    expect(rows[0]?.ok).toBe(true);
    expect(rows[1]).toMatchObject({
      ok: false,
      location: { file: 'canonical-schema-record.json', jsonPath: '$.records[1]' },
    });
    expect(rows[1]?.ok === false && rows[1].problems.slice(0, 2)).toEqual([
      {
        column: '$.records[1].begin_market_value',
        value: null,
        reason: '$.records[1].begin_market_value is missing',
      },
      {
        column: '$.records[1].end_market_value',
        value: 'true',
        reason: '$.records[1].end_market_value must be string,number',
      },
    ]);
  });

  it('rejects a document whose envelope fails the schema', async () => {
    const e = await readError(notOk('canonical-schema-envelope.json'), await builtInVendor('canonical'));
    expect(e.message).toBe(
      "canonical-schema-envelope.json, $.records: does not match the vendor's JSON schema: $.records is missing",
    );
  });

  it('rejects bytes that are not UTF-8 with their line and column', async () => {
    const e = await readError(notOk('canonical-not-utf8.json'), await builtInVendor('canonical'));
    expect(e.message).toBe(
      'canonical-not-utf8.json: bytes that are not valid UTF-8 at line 2, column 23; the file is read as UTF-8 (as configured) but is written in another encoding, probably windows-1252',
    );
    expect(e.location).toEqual({ file: 'canonical-not-utf8.json' });
  });

  it('rejects a document with no records', async () => {
    const e = await readError(notOk('canonical-no-records.json'), await builtInVendor('canonical'));
    expect(e.message).toBe('canonical-no-records.json, $.records: no records at records[]');
  });

  it('quarantines bad values and flows outside the period, by JSON path', async () => {
    const { rows } = await readAll(notOk('canonical-bad-values.json'), await builtInVendor('canonical'));
    expect(rows[0]?.ok === false && rows[0].problems).toEqual([
      {
        field: 'begin_market_value',
        column: '$.records[0].begin_market_value',
        value: '1.000,5',
        reason: '"1.000,5" is not a number (unexpected ","); expected decimal ".", thousands none',
      },
      {
        field: 'flow_date',
        column: '$.records[0].flows[0].date',
        value: '2024-03-15',
        reason: 'flow date 2024-03-15 is outside the period 2024-01-31 to 2024-02-29',
      },
    ]);
  });
});

describe('a document whose root is the array of records', () => {
  const [rootArray] = parseVendorYaml(
    `code: root-array
name: Root array vendor
format: json
file_patterns: ["root-array*.json"]
json:
  record_path: "[]"
fields:
  account_id: "[].account_id"
  period_start: "[].period_start"
  period_end: "[].period_end"
  currency: "[].currency"
  begin_market_value: "[].begin_market_value"
  end_market_value: "[].end_market_value"
`,
    'test.yaml',
    false,
  ) as [VendorConfig];

  it('writes JSON paths as $[1], not $.[1]', async () => {
    const { rows } = await readAll(notOk('root-array-bad-value.json'), rootArray);
    expect(rows.map((row) => row.location)).toEqual([
      { file: 'root-array-bad-value.json', jsonPath: '$[0]' },
      { file: 'root-array-bad-value.json', jsonPath: '$[1]' },
    ]);
    expect(rows[1]?.ok === false && rows[1].problems).toEqual([
      {
        field: 'begin_market_value',
        column: '$[1].begin_market_value',
        value: '1.000,5',
        reason: '"1.000,5" is not a number (unexpected ","); expected decimal ".", thousands none',
      },
    ]);
  });
});
