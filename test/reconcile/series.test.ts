import { describe, expect, it } from 'vitest';
import {
  type AppliedTolerance,
  checkSeries,
  compareVendors,
  inferFrequency,
  missingPeriods,
  type ReconPeriod,
  reconcileAccount,
  ToleranceBook,
} from '../../src/reconcile/index.ts';
import { flow, period, settings } from './builders.ts';

const CENT: AppliedTolerance = {
  returnBps: 1,
  returnSource: 'default',
  marketValueAbs: '0.01',
  marketValueRel: null,
  marketValueSource: 'default',
};

const monthEnds = ['2023-12-31', '2024-01-31', '2024-02-29', '2024-03-31', '2024-04-30'];

function monthly(values: string[], ends = monthEnds, vendorCode = 'custodian'): ReconPeriod[] {
  return ends.slice(1, values.length / 2 + 1).map((end, i) =>
    period({
      vendorCode,
      periodStart: ends[i] as string,
      periodEnd: end,
      beginMarketValue: values[i * 2] as string,
      endMarketValue: values[i * 2 + 1] as string,
    }),
  );
}

const everything = { inScope: () => true, expectThrough: null, tolerance: () => CENT };

describe('frequency', () => {
  it('reads monthly, quarterly, business-daily and calendar-daily series', () => {
    expect(inferFrequency(monthly(Array(8).fill('1')))).toBe('monthly');
    expect(
      inferFrequency([
        { periodStart: '2023-12-31', periodEnd: '2024-03-31' },
        { periodStart: '2024-03-31', periodEnd: '2024-06-30' },
      ]),
    ).toBe('quarterly');
    // Thursday → Friday → Monday (over the weekend) → Tuesday.
    expect(
      inferFrequency([
        { periodStart: '2024-01-04', periodEnd: '2024-01-05' },
        { periodStart: '2024-01-05', periodEnd: '2024-01-08' },
        { periodStart: '2024-01-08', periodEnd: '2024-01-09' },
      ]),
    ).toBe('business-daily');
    expect(
      inferFrequency([
        { periodStart: '2024-01-05', periodEnd: '2024-01-06' },
        { periodStart: '2024-01-06', periodEnd: '2024-01-07' },
      ]),
    ).toBe('calendar-daily');
    expect(inferFrequency([{ periodStart: '2024-01-03', periodEnd: '2024-01-17' }])).toBe('irregular');
  });

  it('lists the periods missing in a gap by frequency', () => {
    expect(missingPeriods('monthly', '2024-01-31', '2024-04-30', true)).toEqual([
      { periodStart: '2024-01-31', periodEnd: '2024-02-29' },
      { periodStart: '2024-02-29', periodEnd: '2024-03-31' },
      { periodStart: '2024-03-31', periodEnd: '2024-04-30' },
    ]);
    // Friday 2024-01-05 to Wednesday 2024-01-10, business days: Mon 8, Tue 9, Wed 10.
    expect(
      missingPeriods('business-daily', '2024-01-05', '2024-01-10', true).map((p) => p.periodEnd),
    ).toEqual(['2024-01-08', '2024-01-09', '2024-01-10']);
    // An open end (the run's date): a monthly period ending after 2024-03-15 is not due yet.
    expect(missingPeriods('monthly', '2024-01-31', '2024-03-15', false)).toEqual([
      { periodStart: '2024-01-31', periodEnd: '2024-02-29' },
    ]);
    expect(missingPeriods('irregular', '2024-01-31', '2024-03-15', false)).toEqual([]);
  });
});

