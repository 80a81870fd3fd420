// Period returns: the one formula and its conventions, every undefined case, the fee basis,
// large flows, and dates that are dates (a period across a daylight-saving change).
import { afterEach, describe, expect, it } from 'vitest';
import {
  CALCULATION_VERSION,
  DEFAULT_CONVENTIONS,
  type FlowInput,
  type PeriodInput,
  type PeriodReturn,
  periodReturn,
  UNDEFINED_REASONS,
  type UndefinedReason,
} from '../../src/calculate/index.ts';
import { InvalidInputError } from '../../src/domain/errors.ts';

function period(overrides: Partial<PeriodInput> = {}): PeriodInput {
  return {
    periodStart: '2024-03-31',
    periodEnd: '2024-04-30',
    beginMarketValue: 1000,
    endMarketValue: 1050,
    flows: [],
    fees: null,
    ...overrides,
  };
}

const flow = (date: string, amount: number, timing: FlowInput['timing'] = 'end_of_day'): FlowInput => ({
  date,
  amount,
  timing,
});
const codes = (result: PeriodReturn) => result.warnings.map((warning) => warning.code);

function expectUndefined(result: PeriodReturn, reason: UndefinedReason): void {
  expect(result.value).toBeNull();
  expect(result.undefinedReason).toBe(reason);
  expect(result.detail).toEqual(expect.any(String));
  expect((result.detail as string).length).toBeGreaterThan(40);
}

describe('one-day periods are the true daily return (SPEC §3)', () => {
  const day = (flows: FlowInput[]) =>
    periodReturn(
      period({
        periodStart: '2024-05-01',
        periodEnd: '2024-05-02',
        beginMarketValue: 1000,
        endMarketValue: 1120,
        flows,
      }),
    );

  it('end of day: (EMV - F) / BMV - 1', () => {
    const result = day([flow('2024-05-02', 100)]);
    expect(result.method).toBe('true_daily');
    expect(result.value).toBeCloseTo((1120 - 100) / 1000 - 1, 15);
  });

  it('start of day: EMV / (BMV + F) - 1', () => {
    expect(day([flow('2024-05-02', 100, 'start_of_day')]).value).toBeCloseTo(1120 / (1000 + 100) - 1, 15);
  });

  it('mixed, contributions at the start and withdrawals at the end: (EMV - F_out) / (BMV + F_in) - 1', () => {
    const result = day([flow('2024-05-02', 300, 'start_of_day'), flow('2024-05-02', -150)]);
    expect(result.value).toBeCloseTo((1120 - -150) / (1000 + 300) - 1, 15);
  });

  it('the timing alone moves a day with a large flow by more than 100 bp', () => {
    const big = (timing: FlowInput['timing']) =>
      periodReturn(
        period({
          periodStart: '2024-05-01',
          periodEnd: '2024-05-02',
          beginMarketValue: 1000,
          endMarketValue: 2030,
          flows: [flow('2024-05-02', 1000, timing)],
        }),
      ).value as number;
    expect(big('end_of_day')).toBeCloseTo(0.03, 15);
    expect(big('start_of_day')).toBeCloseTo(0.015, 15);
    expect(big('end_of_day') - big('start_of_day')).toBeGreaterThan(0.01);
  });
});

