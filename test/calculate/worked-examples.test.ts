// Worked examples from public sources. Every expected value below is the source's own figure
// (with the source's rounding), never a value copied from this engine's output.
import { describe, expect, it } from 'vitest';
import {
  accountReturnReport,
  annualize,
  linkReturns,
  modifiedDietz,
  type PeriodInput,
  periodReturn,
} from '../../src/calculate/index.ts';
import { type FlowTiming, flowTimingFor, type VendorFlowTiming } from '../../src/domain/canonical.ts';
import { dayNumber } from '../../src/domain/civil-date.ts';

function period(
  periodStart: string,
  periodEnd: string,
  beginMarketValue: number,
  endMarketValue: number,
  flows: { date: string; amount: number; timing?: FlowTiming }[] = [],
  extra: Partial<PeriodInput> = {},
): PeriodInput {
  return {
    periodStart,
    periodEnd,
    beginMarketValue,
    endMarketValue,
    flows: flows.map((flow) => ({
      date: flow.date,
      amount: flow.amount,
      timing: flow.timing ?? 'end_of_day',
    })),
    fees: null,
    ...extra,
  };
}

const codes = (result: { warnings: { code: string }[] }) => result.warnings.map((warning) => warning.code);

describe('Wikipedia, "Modified Dietz method"', () => {
  it('worked example: $100 at the start of year 1, $50 in at the end of year 1, $300 at the end of year 2 → 120%', () => {
    // "gain or loss = 300 - 100 - 50 = 150; average capital = 100 + 1/2 × 50 = 125;
    //  modified Dietz return = 150 / 125 = 120%". Two non-leap years, the flow at the midpoint.
    const result = periodReturn(
      period('2013-12-31', '2015-12-31', 100, 300, [{ date: '2014-12-31', amount: 50 }]),
    );
    expect(result.value).toBeCloseTo(1.2, 12);
    expect(result.method).toBe('modified_dietz');
    // The flow is half the begin value and no valuation is given: GIPS would split here.
    expect(codes(result)).toContain('LARGE_FLOW_NO_VALUATION');
  });

  it('example without flows: 1,128,728 → 1,125,990 HKD gives -0.24% (2 d.p.)', () => {
    const result = periodReturn(period('2016-12-31', '2017-01-31', 1_128_728, 1_125_990));
    expect(result.value).not.toBeNull();
    expect(Math.round((result.value as number) * 10_000) / 100).toBe(-0.24);
  });
});

describe('SPEC §3: "a flow on day 15 of a 31-day month weighs 16/31"', () => {
  it('weights a 31-day month end of day at 16/31', () => {
    // 2024-02-29 → 2024-03-31 is 31 days; 2024-03-15 is day 15.
    const start = dayNumber('2024-02-29');
    const end = dayNumber('2024-03-31');
    const flow = { day: dayNumber('2024-03-15'), amount: 310, startOfDay: false };
    const outcome = modifiedDietz(start, end, 1000, 1400, [flow], 0, 1);
    expect(outcome.averageCapital).toBeCloseTo(1000 + (16 / 31) * 310, 10);
    expect(outcome.value).toBeCloseTo((1400 - 1000 - 310) / (1000 + 160), 14);
  });
});

describe('CFA Institute GIPS-style Modified Dietz (Bloomberg Exam Prep, CFA Level III, "GIPS Verification")', () => {
  // October composite: BMV 585.60, EMV 602.34; flows -15.05 (day 5), +19.82 (day 9),
  // +16.42 (day 15), -18.96 (day 24); w_i = (31 - D_i)/31; denominator ≈ 591.237; return ≈ 2.45%.
  const october = period('2023-09-30', '2023-10-31', 585.6, 602.34, [
    { date: '2023-10-05', amount: -15.05 },
    { date: '2023-10-09', amount: 19.82 },
    { date: '2023-10-15', amount: 16.42 },
    { date: '2023-10-24', amount: -18.96 },
  ]);

  it('gives 2.45%', () => {
    const result = periodReturn(october);
    expect(Math.round((result.value as number) * 10_000) / 100).toBe(2.45);
    expect(result.warnings).toEqual([]);
  });

  it('has the average capital ≈ 591.237', () => {
    const start = dayNumber('2023-09-30');
    const flows = october.flows.map((flow) => ({
      day: dayNumber(flow.date),
      amount: flow.amount,
      startOfDay: false,
    }));
    const outcome = modifiedDietz(start, dayNumber('2023-10-31'), 585.6, 602.34, flows, 0, flows.length);
    expect(outcome.averageCapital).toBeCloseTo(591.237, 3);
  });
});