describe('continuity and missing periods within one vendor', () => {
  it('passes when each begin value equals the previous end value, compared exactly', () => {
    const results = checkSeries(
      monthly(['100', '100.10', '100.1', '90', '90.00', '95']),
      'monthly',
      everything,
    );
    expect(results.map((r) => [r.kind, r.status, r.varianceAmount])).toEqual([
      ['CONTINUITY', 'PASSED', '0.00'],
      ['CONTINUITY', 'PASSED', '0.00'],
    ]);
  });

  it('fails a jump larger than the tolerance, and explains it by the income booked in between', () => {
    const periods = monthly(['100', '110', '110.50', '120']);
    (periods[0] as ReconPeriod).income = '0.50';
    const [result] = checkSeries(periods, 'monthly', everything);
    expect(result).toMatchObject({
      kind: 'CONTINUITY',
      status: 'FAILED',
      periodStart: '2024-01-31',
      periodEnd: '2024-02-29',
      expected: '110',
      observed: '110.50',
      varianceAmount: '0.50',
    });
    expect(result?.explanation?.cause).toBe('INCOME_AS_FLOW');
  });

  it('says when nothing in the neighbouring periods explains a jump', () => {
    const [result] = checkSeries(monthly(['100', '110', '113', '120']), 'monthly', everything);
    expect(result?.explanation?.cause).toBeNull();
    expect(result?.explanation?.summary).toMatch(
      /one of the two valuations \(both from file 1\) is restated or wrong/,
    );
  });

  it('honours a relative market-value tolerance', () => {
    const relative = { ...CENT, marketValueAbs: null, marketValueRel: 0.001 };
    const results = checkSeries(monthly(['100', '1000', '1000.9', '1100']), 'monthly', {
      ...everything,
      tolerance: () => relative,
    });
    expect(results[0]?.status).toBe('PASSED');
  });

  it('reports each missing month in a gap, and months missing up to the expected date', () => {
    const periods = monthly(['1', '1', '1', '1'], ['2023-12-31', '2024-01-31']).concat(
      monthly(['1', '1'], ['2024-03-31', '2024-04-30']),
    );
    const results = checkSeries(periods, 'monthly', { ...everything, expectThrough: '2024-06-30' });
    expect(results.map((r) => [r.kind, r.periodStart, r.periodEnd])).toEqual([
      ['MISSING_PERIOD', '2024-01-31', '2024-02-29'],
      ['MISSING_PERIOD', '2024-02-29', '2024-03-31'],
      ['MISSING_PERIOD', '2024-04-30', '2024-05-31'],
      ['MISSING_PERIOD', '2024-05-31', '2024-06-30'],
    ]);
    expect(results.every((r) => r.status === 'FAILED')).toBe(true);
  });

  it('fails overlapping periods', () => {
    const periods = [
      period({ periodStart: '2023-12-31', periodEnd: '2024-01-31' }),
      period({ periodStart: '2024-01-15', periodEnd: '2024-02-29' }),
    ];
    const [result] = checkSeries(periods, 'irregular', everything);
    expect(result).toMatchObject({ kind: 'CONTINUITY', status: 'FAILED' });
    expect(result?.message).toMatch(/overlaps/);
  });
});