describe('Modified Dietz weights', () => {
  // 2024-03-31 → 2024-04-30: CD = 30.
  it('a flow on the period end at the end of the day weighs 0', () => {
    const result = periodReturn(period({ flows: [flow('2024-04-30', 200)], endMarketValue: 1250 }));
    expect(result.value).toBeCloseTo((1250 - 1000 - 200) / 1000, 15);
  });

  it('a start-of-day flow on the period end weighs 1/CD', () => {
    const result = periodReturn(
      period({ flows: [flow('2024-04-30', 60, 'start_of_day')], endMarketValue: 1120 }),
    );
    expect(result.value).toBeCloseTo((1120 - 1000 - 60) / (1000 + 60 / 30), 15);
  });

  it('a start-of-day flow on the first day weighs 1 (D_i - 1 = 0)', () => {
    const result = periodReturn(
      period({ flows: [flow('2024-04-01', 60, 'start_of_day')], endMarketValue: 1120 }),
    );
    expect(result.value).toBeCloseTo((1120 - 1000 - 60) / (1000 + 60), 15);
  });

  it('an end-of-day flow on day D weighs (CD - D)/CD, a start-of-day one (CD - D + 1)/CD', () => {
    const end = periodReturn(period({ flows: [flow('2024-04-10', 60)], endMarketValue: 1120 }));
    const start = periodReturn(
      period({ flows: [flow('2024-04-10', 60, 'start_of_day')], endMarketValue: 1120 }),
    );
    expect(end.value).toBeCloseTo(60 / (1000 + (20 / 30) * 60), 15);
    expect(start.value).toBeCloseTo(60 / (1000 + (21 / 30) * 60), 15);
  });

  it('takes flows in any order', () => {
    const flows = [flow('2024-04-20', -30), flow('2024-04-05', 40), flow('2024-04-12', 25, 'start_of_day')];
    const sorted = [...flows].sort((a, b) => a.date.localeCompare(b.date));
    expect(periodReturn(period({ flows })).value).toBe(periodReturn(period({ flows: sorted })).value);
  });

  it('a period with no flows is EMV / BMV - 1, labelled modified_dietz when longer than a day', () => {
    const result = periodReturn(period());
    expect(result.value).toBeCloseTo(0.05, 15);
    expect(result.method).toBe('modified_dietz');
  });
});