describe('Fincyclopedia, "Modified Dietz Return – an Example"', () => {
  it('BMV 500, EMV 600, a flow of 60 on the 25th of a 30-day month → 7.84%', () => {
    // adjustment factor (30 - 25)/30; (600 - 500 - 60) / (500 + 10) = 7.84%
    const result = periodReturn(
      period('2023-05-31', '2023-06-30', 500, 600, [{ date: '2023-06-25', amount: 60 }]),
    );
    expect(Math.round((result.value as number) * 10_000) / 100).toBe(7.84);
  });
});

describe('Wikipedia, "Time-weighted return": linked internal rates of return', () => {
  it('4%, 9%, 5% and 11% over successive years link to 32.12%', () => {
    const result = linkReturns(
      [
        { periodStart: '2015-12-31', periodEnd: '2016-12-31', value: 0.04 },
        { periodStart: '2016-12-31', periodEnd: '2017-12-31', value: 0.09 },
        { periodStart: '2017-12-31', periodEnd: '2018-12-31', value: 0.05 },
        { periodStart: '2018-12-31', periodEnd: '2019-12-31', value: 0.11 },
      ],
      '2015-12-31',
      '2019-12-31',
    );
    expect(Math.round((result.cumulativeReturn as number) * 10_000) / 100).toBe(32.12);
  });
});

describe('Investopedia, "Time-Weighted Rate of Return" example (as quoted on Scribd, doc 547143246)', () => {
  // $1,000,000 on Dec 31; $1,162,484 on Aug 15, when $100,000 is added; $1,192,328 at year end.
  // Sub-period returns 16.25% and -5.56%; time-weighted return 9.79%.
  const year = period(
    '2019-12-31',
    '2020-12-31',
    1_000_000,
    1_192_328,
    [{ date: '2020-08-15', amount: 100_000 }],
    {
      // The close of Aug 15 includes that day's end-of-day contribution.
      valuations: [{ date: '2020-08-15', marketValue: 1_262_484 }],
    },
  );

  it('splits at the valuation when the flow is a large one (threshold 5%) and links 16.25% and -5.56% to 9.79%', () => {
    const result = periodReturn(year, { largeFlowThreshold: 0.05 });
    expect(result.method).toBe('linked_split');
    expect(Math.round((result.value as number) * 10_000) / 100).toBe(9.79);
    const parts = linkReturns(
      [
        {
          periodStart: '2019-12-31',
          periodEnd: '2020-08-15',
          value: periodReturn(
            period('2019-12-31', '2020-08-15', 1_000_000, 1_262_484, [
              { date: '2020-08-15', amount: 100_000 },
            ]),
          ).value,
        },
        {
          periodStart: '2020-08-15',
          periodEnd: '2020-12-31',
          value: periodReturn(period('2020-08-15', '2020-12-31', 1_262_484, 1_192_328)).value,
        },
      ],
      '2019-12-31',
      '2020-12-31',
    );
    expect(parts.cumulativeReturn).toBeCloseTo(result.value as number, 14);
  });

  it('keeps Modified Dietz under the default 10% threshold (the flow is exactly 10%, not above it)', () => {
    const result = periodReturn(year);
    expect(result.method).toBe('modified_dietz');
    expect(result.warnings).toEqual([]);
    expect(Math.round((result.value as number) * 10_000) / 100).not.toBe(9.79);
  });
});

