import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  loadBuiltInVendors,
  loadVendorConfigs,
  parseVendorYaml,
  resolveVendor,
  VendorConfigError,
  vendorConfigVersion,
} from '../../src/config/vendor-config.ts';

function issuesOf(yaml: string): string[] {
  try {
    parseVendorYaml(yaml, 'perfrecon.yaml', false);
  } catch (e) {
    expect(e).toBeInstanceOf(VendorConfigError);
    return (e as VendorConfigError).issues.map((i) => `${i.line}:${i.column} ${i.key}: ${i.message}`);
  }
  throw new Error('no error');
}

const MINIMAL = `vendors:
  - code: acme
    name: ACME
    format: csv
    file_patterns: "acme_*.csv"
    fields:
      account_id: Account
      period_start: From
      period_end: To
      currency: { value: USD }
      begin_market_value: BMV
      end_market_value: EMV
`;

describe('vendor configuration', () => {
  it('loads the built-in vendors', async () => {
    const vendors = await loadBuiltInVendors();
    expect(vendors.map((v) => v.code).filter((c) => c !== 'vendor-b')).toEqual([
      'canonical',
      'vendor-a',
      'vendor-c',
    ]);
    const canonical = vendors.find((v) => v.code === 'canonical');
    expect(canonical?.sources.map((s) => s.format)).toEqual(['csv', 'json']);
    expect(vendors.find((v) => v.code === 'vendor-a')).toMatchObject({
      flowTiming: 'end_of_day',
      reportedPrecision: { decimals: 2, unit: 'percent' },
      tolerances: { returnBps: 1, marketValueAbs: '0.01' },
      largeFlowThreshold: 0.1,
    });
  });

  it('normalizes a minimal vendor with defaults', () => {
    const [v] = parseVendorYaml(MINIMAL, 'perfrecon.yaml', false);
    expect(v).toMatchObject({
      code: 'acme',
      flowTiming: 'end_of_day',
      returnBasis: 'gross',
      largeFlowThreshold: 0.1,
      sources: [
        {
          format: 'csv',
          filePatterns: ['acme_*.csv'],
          numberFormat: { decimal: '.', thousands: [] },
          dateFormats: ['ISO'],
          csv: { delimiter: 'auto', quote: '"', encoding: 'auto', headerScanRows: 50 },
          fields: { account_id: { sources: ['Account'] }, currency: { sources: [], value: 'USD' } },
        },
      ],
    });
  });

  it('names the line and key of an unknown key', () => {
    expect(
      issuesOf(MINIMAL.replace('    format: csv\n', '    format: csv\n    csv: { delimter: ";" }\n')),
    ).toEqual(['5:12 vendors[0].csv.delimter: unknown key']);
  });

  it('locates mistakes inside a field mapping, at the top level and in a list of sources', () => {
    expect(
      issuesOf(MINIMAL.replace('      end_market_value: EMV\n', '      end_market_value: { form: EMV }\n')),
    ).toEqual(['12:27 vendors[0].fields.end_market_value.form: unknown key']);
    const sources = MINIMAL.replace('    format: csv\n', '    sources:\n      - format: csv\n')
      .replace('    file_patterns: "acme_*.csv"\n', '')
      .replace(/^ {4}(fields| {2}[a-z_]+:)/gm, '        $1')
      .replace('          end_market_value: EMV\n', '          end_market_value: { from: EMV, unit: pct }\n');
    expect(issuesOf(sources)).toEqual([
      '12:48 vendors[0].sources[0].fields.end_market_value.unit: must be one of: "fraction", "percent", "bps"',
    ]);
  });

  it('names the line of a value outside its allowed set', () => {
    expect(
      issuesOf(MINIMAL.replace('    format: csv\n', '    format: csv\n    flow_timing: noon\n')),
    ).toEqual(['5:18 vendors[0].flow_timing: must be one of: "end_of_day", "start_of_day", "mixed"']);
  });

  it('names the line of an encoding the reader does not know', () => {
    expect(
      issuesOf(MINIMAL.replace('    format: csv\n', '    format: csv\n    csv: { encoding: utf-9 }\n')),
    ).toEqual([
      '5:22 vendors[0].csv.encoding: unknown encoding "utf-9" (e.g. auto, utf-8, utf-16le, windows-1252, latin1)',
    ]);
  });

  it('names a required field that is not mapped', () => {
    expect(issuesOf(MINIMAL.replace('      end_market_value: EMV\n', ''))).toEqual([
      '6:5 vendors[0].fields: required field "end_market_value" is not mapped',
    ]);
  });

  it('names a missing required key', () => {
    expect(issuesOf(MINIMAL.replace('    name: ACME\n', ''))).toEqual([
      '2:5 vendors[0]: missing required key "name"',
    ]);
  });

  it('reports a YAML syntax error with its line', () => {
    expect(issuesOf('vendors:\n  - code: x\n   name: y\n')).toEqual([
      '3:1 : Sequence item without - indicator',
    ]);
  });

  it('reports every problem of a file at once', () => {
    const bad = MINIMAL.replace(
      '    format: csv\n',
      '    format: csv\n    decimal: ";"\n    large_flow_threshold: -1\n',
    );
    expect(issuesOf(bad)).toEqual([
      '5:14 vendors[0].decimal: must be one of: ".", ","',
      '6:27 vendors[0].large_flow_threshold: must be > 0',
    ]);
  });

  it('checks JSON paths against the record path', () => {
    const yaml = `code: j
name: J
format: json
json: { record_path: "accounts[].periods[]" }
fields:
  account_id: accounts[].id
  period_start: accounts[].periods[].from
  period_end: other[].to
  currency: { value: EUR }
  begin_market_value: accounts[].periods[].bmv
  end_market_value: accounts[].periods[].emv
`;
    expect(issuesOf(yaml)).toEqual([
      '8:15 fields.period_end: path "other[].to" is not inside the records at "accounts[].periods[]" (nor one of their parents)',
    ]);
  });

  it('lets a user vendor override a built-in of the same code', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'perfrecon-config-'));
    const file = path.join(dir, 'perfrecon.yaml');
    await writeFile(
      file,
      MINIMAL.replace('code: acme', 'code: vendor-a').replace('name: ACME', 'name: My custodian A'),
    );
    const vendors = await loadVendorConfigs(file);
    const a = vendors.filter((v) => v.code === 'vendor-a');
    expect(a).toHaveLength(1);
    expect(a[0]).toMatchObject({ name: 'My custodian A', origin: { file, builtIn: false } });
    expect(vendors.some((v) => v.code === 'canonical')).toBe(true);
  });

  it('versions a configuration by what it means, not by its layout or origin', () => {
    const [a] = parseVendorYaml(MINIMAL, 'one.yaml', false);
    const [b] = parseVendorYaml(
      `# a comment\n${MINIMAL.replace('name: ACME', 'name:    ACME')}`,
      'two.yaml',
      true,
    );
    const [c] = parseVendorYaml(MINIMAL.replace('BMV', 'Begin MV'), 'one.yaml', false);
    if (!a || !b || !c) throw new Error('parse');
    expect(vendorConfigVersion(a)).toMatch(/^[0-9a-f]{16}$/);
    expect(vendorConfigVersion(b)).toBe(vendorConfigVersion(a));
    expect(vendorConfigVersion(c)).not.toBe(vendorConfigVersion(a));
  });

  it('resolves the vendor by file pattern, the most specific pattern winning', async () => {
    const vendors = await loadBuiltInVendors();
    expect(resolveVendor('/inbox/custa_perf_20240103.csv', vendors)?.code).toBe('vendor-a');
    expect(resolveVendor('CUSTA_PERF_20240103.CSV', vendors)?.code).toBe('vendor-a');
    expect(resolveVendor('vendorc_2024-02.json', vendors)?.code).toBe('vendor-c');
    expect(resolveVendor('canonical-demo.json', vendors)?.code).toBe('canonical');
    expect(resolveVendor('unknown.csv', vendors)).toBeUndefined();
    const [specific] = parseVendorYaml(
      MINIMAL.replace('"acme_*.csv"', '"custa_perf_2024*.csv"'),
      'u.yaml',
      false,
    );
    if (!specific) throw new Error('parse');
    expect(resolveVendor('custa_perf_20240103.csv', [...vendors, specific])?.code).toBe('acme');
  });
});