describe('every undefined case has a reason and a sentence, never NaN, Infinity or a silent 0', () => {
  it('INVALID_PERIOD: end equal to start, end before start, or not a calendar date', () => {
    expectUndefined(periodReturn(period({ periodEnd: '2024-03-31' })), 'INVALID_PERIOD');
    expectUndefined(periodReturn(period({ periodEnd: '2024-03-01' })), 'INVALID_PERIOD');
    expectUndefined(
      periodReturn(period({ periodEnd: '2023-02-29', periodStart: '2023-01-31' })),
      'INVALID_PERIOD',
    );
    expectUndefined(periodReturn(period({ periodStart: '31/03/2024' })), 'INVALID_PERIOD');
  });

  it('INVALID_AMOUNT: a market value or flow that is NaN or infinite', () => {
    expectUndefined(periodReturn(period({ beginMarketValue: Number.NaN })), 'INVALID_AMOUNT');
    expectUndefined(periodReturn(period({ endMarketValue: Number.POSITIVE_INFINITY })), 'INVALID_AMOUNT');
    expectUndefined(periodReturn(period({ flows: [flow('2024-04-10', Number.NaN)] })), 'INVALID_AMOUNT');
  });

  it('INVALID_FLOW: a flow date that is not a date, or an unknown timing', () => {
    expectUndefined(periodReturn(period({ flows: [flow('2024-04-31', 10)] })), 'INVALID_FLOW');
    const mixed = { date: '2024-04-10', amount: 10, timing: 'mixed' } as unknown as FlowInput;
    expectUndefined(periodReturn(period({ flows: [mixed] })), 'INVALID_FLOW');
  });

  it('FLOW_OUTSIDE_PERIOD: a flow on the period start (already in BMV) or after the period end', () => {
    expectUndefined(periodReturn(period({ flows: [flow('2024-03-31', 10)] })), 'FLOW_OUTSIDE_PERIOD');
    expectUndefined(periodReturn(period({ flows: [flow('2024-05-01', 10)] })), 'FLOW_OUTSIDE_PERIOD');
  });

  it('FEES_REQUIRED_FOR_GROSS: a gross return without fees', () => {
    expectUndefined(periodReturn(period({ fees: null }), { basis: 'gross' }), 'FEES_REQUIRED_FOR_GROSS');
  });

  it('INVALID_AMOUNT: negative or non-finite fees for a gross return (net ignores fees)', () => {
    expectUndefined(periodReturn(period({ fees: -5 }), { basis: 'gross' }), 'INVALID_AMOUNT');
    expectUndefined(periodReturn(period({ fees: Number.NaN }), { basis: 'gross' }), 'INVALID_AMOUNT');
    expect(periodReturn(period({ fees: -5 }), { basis: 'net' }).value).toBeCloseTo(0.05, 15);
  });

  it('NO_INVESTED_CAPITAL: nothing at the start and no flows (even if a value appears)', () => {
    expectUndefined(periodReturn(period({ beginMarketValue: 0, endMarketValue: 0 })), 'NO_INVESTED_CAPITAL');
    expectUndefined(periodReturn(period({ beginMarketValue: 0, endMarketValue: 25 })), 'NO_INVESTED_CAPITAL');
  });

  it('FLOW_ONLY_INCEPTION_END_OF_DAY: the first money arrives at the end of the last day', () => {
    const inception = period({
      periodStart: '2024-04-29',
      periodEnd: '2024-04-30',
      beginMarketValue: 0,
      endMarketValue: 5000,
      flows: [flow('2024-04-30', 5000)],
    });
    expectUndefined(periodReturn(inception), 'FLOW_ONLY_INCEPTION_END_OF_DAY');
    // The same inception with the vendor counting flows at the start of the day is defined.
    const startOfDay = periodReturn({
      ...inception,
      flows: [flow('2024-04-30', 5000, 'start_of_day')],
      endMarketValue: 5050,
    });
    expect(startOfDay.value).toBeCloseTo(5050 / 5000 - 1, 15);
  });

  it('ZERO_OR_NEGATIVE_DENOMINATOR: everything withdrawn before any market exposure', () => {
    const result = periodReturn(
      period({ flows: [flow('2024-04-01', -1000, 'start_of_day')], endMarketValue: 0 }),
    );
    expectUndefined(result, 'ZERO_OR_NEGATIVE_DENOMINATOR');
  });

  it('ZERO_OR_NEGATIVE_DENOMINATOR: a negative begin market value without enough inflow', () => {
    const result = periodReturn(period({ beginMarketValue: -100, endMarketValue: 50 }));
    expectUndefined(result, 'ZERO_OR_NEGATIVE_DENOMINATOR');
    expect(codes(result)).toContain('NEGATIVE_MARKET_VALUE');
  });

  it('ZERO_OR_NEGATIVE_DENOMINATOR: decimal amounts that cancel to zero (0.3 - 0.1 - 0.2) are not a tiny capital', () => {
    // In binary 0.3 - 0.1 - 0.2 is -2.8e-17, not 0: without a noise floor this would be a huge "return".
    for (const order of [
      [-0.1, -0.2],
      [-0.2, -0.1],
    ]) {
      const result = periodReturn(
        period({
          beginMarketValue: 0.3,
          endMarketValue: 0,
          flows: order.map((amount) => flow('2024-04-01', amount, 'start_of_day')),
        }),
      );
      expectUndefined(result, 'ZERO_OR_NEGATIVE_DENOMINATOR');
    }
  });

  it('a small capital left after a large withdrawal is still a capital, not noise', () => {
    // 1e9 less a withdrawal of 1e9 - 100 at the start of the first day leaves 100 at work: 1% on it.
    const result = periodReturn(
      period({
        beginMarketValue: 1e9,
        endMarketValue: 101,
        flows: [flow('2024-04-01', -(1e9 - 100), 'start_of_day')],
      }),
    );
    expect(result.value).toBeCloseTo(0.01, 12);
  });

  it('never returns Infinity for a vanishing begin value: the return is undefined instead', () => {
    const result = periodReturn(period({ beginMarketValue: 5e-324, endMarketValue: 0.01 }));
    expectUndefined(result, 'ZERO_OR_NEGATIVE_DENOMINATOR');
  });

  it('accepts a period given without a flows list', () => {
    const { flows: _omitted, ...withoutFlows } = period();
    expect(periodReturn(withoutFlows as PeriodInput).value).toBeCloseTo(0.05, 15);
  });

  it('a full withdrawal still has a return: the value before it counts', () => {
    // Everything (1,060) withdrawn at the end of the last day: (0 - -1060) / 1000 - 1 = 6%.
    expect(periodReturn(period({ endMarketValue: 0, flows: [flow('2024-04-30', -1060)] })).value).toBeCloseTo(
      0.06,
      15,
    );
    // Withdrawn mid-period: Modified Dietz over the capital while it was there.
    const mid = periodReturn(period({ endMarketValue: 0, flows: [flow('2024-04-15', -1020)] }));
    expect(mid.value).toBeCloseTo(20 / (1000 - (15 / 30) * 1020), 14);
  });

  it('has a general sentence for every code', () => {
    for (const sentence of Object.values(UNDEFINED_REASONS)) expect(sentence).toMatch(/\.$/);
  });
});