describe('CFA Level I time-weighted return question (AnalystForum, "Geometric return")', () => {
  // Quarterly values 2.0 → 2.4, 2.4 → 2.6, 2.6 → 3.2, 3.2 → 4.1 with flows of 0.2, 0.4, -0.2, 1.0
  // at the beginning of each quarter: 2.4/2.2, 2.6/2.8, 3.2/2.4, 4.1/4.2 → 31.85%.
  const quarters = [
    period('2022-12-31', '2023-03-31', 2.0, 2.4, [
      { date: '2023-01-01', amount: 0.2, timing: 'start_of_day' },
    ]),
    period('2023-03-31', '2023-06-30', 2.4, 2.6, [
      { date: '2023-04-01', amount: 0.4, timing: 'start_of_day' },
    ]),
    period('2023-06-30', '2023-09-30', 2.6, 3.2, [
      { date: '2023-07-01', amount: -0.2, timing: 'start_of_day' },
    ]),
    period('2023-09-30', '2023-12-31', 3.2, 4.1, [
      { date: '2023-10-01', amount: 1.0, timing: 'start_of_day' },
    ]),
  ];

  it('gives the quarterly growth factors 1.0909, 0.9286, 1.3333, 0.9762 (start-of-day flows weigh 1)', () => {
    const factors = quarters.map(
      (quarter) => Math.round((1 + (periodReturn(quarter).value as number)) * 10_000) / 10_000,
    );
    expect(factors).toEqual([1.0909, 0.9286, 1.3333, 0.9762]);
    // A flow at the start of the first day is exact: no large-flow warning even at 31%.
    for (const quarter of quarters) expect(periodReturn(quarter).warnings).toEqual([]);
  });

  it('links to 31.85%', () => {
    const report = accountReturnReport('CFA-L1', quarters, '2022-12-31', '2023-12-31');
    expect(Math.round((report.cumulative_return as number) * 10_000) / 100).toBe(31.85);
    expect(report.annualized_return).toBeNull();
  });
});

describe('Jones & Jensen, "Investments: Analysis and Management", 13th ed. (as quoted by SolutionInn)', () => {
  // $500,000 → $545,000 in year 1 (9%); $55,000 added at the beginning of year 2; $630,000 at the
  // end of year 2 (5%). TWR 14.45%; annualized (1.1445)^(1/2) - 1 = 6.98%.
  const years = [
    period('2013-12-31', '2014-12-31', 500_000, 545_000),
    period('2014-12-31', '2015-12-31', 545_000, 630_000, [
      { date: '2015-01-01', amount: 55_000, timing: 'start_of_day' },
    ]),
  ];

  it('gives 9% and 5%, linked 14.45%, annualized 6.98% over two non-leap years', () => {
    expect(periodReturn(years[0] as PeriodInput).value).toBeCloseTo(0.09, 14);
    expect(periodReturn(years[1] as PeriodInput).value).toBeCloseTo(0.05, 14);
    const report = accountReturnReport('JJ', years, '2013-12-31', '2015-12-31');
    expect(Math.round((report.cumulative_return as number) * 10_000) / 100).toBe(14.45);
    expect(Math.round((report.annualized_return as number) * 10_000) / 100).toBe(6.98);
    expect(report.days).toBe(730);
  });

  it('annualizes the same span over 365.25-day years by the formula (1 + R)^(365.25/730) - 1', () => {
    const annualized = annualize(0.1445, '2013-12-31', '2015-12-31', 365.25) as number;
    expect((1 + annualized) ** (730 / 365.25)).toBeCloseTo(1.1445, 12);
    expect(annualized).not.toBeCloseTo(annualize(0.1445, '2013-12-31', '2015-12-31') as number, 6);
  });
});