describe('the same account from two vendors', () => {
  const scope = { inRange: () => true, tolerance: () => CENT, settings: () => settings() };

  it('links the daily vendor over the monthly period and agrees when the data agree', () => {
    // February 2024, business days: the value grows 0.1% each day, no flows.
    const days: string[] = ['2024-01-31'];
    for (let d = 1; d <= 29; d++) {
      const date = `2024-02-${String(d).padStart(2, '0')}`;
      const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
      if (weekday !== 0 && weekday !== 6) days.push(date);
    }
    let value = 100000;
    const daily: ReconPeriod[] = [];
    for (let i = 1; i < days.length; i++) {
      const next = value * 1.001;
      daily.push(
        period({
          vendorCode: 'admin',
          periodStart: days[i - 1] as string,
          periodEnd: days[i] as string,
          beginMarketValue: String(value),
          endMarketValue: String(next),
          calculatedReturn: String(next / value - 1),
        }),
      );
      value = next;
    }
    // 21 business days: the linked return is 1.001^21 - 1.
    const monthReturn = 1.001 ** 21 - 1;
    const month = period({
      periodStart: '2024-01-31',
      periodEnd: '2024-02-29',
      beginMarketValue: '100000',
      endMarketValue: String(value),
      calculatedReturn: String(monthReturn),
    });
    const results = compareVendors([month], daily, scope);
    expect(
      results.map((r) => [r.kind, r.vendorCode, r.counterparty, r.periodStart, r.periodEnd, r.status]),
    ).toEqual([
      ['CROSS_VENDOR_MARKET_VALUE', 'custodian', 'admin', '2024-01-31', '2024-01-31', 'PASSED'],
      ['CROSS_VENDOR_MARKET_VALUE', 'custodian', 'admin', '2024-02-29', '2024-02-29', 'PASSED'],
      ['CROSS_VENDOR_RETURN', 'custodian', 'admin', '2024-01-31', '2024-02-29', 'PASSED'],
    ]);
    expect(Number(results[2]?.observed)).toBeCloseTo(monthReturn, 12);
  });

  // Two half-months from the administrator, one month from the custodian, with a +100,000
  // contribution on Feb 16 (day 1 of the second half, day 16 of the month).
  const firstHalf = (end = '110000') =>
    period({
      vendorCode: 'admin',
      periodStart: '2024-01-31',
      periodEnd: '2024-02-15',
      beginMarketValue: '100000',
      endMarketValue: end,
      calculatedReturn: String(Number(end) / 100000 - 1),
    });
  // (220,000 - 110,000 - 100,000) / (110,000 + 100,000 × 13/14)
  const secondHalf = period({
    vendorCode: 'admin',
    periodStart: '2024-02-15',
    periodEnd: '2024-02-29',
    beginMarketValue: '110000',
    endMarketValue: '220000',
    flows: [flow('2024-02-16', '100000')],
    calculatedReturn: String(10000 / (110000 + (100000 * 13) / 14)),
  });
  // (220,000 - 100,000 - 100,000) / (100,000 + 100,000 × 13/29)
  const month = (end = '220000') =>
    period({
      periodStart: '2024-01-31',
      periodEnd: '2024-02-29',
      beginMarketValue: '100000',
      endMarketValue: end,
      flows: [flow('2024-02-16', '100000')],
      calculatedReturn: String((Number(end) - 200000) / (100000 + (100000 * 13) / 29)),
    });

  it('passes a difference of method alone, keeping both figures as information (issue 10, item 33)', () => {
    const linked = 1.1 * (1 + 10000 / (110000 + (100000 * 13) / 14)) - 1;
    const dietz = 20000 / (100000 + (100000 * 13) / 29);
    const results = compareVendors([month()], [firstHalf(), secondHalf], scope);
    const returns = results.find((r) => r.kind === 'CROSS_VENDOR_RETURN');
    // Linked, the two halves differ from the month's Modified Dietz by method alone.
    expect(Math.abs(linked - dietz) * 1e4).toBeGreaterThan(10);
    // Like with like: the administrator's values and flows as one Modified Dietz month.
    expect(returns?.status).toBe('PASSED');
    expect(Number(returns?.expected)).toBeCloseTo(dietz, 12);
    expect(Number(returns?.observed)).toBeCloseTo(dietz, 12);
    expect(returns?.varianceBps).toBeCloseTo(0, 6);
    expect(returns?.explanation?.cause).toBe('METHOD_LINKED_VS_DIETZ');
    expect(returns?.explanation?.recomputed).toBeCloseTo(dietz, 12);
    const linkedCandidate = returns?.explanation?.candidates.find(
      (c) => c.cause === 'METHOD_LINKED_VS_DIETZ',
    );
    expect(linkedCandidate?.recomputed).toBeCloseTo(linked, 12);
    expect(linkedCandidate?.residualBps).toBeCloseTo((linked - dietz) * 1e4, 6);
    expect(returns?.message).toContain(linked.toFixed(8));
    expect(returns?.message).toContain(dietz.toFixed(8));
    expect(
      results.filter((r) => r.kind === 'CROSS_VENDOR_MARKET_VALUE').every((r) => r.status === 'PASSED'),
    ).toBe(true);
  });

  it('says the timing differs, not the flows, when the same flows are counted at another time of day', () => {
    // The administrator counts the same +100,000 on Feb 16 at start of day: (220,000 - 110,000 -
    // 100,000) / (110,000 + 100,000 × 14/14); the custodian's month counts it at end of day.
    const startOfDay = period({
      ...secondHalf,
      flows: [flow('2024-02-16', '100000', 'start_of_day')],
      calculatedReturn: String(10000 / 210000),
    });
    const dietz = 20000 / (100000 + (100000 * 13) / 29);
    const asReported = 20000 / (100000 + (100000 * 14) / 29);
    expect(Math.abs(asReported - dietz) * 1e4).toBeGreaterThan(1);
    const results = compareVendors([month()], [firstHalf(), startOfDay], {
      ...scope,
      settings: (code: string) => settings({ flowTiming: code === 'admin' ? 'start_of_day' : 'end_of_day' }),
    });
    const returns = results.find((r) => r.kind === 'CROSS_VENDOR_RETURN');
    expect(returns?.status).toBe('PASSED');
    expect(Number(returns?.observed)).toBeCloseTo(dietz, 12);
    expect(returns?.explanation?.cause).toBe('FLOW_TIMING_DIFFERS');
    expect(returns?.explanation?.summary).toMatch(/admin counts the same flows at start of day/);
    const timing = returns?.explanation?.candidates.find((c) => c.cause === 'FLOW_TIMING_DIFFERS');
    expect(timing?.recomputed).toBeCloseTo(asReported, 12);
  });

  it('breaks when the flows truly differ, and names them', () => {
    // Same values; the administrator reports a contribution of 90,000, the custodian 100,000.
    const otherFlow = period({ ...secondHalf, flows: [flow('2024-02-16', '90000')] });
    const results = compareVendors([month()], [firstHalf(), otherFlow], scope);
    const returns = results.find((r) => r.kind === 'CROSS_VENDOR_RETURN');
    // (220,000 - 100,000 - 90,000) / (100,000 + 90,000 × 13/29) vs the custodian's month.
    const theirs = 30000 / (100000 + (90000 * 13) / 29);
    expect(returns?.status).toBe('FAILED');
    expect(Number(returns?.observed)).toBeCloseTo(theirs, 12);
    expect(returns?.explanation?.cause).toBe('FLOWS_DIFFER');
    expect(returns?.explanation?.summary).toMatch(/net flows: 100000\.00 vs 90000\.00/);
  });

  it('breaks when the same net flows fall on other dates', () => {
    const laterFlow = period({ ...secondHalf, flows: [flow('2024-02-20', '100000')] });
    const results = compareVendors([month()], [firstHalf(), laterFlow], scope);
    const returns = results.find((r) => r.kind === 'CROSS_VENDOR_RETURN');
    expect(returns?.status).toBe('FAILED');
    expect(returns?.explanation?.cause).toBe('FLOWS_DIFFER');
    expect(returns?.explanation?.summary).toMatch(/flow dates: 2024-02-16 100000 vs 2024-02-20 100000/);
  });

  it('compares both vendors net of fees, so one reporting gross and one net agree on the same money', () => {
    // One day, 100,000 → 100,500 after a 100 fee taken from the portfolio: net (100,500 / 100,000) - 1 = 0.5%;
    // gross adds the fee back: (100,600 / 100,000) - 1 = 0.6%. Each vendor's own stored figure is on its basis.
    const day = {
      periodStart: '2024-02-28',
      periodEnd: '2024-02-29',
      beginMarketValue: '100000',
      endMarketValue: '100500',
      fees: '100',
    };
    const gross = period({ ...day, vendorCode: 'admin', returnBasis: 'gross', calculatedReturn: '0.006' });
    const net = period({ ...day, returnBasis: 'net', calculatedReturn: '0.005' });
    const results = compareVendors([net], [gross], scope);
    const returns = results.find((r) => r.kind === 'CROSS_VENDOR_RETURN');
    expect(returns).toMatchObject({ status: 'PASSED', varianceBps: 0 });
    expect(Number(returns?.expected)).toBeCloseTo(0.005, 15);
  });

  it('names the value that differs', () => {
    const results = compareVendors([month('221000')], [firstHalf(), secondHalf], scope);
    const value = results.find((r) => r.kind === 'CROSS_VENDOR_MARKET_VALUE' && r.periodEnd === '2024-02-29');
    expect(value).toMatchObject({
      status: 'FAILED',
      expected: '221000',
      observed: '220000',
      varianceAmount: '-1000',
    });
    const returns = results.find((r) => r.kind === 'CROSS_VENDOR_RETURN');
    expect(returns?.explanation?.cause).toBe('MARKET_VALUE_DIFFERS');
    expect(returns?.explanation?.summary).toMatch(/end value on 2024-02-29: 221000 vs 220000/);
  });
});