describe('gross and net of fees', () => {
  const withFees = period({ endMarketValue: 1040, fees: 10 });

  it('net uses the market values as reported', () => {
    const result = periodReturn(withFees, { basis: 'net' });
    expect(result.value).toBeCloseTo(0.04, 15);
    expect(result.basis).toBe('net');
  });

  it('gross adds the fees back to the end market value', () => {
    const result = periodReturn(withFees, { basis: 'gross' });
    expect(result.value).toBeCloseTo(0.05, 15);
    expect(result.basis).toBe('gross');
    expect(result.conventions).toEqual({ basis: 'gross', largeFlowThreshold: 0.1 });
  });

  it('gross with flows: the fees weigh 0 like a withdrawal at the end of the last day', () => {
    const flows = [flow('2024-04-10', 100)];
    const result = periodReturn(period({ endMarketValue: 1140, fees: 12, flows }), { basis: 'gross' });
    expect(result.value).toBeCloseTo((1140 + 12 - 1000 - 100) / (1000 + (20 / 30) * 100), 14);
  });

  it('gross on a split period adds the fees back in the last part', () => {
    const split = period({
      endMarketValue: 1700,
      fees: 20,
      flows: [flow('2024-04-10', 600)],
      valuations: [{ date: '2024-04-10', marketValue: 1610 }],
    });
    const result = periodReturn(split, { basis: 'gross' });
    expect(result.method).toBe('linked_split');
    expect(result.value).toBeCloseTo((1010 / 1000) * ((1700 + 20) / 1610) - 1, 14);
  });

  it('defaults to the net basis and the 10% threshold', () => {
    expect(DEFAULT_CONVENTIONS).toEqual({ basis: 'net', largeFlowThreshold: 0.1 });
    expect(periodReturn(withFees).basis).toBe('net');
  });

  it('rejects conventions that cannot be meant', () => {
    expect(() => periodReturn(period(), { largeFlowThreshold: -0.1 })).toThrow(InvalidInputError);
    expect(() => periodReturn(period(), { largeFlowThreshold: Number.NaN })).toThrow(InvalidInputError);
    expect(() => periodReturn(period(), { basis: 'total' as 'net' })).toThrow(/basis/);
  });
});