describe('HomeworkSource, "Wally invests 5800 dollars in a mutual fund" (time-weighted return)', () => {
  it('gives -31.034%, 46.30%, 17.19% and 18.24% linked', () => {
    const periods = [
      period('2022-12-31', '2023-05-31', 5800, 4000),
      period('2023-05-31', '2023-08-31', 4000, 7900, [
        { date: '2023-06-01', amount: 1400, timing: 'start_of_day' },
      ]),
      period('2023-08-31', '2023-12-31', 7900, 7500, [
        { date: '2023-09-01', amount: -1500, timing: 'start_of_day' },
      ]),
    ];
    const returns = periods.map((p) => periodReturn(p).value as number);
    expect(Math.round((returns[0] as number) * 100_000) / 1000).toBe(-31.034);
    expect(Math.round((returns[1] as number) * 10_000) / 100).toBe(46.3);
    expect(Math.round((returns[2] as number) * 10_000) / 100).toBe(17.19);
    const report = accountReturnReport('WALLY', periods, '2022-12-31', '2023-12-31');
    expect(Math.round((report.cumulative_return as number) * 10_000) / 100).toBe(18.24);
  });
});

// Portfolio Performance, name.abuchen.portfolio.tests/.../snapshot/ClientIndexTest.java,
// createClient() "Excel sample": deposits, withdrawals, interest and fees from 2011-12-31 to
// 2012-01-08 (amounts in cents in the source). Interest and fees are performance, deposits and
// withdrawals are external flows. The closes below follow from the transactions:
const ppCloses: [string, number][] = [
  ['2011-12-31', 10000], // deposit 10,000
  ['2012-01-01', 10230], // interest 230
  ['2012-01-02', 10630], // deposit 200, interest 200
  ['2012-01-03', 9995.59], // withdrawal 400, fees 234.41
  ['2012-01-04', 10289.58], // interest 293.99
  ['2012-01-05', 10583.57], // interest 293.99
  ['2012-01-06', 16179.56], // deposit 5,400, interest 195.99
  ['2012-01-07', 11600.0], // withdrawal 3,697.04, fees 882.52
  ['2012-01-08', 10596.15], // fees 1,003.85
];
const ppFlows: Record<string, number> = {
  '2012-01-02': 200,
  '2012-01-03': -400,
  '2012-01-06': 5400,
  '2012-01-07': -3697.04,
};

function ppDailyPeriods(setting: VendorFlowTiming): PeriodInput[] {
  const periods: PeriodInput[] = [];
  for (let index = 1; index < ppCloses.length; index++) {
    const [start, begin] = ppCloses[index - 1] as [string, number];
    const [end, close] = ppCloses[index] as [string, number];
    const amount = ppFlows[end];
    const flows = amount === undefined ? [] : [{ date: end, amount, timing: flowTimingFor(setting, amount) }];
    periods.push({
      periodStart: start,
      periodEnd: end,
      beginMarketValue: begin,
      endMarketValue: close,
      flows,
      fees: null,
    });
  }
  return periods;
}

