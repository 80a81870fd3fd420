// `vendors draft` on every vendor sample in the repository (test/fixtures/**/ok with a
// hand-written configuration, and the files `perfrecon samples` writes): the drafted
// configuration, after settling only the lines it marked TODO, reads the file to the same
// canonical rows as the hand-written one. (xlsx/ok/handwritten-inline-strings.xlsx is a flow
// sheet alone, no periods: a reader fixture, not a vendor sample.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseVendorYaml } from '../../src/config/vendor-config-parse.ts';
import type { VendorConfig } from '../../src/domain/vendor-config.ts';
import { writeSamples } from '../../src/samples/write-samples.ts';
import { draftVendor } from '../../src/services/vendor-draft.ts';
import { builtInVendor, fixture, fixtureVendor, readAll } from './helpers.ts';

/** Replace the value of each TODO line named in `answers`; fail on an answer for a line not marked. */
function settle(yaml: string, answers: Record<string, string>): string {
  const settled = new Set<string>();
  const lines = yaml.split('\n').map((line) => {
    const missing = /^(\s*)# TODO ([\w.]+): /.exec(line);
    const guessed = /^(\s*(?:- )?)(\w+): .*? {2}# TODO ([\w.]+): /.exec(line);
    const id = missing?.[2] ?? guessed?.[3];
    if (id === undefined || !Object.hasOwn(answers, id)) return line;
    settled.add(id);
    return missing
      ? `${missing[1]}${id.split('.').at(-1)}: ${answers[id]}`
      : `${guessed?.[1]}${guessed?.[2]}: ${answers[id]}`;
  });
  expect([...settled].sort(), 'every answer settles a line the draft marked TODO').toEqual(
    Object.keys(answers).sort(),
  );
  return lines.join('\n');
}

async function canonicalRows(file: string, vendor: VendorConfig) {
  const { rows } = await readAll(file, vendor);
  return rows.map((r) => (r.ok ? r.record : { quarantined: r.location }));
}

async function expectSameRows(file: string, hand: VendorConfig, answers: Record<string, string> = {}) {
  const draft = await draftVendor(file, { code: 'drafted' });
  const [drafted] = parseVendorYaml(settle(draft.yaml, answers), 'drafted.yaml', false);
  if (!drafted) throw new Error('the draft defines no vendor');
  const expected = await canonicalRows(file, hand);
  expect(expected.length).toBeGreaterThan(0);
  expect(await canonicalRows(file, drafted)).toEqual(expected);
  return draft;
}

const NET = { return_basis: 'net' };

describe('vendors draft, settled, reads like the hand-written configuration', () => {
  const cases: [string, string[], () => Promise<VendorConfig>, Record<string, string>][] = [
    ['canonical CSV', ['csv', 'ok', 'canonical-basic.csv'], () => builtInVendor('canonical'), {}],
    ['canonical JSON', ['json', 'ok', 'canonical-basic.json'], () => builtInVendor('canonical'), {}],
    ['vendor A daily', ['csv', 'ok', 'vendor-a-daily.csv'], () => builtInVendor('vendor-a'), {}],
    ['vendor A Windows-1252', ['csv', 'ok', 'vendor-a-cp1252.csv'], () => builtInVendor('vendor-a'), {}],
    ['vendor A UTF-16, tabs', ['csv', 'ok', 'vendor-a-utf16.csv'], () => builtInVendor('vendor-a'), {}],
    ['vendor B workbook', ['xlsx', 'ok', 'vendor-b-2024-02.xlsx'], () => builtInVendor('vendor-b'), NET],
    [
      'vendor B, LibreOffice order',
      ['xlsx', 'ok', 'vendor-b-libreoffice-order.xlsx'],
      () => builtInVendor('vendor-b'),
      NET,
    ],
    [
      'vendor C nested JSON',
      ['json', 'ok', 'vendor-c-nested.json'],
      () => builtInVendor('vendor-c'),
      { flow_timing: 'mixed', ...NET },
    ],
    [
      'European depot',
      ['csv', 'ok', 'european-depot.csv'],
      async () => await fixtureVendor('european'),
      {
        flow_timing: 'mixed',
        'fields.vendor_return': '{ from: Rendite, unit: percent }',
      },
    ],
    [
      'broker flow columns',
      ['csv', 'ok', 'broker-flows.csv'],
      () => fixtureVendor('broker-flows'),
      {
        ...NET,
        'flows.0.timing': '{ value: start_of_day }',
      },
    ],
    ['title block', ['csv', 'ok', 'title-block.csv'], () => fixtureVendor('title-block'), {}],
    [
      'report methodology',
      ['json', 'ok', 'report-methodology.json'],
      () => fixtureVendor('report-methodology'),
      {
        'fields.flow_timing':
          '{ from: $.report.methodology.flowTiming, values: { beginning: start_of_day } }',
      },
    ],
    [
      'JSON time series',
      ['json', 'ok', 'time-series.json'],
      () => fixtureVendor('time-series'),
      {
        ...NET,
        'flows.0.timing': '{ value: start_of_day }',
      },
    ],
    [
      'CSV time series',
      ['csv', 'ok', 'daily-values.csv'],
      () => fixtureVendor('daily-values'),
      {
        periods: '{ from: consecutive_points, spacing: days, on_gap: flag }',
      },
    ],
    [
      'German workbook quirks',
      ['xlsx', 'ok', 'german-quirks.xlsx'],
      () => fixtureVendor('german-quirks'),
      { 'fields.currency': '{ value: EUR }' },
    ],
    [
      'grouped two-row header',
      ['xlsx', 'ok', 'grouped-header.xlsx'],
      () => fixtureVendor('grouped-header'),
      { 'fields.currency': '{ value: USD }' },
    ],
    [
      'Excel time series',
      ['xlsx', 'ok', 'valuation-series.xlsx'],
      () => fixtureVendor('valuation-series'),
      {
        'flows.0.timing': '{ value: start_of_day }',
      },
    ],
  ];
  for (const [name, parts, hand, answers] of cases) {
    it(name, async () => {
      await expectSameRows(fixture(...parts), await hand(), answers);
    });
  }
});