describe('large external cash flows', () => {
  // BMV 1000, a contribution of 500 at the end of 2024-04-10 (50%).
  const large = (extra: Partial<PeriodInput> = {}) =>
    period({ endMarketValue: 1600, flows: [flow('2024-04-10', 500)], ...extra });

  it('splits at a valuation on the flow date and links the parts (GIPS)', () => {
    const result = periodReturn(large({ valuations: [{ date: '2024-04-10', marketValue: 1530 }] }));
    expect(result.method).toBe('linked_split');
    // (1530 - 500)/1000 × 1600/1530
    expect(result.value).toBeCloseTo((1030 / 1000) * (1600 / 1530) - 1, 14);
    expect(result.warnings).toEqual([]);
  });

  it('without a valuation keeps Modified Dietz and warns LARGE_FLOW_NO_VALUATION', () => {
    const result = periodReturn(large({ valuations: [{ date: '2024-04-11', marketValue: 1530 }] }));
    expect(result.method).toBe('modified_dietz');
    expect(result.value).toBeCloseTo(100 / (1000 + (20 / 30) * 500), 14);
    expect(codes(result)).toEqual(['LARGE_FLOW_NO_VALUATION']);
    expect(result.warnings[0]?.message).toMatch(/2024-04-10/);
  });

  it('writes the threshold and amounts readably in the warning', () => {
    const result = periodReturn(period({ flows: [flow('2024-04-10', 80.1), flow('2024-04-10', 0.2)] }), {
      largeFlowThreshold: 0.07,
    });
    expect(result.warnings[0]?.message).toMatch(
      /flow of 80.3 on 2024-04-10 is above 7% of the begin market value 1000,/,
    );
  });

  it('the threshold is a per-vendor convention: 60% makes the same flow small', () => {
    const result = periodReturn(large(), { largeFlowThreshold: 0.6 });
    expect(result.warnings).toEqual([]);
  });

  it('a flow of exactly the threshold is not above it', () => {
    expect(periodReturn(period({ flows: [flow('2024-04-10', 100)] })).warnings).toEqual([]);
    expect(codes(periodReturn(period({ flows: [flow('2024-04-10', 100.01)] })))).toEqual([
      'LARGE_FLOW_NO_VALUATION',
    ]);
  });

  it('judges a day net: +600 and -580 on the same day is a 2% flow', () => {
    expect(
      periodReturn(period({ flows: [flow('2024-04-10', 600), flow('2024-04-10', -580)] })).warnings,
    ).toEqual([]);
  });

  it('a start-of-day flow splits at the close of the day before', () => {
    const result = periodReturn(
      period({
        endMarketValue: 1600,
        flows: [flow('2024-04-10', 500, 'start_of_day')],
        valuations: [{ date: '2024-04-09', marketValue: 1020 }],
      }),
    );
    expect(result.method).toBe('linked_split');
    expect(result.value).toBeCloseTo((1020 / 1000) * (1600 / 1520) - 1, 14);
    expect(result.warnings).toEqual([]);
  });

  it('a start-of-day flow with only its own day valued splits there and says the split is after the flow', () => {
    const result = periodReturn(
      period({
        endMarketValue: 1600,
        flows: [flow('2024-04-10', 500, 'start_of_day')],
        valuations: [{ date: '2024-04-10', marketValue: 1530 }],
      }),
    );
    expect(result.method).toBe('linked_split');
    expect(codes(result)).toEqual(['LARGE_FLOW_SPLIT_AFTER_FLOW']);
    // Part 1 (10 days) holds the flow at the start of its last day: weight 1/10.
    expect(result.value).toBeCloseTo((1 + 30 / (1000 + 500 / 10)) * (1600 / 1530) - 1, 14);
  });

  it('flows already weighted exactly need no split and no warning', () => {
    expect(periodReturn(period({ endMarketValue: 1600, flows: [flow('2024-04-30', 500)] })).warnings).toEqual(
      [],
    );
    expect(
      periodReturn(period({ endMarketValue: 1600, flows: [flow('2024-04-01', 500, 'start_of_day')] }))
        .warnings,
    ).toEqual([]);
  });

  it('splits at several large flows, and warns only for the one without a valuation', () => {
    const result = periodReturn(
      period({
        endMarketValue: 2000,
        flows: [flow('2024-04-05', 400), flow('2024-04-12', 300), flow('2024-04-20', -200)],
        valuations: [
          { date: '2024-04-05', marketValue: 1410 },
          { date: '2024-04-20', marketValue: 1900 },
        ],
      }),
    );
    expect(result.method).toBe('linked_split');
    expect(codes(result)).toEqual(['LARGE_FLOW_NO_VALUATION']);
    // Parts: 03-31 → 04-05, 04-05 → 04-20 (the 300 on day 7 of 15 by Modified Dietz), 04-20 → 04-30.
    const part1 = (1410 - 400) / 1000 - 1;
    const part2 = (1900 - 1410 - 300 + 200) / (1410 + (8 / 15) * 300);
    const part3 = 2000 / 1900 - 1;
    expect(result.value).toBeCloseTo((1 + part1) * (1 + part2) * (1 + part3) - 1, 14);
  });

  it('does not split on two different valuations for one date, and says so', () => {
    const result = periodReturn(
      large({
        valuations: [
          { date: '2024-04-10', marketValue: 1530 },
          { date: '2024-04-10', marketValue: 1531 },
        ],
      }),
    );
    expect(result.method).toBe('modified_dietz');
    expect(codes(result).sort()).toEqual(['CONFLICTING_VALUATIONS', 'LARGE_FLOW_NO_VALUATION']);
  });

  it('with nothing at the start any flow is large', () => {
    const result = periodReturn(
      period({ beginMarketValue: 0, endMarketValue: 505, flows: [flow('2024-04-10', 500)] }),
    );
    expect(codes(result)).toEqual(['LARGE_FLOW_NO_VALUATION']);
    expect(result.value).toBeCloseTo(5 / ((20 / 30) * 500), 14);
  });

  it('an undefined part makes the split period undefined, naming the part', () => {
    const result = periodReturn(
      period({
        endMarketValue: 0,
        flows: [flow('2024-04-10', -1000, 'start_of_day')],
        valuations: [
          { date: '2024-04-09', marketValue: 1000 },
          { date: '2024-04-10', marketValue: 0 },
        ],
      }),
    );
    expectUndefined(result, 'ZERO_OR_NEGATIVE_DENOMINATOR');
    expect(result.method).toBe('linked_split');
    expect(result.detail).toMatch(/2024-04-09 → 2024-04-30/);
  });

  it('a negative valuation used for a split is flagged', () => {
    const result = periodReturn(large({ valuations: [{ date: '2024-04-10', marketValue: -5 }] }));
    expect(codes(result)).toContain('NEGATIVE_MARKET_VALUE');
  });
});

