// Golden tests: time series of valuations (`periods: consecutive_points`) in JSON, CSV and Excel.
// Each period runs from one point of an account to the next; the first point opens the account;
// a missing day is a gap (no period over it, or a flagged one); unsorted points are quarantined.
import { describe, expect, it } from 'vitest';
import { parseVendorYaml } from '../../src/config/vendor-config-parse.ts';
import type { CanonicalPeriod } from '../../src/domain/canonical.ts';
import type { ReadRecord } from '../../src/domain/read-row.ts';
import { missingDates, PointSeries } from '../../src/map/points.ts';
import { readJsonRecords } from '../../src/read/json.ts';
import { fixture, fixtureVendor, readWithWarnings } from './helpers.ts';

const period = (p: Partial<CanonicalPeriod>): CanonicalPeriod => ({
  accountId: '',
  periodStart: '',
  periodEnd: '',
  currency: '',
  beginMarketValue: '',
  endMarketValue: '',
  flows: [],
  income: null,
  fees: null,
  vendorReturn: null,
  returnBasis: 'gross',
  ...p,
});

describe('time series of valuations', () => {
  it('JSON: a daily series with flows on both sides and a missing day', async () => {
    const { rows, skipped, warnings } = await readWithWarnings(
      fixture('json', 'ok', 'time-series.json'),
      await fixtureVendor('time-series'),
    );
    const usd = { currency: 'USD', returnBasis: 'net' as const, fees: '0', income: '0' };
    expect(rows.map((r) => r.ok && r.record)).toEqual([
      period({
        ...usd,
        accountId: 'TS-1',
        periodStart: '2024-01-02',
        periodEnd: '2024-01-03',
        beginMarketValue: '10000.00',
        endMarketValue: '10600.00',
        flows: [{ date: '2024-01-03', amount: '500.00', timing: 'start_of_day' }],
        vendorReturn: '0.009523809523809524',
      }),
      period({
        ...usd,
        accountId: 'TS-1',
        periodStart: '2024-01-03',
        periodEnd: '2024-01-04',
        beginMarketValue: '10600.00',
        endMarketValue: '10450.25',
        flows: [{ date: '2024-01-04', amount: '-200.00', timing: 'end_of_day' }],
        fees: '1.25',
        income: '3.10',
        vendorReturn: '0.004740566037735849',
      }),
      // 2024-01-05 is missing: no period 01-04 -> 01-08; the point on 01-08 opens the next one.
      period({
        ...usd,
        accountId: 'TS-1',
        periodStart: '2024-01-08',
        periodEnd: '2024-01-09',
        beginMarketValue: '10500.00',
        endMarketValue: '10300.00',
        flows: [
          { date: '2024-01-09', amount: '1000.00', timing: 'start_of_day' },
          { date: '2024-01-09', amount: '-1250.50', timing: 'end_of_day' },
        ],
        vendorReturn: '0.00436663',
      }),
      period({
        ...usd,
        accountId: 'TS-2',
        periodStart: '2024-01-08',
        periodEnd: '2024-01-09',
        beginMarketValue: '2500',
        endMarketValue: '2512.5',
        vendorReturn: '0.005',
      }),
    ]);
    expect(skipped).toEqual([
      {
        location: { file: 'time-series.json', jsonPath: '$.accounts[0].timeSeries[0]' },
        reason: 'opening valuation of account TS-1 on 2024-01-02 (the first point; its periods start here)',
        text: 'TS-1 2024-01-02 10000.00',
      },
      {
        location: { file: 'time-series.json', jsonPath: '$.accounts[0].timeSeries[3]' },
        reason: 'opening valuation of account TS-1 on 2024-01-08 after a gap (no period over the gap)',
        text: 'TS-1 2024-01-08 10500.00',
      },
      {
        location: { file: 'time-series.json', jsonPath: '$.accounts[1].timeSeries[0]' },
        reason:
          'opening valuation of account TS-2 on 2024-01-08 (the first point; its periods start here); its flow is in no period',
        text: 'TS-2 2024-01-08 2500',
      },
    ]);
    expect(warnings).toEqual([
      'account TS-1 has no point between 2024-01-04 and 2024-01-08 (missing 2024-01-05); no period is formed over it and the point on 2024-01-08 opens the next one',
    ]);
    expect(rows[0]?.ok && rows[0].fieldSources).toMatchObject({
      period_start: '$.accounts[0].timeSeries[0] (previous point)',
      begin_market_value: '$.accounts[0].timeSeries[0] (previous point)',
      currency: '$.summary.currency',
      flows: '$.accounts[0].timeSeries[1].deposits',
    });
  });

  it('CSV: interleaved accounts, a gap flagged on its period, an unsorted point quarantined', async () => {
    const { rows, skipped, warnings } = await readWithWarnings(
      fixture('csv', 'ok', 'daily-values.csv'),
      await fixtureVendor('daily-values'),
    );
    expect(skipped.map((s) => [s.location.row, s.reason])).toEqual([
      [2, 'opening valuation of account P-1 on 2024-03-01 (the first point; its periods start here)'],
      [3, 'opening valuation of account P-2 on 2024-03-01 (the first point; its periods start here)'],
    ]);
    expect(warnings).toEqual([]);
    expect(rows.map((r) => (r.ok ? r.record : r.problems))).toEqual([
      period({
        accountId: 'P-1',
        periodStart: '2024-03-01',
        periodEnd: '2024-03-02',
        currency: 'EUR',
        beginMarketValue: '1000.00',
        endMarketValue: '1010.00',
      }),
      period({
        accountId: 'P-2',
        periodStart: '2024-03-01',
        periodEnd: '2024-03-02',
        currency: 'EUR',
        beginMarketValue: '500.00',
        endMarketValue: '555.50',
        flows: [{ date: '2024-03-02', amount: '50.00', timing: 'end_of_day' }],
      }),
      period({
        accountId: 'P-1',
        periodStart: '2024-03-02',
        periodEnd: '2024-03-04',
        currency: 'EUR',
        beginMarketValue: '1010.00',
        endMarketValue: '1020.00',
        flows: [{ date: '2024-03-04', amount: '-5.00', timing: 'end_of_day' }],
      }),
      [
        {
          field: 'period_end',
          column: 'Date',
          value: '2024-03-03',
          reason:
            'point of account P-1 dated 2024-03-03 follows one dated 2024-03-04 (row 6): a time series must be sorted by account and date, one point per date; sort the file and ingest it again',
        },
      ],
      period({
        accountId: 'P-2',
        periodStart: '2024-03-02',
        periodEnd: '2024-03-03',
        currency: 'EUR',
        beginMarketValue: '555.50',
        endMarketValue: '556.00',
      }),
    ]);
    expect(rows[2]?.ok && rows[2].warnings).toEqual([
      'the period spans a gap: account P-1 has no point between 2024-03-02 and 2024-03-04 (missing 2024-03-03)',
    ]);
  });

  it('Excel: account from a title row, currency from a cell, serial dates, a missing business day', async () => {
    const { rows, skipped, warnings } = await readWithWarnings(
      fixture('xlsx', 'ok', 'valuation-series.xlsx'),
      await fixtureVendor('valuation-series'),
    );
    const gbp = { accountId: 'XL-5', currency: 'GBP' };
    expect(rows.map((r) => r.ok && r.record)).toEqual([
      period({
        ...gbp,
        periodStart: '2024-01-02',
        periodEnd: '2024-01-03',
        beginMarketValue: '1000',
        endMarketValue: '1105.5',
        flows: [{ date: '2024-01-03', amount: '100', timing: 'start_of_day' }],
      }),
      period({
        ...gbp,
        periodStart: '2024-01-03',
        periodEnd: '2024-01-04',
        beginMarketValue: '1105.5',
        endMarketValue: '1050.25',
        flows: [
          { date: '2024-01-04', amount: '20', timing: 'start_of_day' },
          { date: '2024-01-04', amount: '-80', timing: 'end_of_day' },
        ],
      }),
      period({
        ...gbp,
        periodStart: '2024-01-08',
        periodEnd: '2024-01-09',
        beginMarketValue: '1060',
        endMarketValue: '1100.75',
        flows: [{ date: '2024-01-09', amount: '40', timing: 'start_of_day' }],
      }),
    ]);
    expect(skipped.map((s) => s.location.row)).toEqual([1, 2, 3, 6, 9]);
    expect(warnings).toEqual([
      'account XL-5 has no point between 2024-01-04 and 2024-01-08 (missing 2024-01-05); no period is formed over it and the point on 2024-01-08 opens the next one',
    ]);
  });

  it('a quarantined point restarts its account: the next point opens, naming the bad one', () => {
    const series = new PointSeries({ spacing: 'days', onGap: 'skip' });
    const point = (row: number, date: string, value: string) => ({
      ok: true as const,
      location: { file: 'f.csv', row },
      fieldSources: {},
      warnings: [],
      record: {
        accountId: 'A',
        periodEnd: date,
        currency: 'EUR',
        endMarketValue: value,
        flows: [],
        income: null,
        fees: null,
        vendorReturn: null,
        returnBasis: 'gross' as const,
      },
    });
    expect(series.accept(point(2, '2024-03-01', '1')).kind).toBe('opening');
    const bad = {
      ok: false as const,
      location: { file: 'f.csv', row: 3 },
      raw: {},
      problems: [],
      accountId: 'A',
    };
    expect(series.accept(bad).kind).toBe('row');
    expect(series.accept(point(4, '2024-03-03', '3'))).toEqual({
      kind: 'opening',
      location: { file: 'f.csv', row: 4 },
      reason: 'opening valuation of account A on 2024-03-03 (the point before it, row 3, was quarantined)',
      text: 'A 2024-03-03 3',
    });
  });

  it('streams a large series whose currency is stated once: the same records as a whole read', async () => {
    const source = (await fixtureVendor('time-series')).sources[0];
    if (!source) throw new Error('no source');
    const file = fixture('json', 'ok', 'time-series.json');
    const whole: ReadRecord[] = [];
    for await (const record of readJsonRecords(file, source)) whole.push(record);
    const streamed: ReadRecord[] = [];
    for await (const record of readJsonRecords(file, source, {}, { streamAboveBytes: 0 }))
      streamed.push(record);
    expect(streamed).toEqual(whole);
    expect(streamed[0]?.values['summary.currency']).toBe('USD');
  });

  it('names the missing dates per spacing', () => {
    expect(missingDates('2024-01-04', '2024-01-08', 'business_days')).toEqual(['2024-01-05']);
    expect(missingDates('2024-01-05', '2024-01-08', 'business_days')).toEqual([]);
    expect(missingDates('2024-01-05', '2024-01-08', 'days')).toEqual(['2024-01-06', '2024-01-07']);
    expect(missingDates('2023-11-30', '2024-02-29', 'months')).toEqual(['2023-12', '2024-01']);
    expect(missingDates('2024-01-31', '2024-02-29', 'months')).toEqual([]);
    expect(missingDates('2020-01-01', '2024-01-01', 'any')).toEqual([]);
  });

  it('configuration: period_start and begin_market_value come from the previous point', () => {
    const text = [
      'code: x',
      'name: X',
      'format: csv',
      'periods: consecutive_points',
      'fields:',
      '  account_id: A',
      '  period_start: S',
      '  period_end: D',
      '  currency: C',
      '  end_market_value: V',
    ].join('\n');
    expect(() => parseVendorYaml(text, 'x.yaml', false)).toThrow(
      'x.yaml:7:3: fields.period_start: with "periods: consecutive_points" period_start comes from the previous point; remove this mapping',
    );
    const [vendor] = parseVendorYaml(text.replace('  period_start: S\n', ''), 'x.yaml', false);
    expect(vendor?.sources[0]?.points).toEqual({ spacing: 'business_days', onGap: 'skip' });
  });
});