describe('Portfolio Performance ClientIndexTest "Excel sample" (9 days, 2011-12-31 → 2012-01-08)', () => {
  it('mixed timing (deposits start of day, withdrawals end of day, PP today) gives -5.62% (-0.056182678)', () => {
    const daily = ppDailyPeriods('mixed').map((p) => periodReturn(p));
    // testExcelSample: delta[1..8] and accumulated[8], PRECISION 1e-6
    const expectedDeltas = [
      0.023, 0.019175455, -0.0220517, 0.0294117647, 0.0285714286, 0.012261967, -0.0545454545, -0.0865384615,
    ];
    daily.forEach((result, index) => {
      expect(result.method).toBe('true_daily');
      expect(Math.abs((result.value as number) - (expectedDeltas[index] as number))).toBeLessThan(1e-6);
    });
    const report = accountReturnReport('PP', ppDailyPeriods('mixed'), '2011-12-31', '2012-01-08');
    expect(Math.abs((report.cumulative_return as number) - -0.056182678)).toBeLessThan(1e-6);
    expect(report.periods).toBe(8);
  });

  it('all end of day (the earlier ClientIndexTest, accumulated 0.023 … 0.10, 0.04, -0.05) gives -5.00%', () => {
    const expectedAccumulated = [0.023, 0.043, 0.02, 0.05, 0.08, 0.1, 0.04, -0.05];
    const periods = ppDailyPeriods('end_of_day');
    expectedAccumulated.forEach((expected, index) => {
      const upTo = periods[index] as PeriodInput;
      const linked = linkReturns(
        periods.slice(0, index + 1).map((p) => ({ ...p, value: periodReturn(p).value })),
        '2011-12-31',
        upTo.periodEnd,
      );
      expect(Math.abs((linked.cumulativeReturn as number) - expected)).toBeLessThan(1e-6);
    });
  });

  it('all start of day gives -7.31%', () => {
    const report = accountReturnReport('PP', ppDailyPeriods('start_of_day'), '2011-12-31', '2012-01-08');
    expect(Math.round((report.cumulative_return as number) * 10_000) / 100).toBe(-7.31);
  });

  it('weekly aggregation: the second week 2012-01-01 → 2012-01-08 links to -0.077402422 (testExcelSampleAggregatedWeekly)', () => {
    const periods = ppDailyPeriods('mixed');
    const linked = linkReturns(
      periods.map((p) => ({ ...p, value: periodReturn(p).value })),
      '2012-01-01',
      '2012-01-08',
    );
    expect(Math.abs((linked.cumulativeReturn as number) - -0.077402422)).toBeLessThan(1e-6);
  });

  it('one record over the 8 days with the daily closes as valuations, split at every flow, is the same -5.62%', () => {
    const record: PeriodInput = {
      periodStart: '2011-12-31',
      periodEnd: '2012-01-08',
      beginMarketValue: 10000,
      endMarketValue: 10596.15,
      flows: Object.entries(ppFlows).map(([date, amount]) => ({
        date,
        amount,
        timing: flowTimingFor('mixed', amount),
      })),
      fees: null,
      valuations: ppCloses.slice(1, -1).map(([date, marketValue]) => ({ date, marketValue })),
    };
    const result = periodReturn(record, { largeFlowThreshold: 0 });
    expect(result.method).toBe('linked_split');
    expect(Math.abs((result.value as number) - -0.056182678)).toBeLessThan(1e-6);
  });
});

describe('Portfolio Performance ClientIndexTest.testThatDepositsOnTheLastDayArePerformanceNeutral', () => {
  // Deposit 10,000 on 2012-01-01, interest 1,000 on 01-02, deposit 10,000 on 01-10: accumulated 10%.
  const valuations = ['02', '03', '04', '05', '06', '07', '08', '09'].map((day) => ({
    date: `2012-01-${day}`,
    marketValue: 11000,
  }));

  it('PP counts the deposit at the start of the last day: split at the close of 01-09 gives 10%', () => {
    const result = periodReturn(
      period(
        '2012-01-01',
        '2012-01-10',
        10000,
        21000,
        [{ date: '2012-01-10', amount: 10000, timing: 'start_of_day' }],
        {
          valuations,
        },
      ),
    );
    expect(result.method).toBe('linked_split');
    expect(result.value).toBeCloseTo(0.1, 14);
  });

  it('without valuations Modified Dietz weighs that deposit 1/9 and warns that it is an approximation', () => {
    const result = periodReturn(
      period('2012-01-01', '2012-01-10', 10000, 21000, [
        { date: '2012-01-10', amount: 10000, timing: 'start_of_day' },
      ]),
    );
    expect(result.method).toBe('modified_dietz');
    expect(result.value).not.toBeCloseTo(0.1, 3);
    expect(codes(result)).toEqual(['LARGE_FLOW_NO_VALUATION']);
  });

  it('at the end of the last day the deposit weighs 0 and Modified Dietz is already exact: 10%, no warning', () => {
    const result = periodReturn(
      period('2012-01-01', '2012-01-10', 10000, 21000, [{ date: '2012-01-10', amount: 10000 }]),
    );
    expect(result.value).toBeCloseTo(0.1, 14);
    expect(result.warnings).toEqual([]);
  });
});
