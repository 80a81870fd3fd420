// The configuration of the new layouts: flow fields and arrays, sums, document paths, time
// series, precision per account. Every mistake is named with its file, line, column and key.
import { describe, expect, it } from 'vitest';
import { parseVendorYaml } from '../../src/config/vendor-config-parse.ts';

const FIELDS = {
  account_id: 'A',
  period_start: 'S',
  period_end: 'E',
  currency: 'C',
  begin_market_value: 'B',
  end_market_value: 'V',
};

/** A vendor in YAML: `format`, then `extra` top-level lines, then fields (JSON: under `r[]`). */
function vendor(format: string, extra: string, more = '', omit: string[] = []): string {
  const prefix = format === 'json' ? 'r[].' : '';
  const fields = Object.entries(FIELDS)
    .filter(([k]) => !omit.includes(k))
    .map(([k, v]) => `  ${k}: ${prefix}${v}\n`)
    .join('');
  return `code: x\nname: X\nformat: ${format}\n${extra}fields:\n${fields}${more}`;
}

const problem = (text: string) => () => parseVendorYaml(text, 'x.yaml', false);

describe('configuration of flows, sums, document values and time series', () => {
  it('reads flow fields with their own timing, and array flows with a constant timing', () => {
    const [v] = parseVendorYaml(
      vendor(
        'json',
        'json: { record_path: "r[]" }\nflows:\n  - amount: r[].in\n    timing: { value: start_of_day }\n  - amount: { from: "r[].out", negate: true }\n  - array: r[].cash[]\n    amount: amount\n    timing: { value: mixed }\n',
      ),
      'x.yaml',
      false,
    );
    const source = v?.sources[0];
    expect(source?.flowFields).toEqual([
      { amount: { sources: ['r[].in'] }, timing: { sources: [], value: 'start_of_day' } },
      { amount: { sources: ['r[].out'], negate: true } },
    ]);
    expect(source?.flowArrays).toEqual([{ array: 'r[].cash[]', amount: 'amount', timingValue: 'mixed' }]);
  });

  it('reads $.-paths as paths from the document root', () => {
    const [v] = parseVendorYaml(
      vendor('json', 'json: { record_path: "r[]" }\n').replace(
        'currency: r[].C',
        'currency: $.report.currency',
      ),
      'x.yaml',
      false,
    );
    expect(v?.sources[0]?.fields.currency).toEqual({ sources: ['report.currency'] });
  });

  it('keeps the version of a configuration that uses none of the new keys', () => {
    const [v] = parseVendorYaml(vendor('csv', ''), 'x.yaml', false);
    expect(Object.keys(v?.sources[0] ?? {}).sort()).toEqual([
      'csv',
      'dateFormats',
      'fields',
      'filePatterns',
      'flowArrays',
      'format',
      'numberFormat',
    ]);
  });

  it('names each mistake with its line, column, key and what to write instead', () => {
    expect(problem(vendor('csv', '', '  fees: { from: F, sum: [G, H] }\n'))).toThrow(
      'x.yaml:11:20: fields.fees.sum: give "from" (the first present wins) or "sum" (all are added), not both',
    );
    expect(problem(vendor('csv', 'flows:\n  - array: x[]\n    amount: a\n'))).toThrow(
      'x.yaml:5:5: flows[0].array: flow arrays are for JSON sources; in CSV/Excel name the column: "amount: Deposits"',
    );
    expect(
      problem(
        vendor('json', 'json: { record_path: "r[]" }\nflows:\n  - array: r[].f[]\n    amount: { from: a }\n'),
      ),
    ).toThrow(
      'x.yaml:7:13: flows[0].amount: in a flow array, amount is a path in one element (e.g. "amount")',
    );
    expect(problem(vendor('csv', 'flows:\n  - timing: { value: start_of_day }\n'))).toThrow(
      'x.yaml:5:5: flows[0]: missing required key "amount"',
    );
    expect(problem(vendor('csv', 'flows:\n  - amount: D\n    timing: { value: noon }\n'))).toThrow(
      'x.yaml:6:22: flows[0].timing.value: must be one of: "end_of_day", "start_of_day", "mixed"',
    );
    expect(problem(vendor('json', 'json: { record_path: "r[]" }\nflows:\n  - amount: q[].d\n'))).toThrow(
      'x.yaml:6:13: flows[0].amount: path "q[].d" is not inside the records at "r[]" (nor one of their parents)',
    );
    expect(
      problem(
        vendor('xlsx', 'periods: consecutive_points\nxlsx: { flow_sheet: Flows }\n', '', [
          'period_start',
          'begin_market_value',
        ]),
      ),
    ).toThrow(
      'x.yaml:5:9: xlsx.flow_sheet: a time series ("periods: consecutive_points") takes its flows from each point; map them under "flows:"',
    );
  });
});