describe('one account in one run', () => {
  it('checks only periods ending in range, uses neighbours, and resolves tolerances per account', () => {
    const series = monthly(['100', '101', '101', '102', '102', '103', '103', '104']);
    series.forEach((p) => {
      p.vendorReturn = '0.01';
      p.calculatedReturn = String(Number(p.endMarketValue) / Number(p.beginMarketValue) - 1);
    });
    const book = new ToleranceBook(
      [
        {
          accountId: 'ACC-1',
          vendorCode: '*',
          effectiveFrom: '2024-01-01',
          effectiveTo: null,
          returnBps: 5,
          marketValueAbs: null,
          marketValueRel: null,
        },
      ],
      () => ({}),
    );
    const results = reconcileAccount(
      'ACC-1',
      series,
      { from: '2024-02-29', to: '2024-03-31', vendorCodes: null, expectThrough: null },
      { tolerances: book, settings: () => settings() },
    );
    // Feb: 102/101 - 1 = 0.990 % vs 1 %: 0.99 bp. Mar: 103/102 - 1 = 0.980 %: 1.96 bp. Both within 5 bp.
    expect(
      results.filter((r) => r.kind === 'RETURN').map((r) => [r.periodEnd, r.status, r.tolerance.returnBps]),
    ).toEqual([
      ['2024-02-29', 'PASSED', 5],
      ['2024-03-31', 'PASSED', 5],
    ]);
    // Continuity of Feb (with Jan), Mar (with Feb) and Apr (with Mar, a neighbour pair).
    expect(results.filter((r) => r.kind === 'CONTINUITY').map((r) => r.periodEnd)).toEqual([
      '2024-02-29',
      '2024-03-31',
      '2024-04-30',
    ]);
  });
});