describe('warnings and lineage', () => {
  it('flags a negative market value but still computes', () => {
    const result = periodReturn(period({ beginMarketValue: 1000, endMarketValue: -20 }));
    expect(result.value).toBeCloseTo(-1.02, 14);
    expect(codes(result)).toEqual(['NEGATIVE_MARKET_VALUE']);
  });

  it('carries the calculation version', () => {
    expect(CALCULATION_VERSION).toMatch(/^twr-\d+\.\d+\.\d+$/);
    expect(periodReturn(period()).calculationVersion).toBe(CALCULATION_VERSION);
  });
});

describe('dates are dates: a period spanning a daylight-saving change', () => {
  const original = process.env.TZ;
  afterEach(() => {
    if (original === undefined) delete process.env.TZ;
    else process.env.TZ = original;
  });

  it.each([
    ['America/New_York', '2024-03-09', '2024-03-10', '2024-03-11'], // clocks forward: a 23-hour day
    ['Europe/Berlin', '2024-03-30', '2024-03-31', '2024-04-01'], // clocks forward
    ['Australia/Sydney', '2024-04-06', '2024-04-07', '2024-04-08'], // clocks back: a 25-hour day
    ['Europe/London', '2023-10-28', '2023-10-29', '2023-10-30'], // clocks back
  ])('in %s the two days %s → %s → %s are two days, and the flow weighs 1/2', (zone, start, change, end) => {
    process.env.TZ = zone;
    // The trap is real in this zone: local midnights around the change are not 48 hours apart.
    const [y1, m1, d1] = start.split('-').map(Number) as [number, number, number];
    const [y2, m2, d2] = end.split('-').map(Number) as [number, number, number];
    const localHours = (new Date(y2, m2 - 1, d2).getTime() - new Date(y1, m1 - 1, d1).getTime()) / 3_600_000;
    expect(localHours).not.toBe(48);

    const result = periodReturn({
      periodStart: start,
      periodEnd: end,
      beginMarketValue: 1000,
      endMarketValue: 1110,
      flows: [flow(change, 100)],
      fees: null,
    });
    expect(result.value).toBeCloseTo(10 / (1000 + 0.5 * 100), 15);
  });
});