describe('vendors draft on the files `perfrecon samples` writes', () => {
  let dir: string;
  let files: string[];
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'perfrecon-draft-'));
    const set = await writeSamples({
      out: dir,
      accounts: 3,
      days: 70,
      start: '2023-12-31',
      seed: 7,
      problems: 0.05,
    });
    files = set.files;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const answers: Record<string, Record<string, string>> = {
    canonical: {},
    'vendor-a': {},
    'vendor-b': NET,
    'vendor-c': { flow_timing: 'mixed', ...NET },
  };
  it('every sample file', async () => {
    expect(files.length).toBe(5);
    for (const file of files) {
      const name = path.basename(file);
      const code = name.startsWith('canonical')
        ? 'canonical'
        : name.startsWith('custa')
          ? 'vendor-a'
          : name.startsWith('vendorb')
            ? 'vendor-b'
            : 'vendor-c';
      await expectSameRows(file, await builtInVendor(code), answers[code]);
    }
  });
});

describe('the draft itself', () => {
  it('states its evidence and marks what it could not place; the configuration check names those fields', async () => {
    const draft = await draftVendor(fixture('csv', 'ok', 'vendor-a-cp1252.csv'), { code: 'acme' });
    expect(draft.yaml).toContain('# encoding: windows-1252 (bytes that are not UTF-8, no zero bytes)');
    expect(draft.yaml).toContain(
      '# dates: From Date: 1 of 1 values look like MM/DD/YYYY (and as many like DD/MM/YYYY: check)',
    );
    expect(draft.yaml).toContain('# header: row 4 (3 rows above it), 8 columns, 1 data rows');
    expect(draft.unsettled).toEqual([]);

    const unplaced = await draftVendor(fixture('json', 'ok', 'report-methodology.json'), { code: 'acme' });
    expect(unplaced.todos).toContain(
      'fields.flow_timing: "beginning" are not flow timing words (end_of_day, start_of_day): say what each means',
    );
  });

  it('leaves a required field it cannot find as a TODO comment, which check-config reports by line', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'perfrecon-draft-'));
    try {
      const file = path.join(dir, 'acme_2024-03.csv');
      const { writeFileSync } = await import('node:fs');
      writeFileSync(
        file,
        'Portfolio,Date from,Date to,Opening,Closing\nP1,2024-01-31,2024-02-29,100.00,101.50\n',
      );
      const draft = await draftVendor(file);
      expect(draft.code).toBe('acme');
      expect(draft.yaml).toContain('file_patterns: ["acme_*.csv"]');
      expect(
        draft.todos.some((t) =>
          t.startsWith('fields.currency: no column looks like currency; no title rows'),
        ),
      ).toBe(true);
      expect(draft.unsettled).toEqual([
        expect.stringMatching(/^line \d+: fields: required field "currency" is not mapped$/),
      ]);
      const settled = settle(draft.yaml, { 'fields.currency': '{ value: EUR }' });
      const [vendor] = parseVendorYaml(settled, 'acme.yaml', false);
      const { rows } = await readAll(file, vendor as VendorConfig);
      expect(rows.map((r) => r.ok && r.record)).toEqual([
        {
          accountId: 'P1',
          periodStart: '2024-01-31',
          periodEnd: '2024-02-29',
          currency: 'EUR',
          beginMarketValue: '100.00',
          endMarketValue: '101.50',
          flows: [],
          income: null,
          fees: null,
          vendorReturn: null,
          returnBasis: 'gross',
        },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
