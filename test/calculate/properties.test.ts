// Property-based proof of the numeric policy (src/calculate/numeric.ts): on random valid
// inputs the engine agrees with the exact BigInt rational reference (reference.ts) to 1e-12
// relative to 1 + R, decided exactly; linking is associative; and a period split at
// valuations equals the true daily time-weighted return.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  annualize,
  cumulativeSeries,
  type DatedReturn,
  type FlowInput,
  linkReturns,
  type PeriodInput,
  periodReturn,
} from '../../src/calculate/index.ts';
import {
  abs,
  add,
  agrees,
  approximate,
  compare,
  exact,
  mul,
  type Rational,
  type ReferenceDay,
  type ReferencePeriod,
  rational,
  referenceAverageCapital,
  referenceLink,
  referenceModifiedDietz,
  referenceSplit,
  referenceTrueDaily,
  sub,
  weight,
} from './reference.ts';

const RUNS = 1500;
const MS_PER_DAY = 86_400_000;
const iso = (day: number) => new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
const FIRST_DAY = Date.UTC(1990, 0, 1) / MS_PER_DAY;
const LAST_DAY = Date.UTC(2040, 11, 31) / MS_PER_DAY;

const cents = (max: number) => fc.integer({ min: -max, max }).map((c) => c / 100);
const amount = fc.oneof(
  cents(1e13),
  cents(1e6),
  fc.double({ min: -1e9, max: 1e9, noNaN: true, noDefaultInfinity: true }),
);
const positive = fc.oneof(
  fc.integer({ min: 1, max: 1e13 }).map((c) => c / 100),
  fc.double({ min: 1e-2, max: 1e12, noNaN: true, noDefaultInfinity: true }),
);
const timing = fc.constantFrom<FlowInput['timing']>('end_of_day', 'start_of_day');

interface Case {
  input: PeriodInput;
  reference: ReferencePeriod;
  basis: 'gross' | 'net';
}

const periodCase: fc.Arbitrary<Case> = fc
  .record({
    start: fc.integer({ min: FIRST_DAY, max: LAST_DAY }),
    length: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 31 }), fc.integer({ min: 1, max: 800 })),
    begin: fc.oneof(
      { arbitrary: positive, weight: 6 },
      { arbitrary: amount, weight: 2 },
      { arbitrary: fc.constant(0), weight: 1 },
    ),
    end: fc.oneof(
      { arbitrary: positive, weight: 6 },
      { arbitrary: amount, weight: 2 },
      { arbitrary: fc.constant(0), weight: 1 },
    ),
    flows: fc.array(fc.record({ at: fc.nat(), amount, timing }), { maxLength: 8 }),
    fees: fc.option(
      fc.oneof(
        fc.integer({ min: 0, max: 1e9 }).map((c) => c / 100),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
      ),
      {
        nil: null,
      },
    ),
    basis: fc.constantFrom<'gross' | 'net'>('gross', 'net'),
  })
  .map(({ start, length, begin, end, flows, fees, basis }) => {
    const dated = flows.map((flow) => ({
      date: iso(start + 1 + (flow.at % length)),
      amount: flow.amount,
      timing: flow.timing,
    }));
    const input: PeriodInput = {
      periodStart: iso(start),
      periodEnd: iso(start + length),
      beginMarketValue: begin,
      endMarketValue: end,
      flows: dated,
      fees,
    };
    const reference: ReferencePeriod = {
      periodStart: input.periodStart,
      periodEnd: input.periodEnd,
      beginMarketValue: exact(begin),
      endMarketValue: exact(end),
      flows: dated.map((flow) => ({ ...flow, amount: exact(flow.amount) })),
      ...(basis === 'gross' && fees !== null ? { fees: exact(fees) } : {}),
    };
    return { input, reference, basis };
  });

const DENOMINATOR_REASONS = [
  'NO_INVESTED_CAPITAL',
  'FLOW_ONLY_INCEPTION_END_OF_DAY',
  'ZERO_OR_NEGATIVE_DENOMINATOR',
];

describe('period returns agree with the exact rational reference', () => {
  it('to 1e-12 relative to 1 + R on random periods, flows, fees and bases', () => {
    let defined = 0;
    fc.assert(
      fc.property(periodCase, ({ input, reference, basis }) => {
        const result = periodReturn(input, { basis });
        expect(result.basis).toBe(basis);
        if (basis === 'gross' && input.fees === null) {
          expect(result.undefinedReason).toBe('FEES_REQUIRED_FOR_GROSS');
          return;
        }
        const expected = referenceModifiedDietz(reference);
        if (expected === null) {
          expect(result.value).toBeNull();
          expect(DENOMINATOR_REASONS).toContain(result.undefinedReason);
          return;
        }
        if (result.value === null) {
          // Only an average capital indistinguishable from zero may be refused.
          expect(result.undefinedReason).toBe('ZERO_OR_NEGATIVE_DENOMINATOR');
          let magnitude = add(
            abs(reference.beginMarketValue),
            add(abs(reference.beginMarketValue), abs(reference.endMarketValue)),
          );
          if (reference.fees !== undefined) magnitude = add(magnitude, reference.fees);
          for (const flow of reference.flows) {
            magnitude = add(magnitude, add(abs(flow.amount), abs(mul(weight(reference, flow), flow.amount))));
          }
          expect(
            compare(abs(referenceAverageCapital(reference)), mul(rational(1n, 1n << 44n), magnitude)),
          ).toBeLessThanOrEqual(0);
          return;
        }
        defined++;
        expect(Number.isFinite(result.value)).toBe(true);
        if (!agrees(result.value, expected)) {
          throw new Error(`engine ${result.value} vs exact ${approximate(expected)}`);
        }
      }),
      { numRuns: RUNS },
    );
    // The property must mostly exercise defined returns to mean something.
    expect(defined).toBeGreaterThan(RUNS / 2);
  });

  it('keeps the digits of a small gain on a large portfolio: relative to R itself, not only to 1 + R', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: FIRST_DAY, max: LAST_DAY }),
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 1e10, max: 1e14 }).map((c) => c / 100),
        fc.array(fc.record({ at: fc.nat(), amount: cents(1e12), timing }), { maxLength: 6 }),
        fc
          .integer({ min: -10_000, max: 10_000 })
          .filter((c) => c !== 0)
          .map((c) => c / 100),
        (start, length, begin, flows, gain) => {
          const dated = flows.map((flow) => ({
            date: iso(start + 1 + (flow.at % length)),
            amount: flow.amount,
            timing: flow.timing,
          }));
          const end = begin + dated.reduce((sum, flow) => sum + flow.amount, 0) + gain;
          const reference: ReferencePeriod = {
            periodStart: iso(start),
            periodEnd: iso(start + length),
            beginMarketValue: exact(begin),
            endMarketValue: exact(end),
            flows: dated.map((flow) => ({ ...flow, amount: exact(flow.amount) })),
          };
          const expected = referenceModifiedDietz(reference);
          fc.pre(
            expected !== null &&
              expected.n !== 0n &&
              compare(referenceAverageCapital(reference), exact(begin / 4)) > 0,
          );
          const result = periodReturn({
            ...reference,
            beginMarketValue: begin,
            endMarketValue: end,
            flows: dated,
            fees: null,
          });
          const error = abs(sub(exact(result.value as number), expected as Rational));
          expect(
            compare(error, mul(rational(1n, 10n ** 12n), abs(expected as Rational))),
          ).toBeLessThanOrEqual(0);
        },
      ),
      { numRuns: 500 },
    );
  });
});

// ---- Linking ----

const consecutive = fc
  .record({
    start: fc.integer({ min: FIRST_DAY, max: LAST_DAY }),
    parts: fc.array(
      fc.record({
        length: fc.integer({ min: 1, max: 40 }),
        value: fc.oneof(
          fc.double({ min: -0.99, max: 3, noNaN: true }),
          fc.double({ min: -1e-3, max: 1e-3, noNaN: true }),
        ),
      }),
      { minLength: 1, maxLength: 60 },
    ),
  })
  .map(({ start, parts }) => {
    const returns: DatedReturn[] = [];
    let day = start;
    for (const part of parts) {
      returns.push({ periodStart: iso(day), periodEnd: iso(day + part.length), value: part.value + 0 });
      day += part.length;
    }
    return returns;
  });

const span = (returns: DatedReturn[]) => ({
  from: (returns[0] as DatedReturn).periodStart,
  to: (returns[returns.length - 1] as DatedReturn).periodEnd,
});

function linked(returns: DatedReturn[]): DatedReturn {
  const { from, to } = span(returns);
  return { periodStart: from, periodEnd: to, value: linkReturns(returns, from, to).cumulativeReturn };
}

describe('linking', () => {
  it('agrees with exact geometric linking to 1e-12 relative to 1 + R', () => {
    fc.assert(
      fc.property(consecutive, (returns) => {
        const { from, to } = span(returns);
        const result = linkReturns(returns, from, to);
        const expected = referenceLink(returns.map((r) => exact(r.value as number))) as Rational;
        expect(result.gaps).toEqual([]);
        expect(agrees(result.cumulativeReturn as number, expected)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('is associative: ((A B) C) = (A (B C)) = (A B C) to 1e-12 relative to 1 + R', () => {
    fc.assert(
      fc.property(
        consecutive.filter((returns) => returns.length >= 3),
        fc.nat(),
        fc.nat(),
        (returns, i, j) => {
          const first = 1 + (i % (returns.length - 2));
          const second = first + 1 + (j % (returns.length - first - 1));
          const a = returns.slice(0, first);
          const b = returns.slice(first, second);
          const c = returns.slice(second);
          const whole = linked(returns).value as number;
          const left = linked([linked([linked(a), linked(b)]), linked(c)]).value as number;
          const right = linked([linked(a), linked([linked(b), linked(c)])]).value as number;
          const exactWhole = referenceLink(returns.map((r) => exact(r.value as number))) as Rational;
          expect(agrees(whole, exactWhole)).toBe(true);
          expect(agrees(left, exactWhole)).toBe(true);
          expect(agrees(right, exactWhole)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('the last point of the cumulative series is the linked return', () => {
    fc.assert(
      fc.property(consecutive, (returns) => {
        const series = cumulativeSeries(returns);
        expect(series.at(-1)?.cumulativeReturn).toBe(linked(returns).value);
      }),
      { numRuns: 300 },
    );
  });
});

// ---- Splitting at valuations ----

interface PathCase {
  input: PeriodInput;
  opening: number;
  days: { close: number; startOfDayFlow: number; endOfDayFlow: number }[];
  valued: boolean[];
  threshold: number;
}

/** A daily path: each day start-of-day flow, market move, end-of-day flow; the close includes both. */
const pathCase: fc.Arbitrary<PathCase> = fc
  .record({
    start: fc.integer({ min: FIRST_DAY, max: LAST_DAY }),
    opening: fc.double({ min: 1e3, max: 1e9, noNaN: true }),
    steps: fc.array(
      fc.record({
        growth: fc.double({ min: -0.05, max: 0.05, noNaN: true }),
        startOfDay: fc.option(fc.double({ min: -0.5, max: 1, noNaN: true }), { freq: 3 }),
        endOfDay: fc.option(fc.double({ min: -0.5, max: 1, noNaN: true }), { freq: 3 }),
        valued: fc.boolean(),
      }),
      { minLength: 2, maxLength: 40 },
    ),
    threshold: fc.constantFrom(0, 0.01, 0.1, 0.3, Number.POSITIVE_INFINITY),
  })
  .map(({ start, opening, steps, threshold }) => {
    let previous = opening;
    const days = steps.map((step) => {
      const startOfDayFlow = step.startOfDay === null ? 0 : step.startOfDay * previous;
      const afterMarket = (previous + startOfDayFlow) * (1 + step.growth);
      const endOfDayFlow = step.endOfDay === null ? 0 : step.endOfDay * afterMarket;
      previous = afterMarket + endOfDayFlow;
      return { close: previous, startOfDayFlow, endOfDayFlow };
    });
    const flows: FlowInput[] = [];
    days.forEach((day, index) => {
      const date = iso(start + index + 1);
      if (day.startOfDayFlow !== 0) flows.push({ date, amount: day.startOfDayFlow, timing: 'start_of_day' });
      if (day.endOfDayFlow !== 0) flows.push({ date, amount: day.endOfDayFlow, timing: 'end_of_day' });
    });
    const valued = steps.map((step) => step.valued);
    const input: PeriodInput = {
      periodStart: iso(start),
      periodEnd: iso(start + days.length),
      beginMarketValue: opening,
      endMarketValue: (days[days.length - 1] as { close: number }).close,
      flows,
      fees: null,
      valuations: days
        .slice(0, -1)
        .map((day, index) => ({ date: iso(start + index + 1), marketValue: day.close })),
    };
    return { input, opening, days, valued, threshold };
  });

function referenceDays(path: PathCase): ReferenceDay[] {
  return path.days.map((day) => ({
    close: exact(day.close),
    startOfDayFlows: exact(day.startOfDayFlow),
    endOfDayFlows: exact(day.endOfDayFlow),
  }));
}

describe('splitting at large flows', () => {
  it('with a valuation every day and threshold 0, the split period equals the true daily return', () => {
    fc.assert(
      fc.property(pathCase, (path) => {
        const result = periodReturn(path.input, { largeFlowThreshold: 0 });
        const expected = referenceTrueDaily(exact(path.opening), referenceDays(path)) as Rational;
        expect(result.value).not.toBeNull();
        expect(agrees(result.value as number, expected)).toBe(true);
        expect(result.warnings.filter((w) => w.code.startsWith('LARGE_FLOW'))).toEqual([]);
        const interior = path.input.flows.some((flow) =>
          flow.timing === 'end_of_day'
            ? flow.date < path.input.periodEnd
            : flow.date > iso(Date.parse(path.input.periodStart) / MS_PER_DAY + 1),
        );
        if (interior) expect(result.method).toBe('linked_split');
      }),
      { numRuns: 400 },
    );
  });

  it('with some days valued and any threshold, agrees with the reference split rule', () => {
    fc.assert(
      fc.property(pathCase, (path) => {
        const valuations = (path.input.valuations ?? []).filter((_, index) => path.valued[index]);
        const result = periodReturn({ ...path.input, valuations }, { largeFlowThreshold: path.threshold });
        const reference: ReferencePeriod = {
          periodStart: path.input.periodStart,
          periodEnd: path.input.periodEnd,
          beginMarketValue: exact(path.input.beginMarketValue),
          endMarketValue: exact(path.input.endMarketValue),
          flows: path.input.flows.map((flow) => ({ ...flow, amount: exact(flow.amount) })),
        };
        const threshold = Number.isFinite(path.threshold) ? exact(path.threshold) : rational(10n ** 30n);
        const split = referenceSplit(
          reference,
          threshold,
          new Map(valuations.map((v) => [v.date, exact(v.marketValue)])),
        );
        expect(result.method === 'linked_split').toBe(split.splits.length > 0);
        if (split.value === null) expect(result.value).toBeNull();
        else expect(agrees(result.value as number, split.value)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });
});

// ---- Annualization ----

describe('annualization', () => {
  const anniversary = (from: string) => {
    const [y, m, d] = from.split('-').map(Number) as [number, number, number];
    const lastOfMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
    const day = d === lastOfMonth ? new Date(Date.UTC(y + 1, m, 0)).getUTCDate() : d;
    return new Date(Date.UTC(y + 1, m - 1, day)).toISOString().slice(0, 10);
  };

  it('is null up to the first anniversary and (1 + a)^(days / B) = 1 + R after it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: FIRST_DAY, max: LAST_DAY }),
        fc.integer({ min: 1, max: 20_000 }),
        fc.double({ min: -0.99, max: 10, noNaN: true }),
        fc.constantFrom<365 | 365.25>(365, 365.25),
        (start, length, cumulative, daysInYear) => {
          const from = iso(start);
          const to = iso(start + length);
          const annualized = annualize(cumulative, from, to, daysInYear);
          if (to <= anniversary(from)) {
            expect(annualized).toBeNull();
            return;
          }
          expect(annualized).not.toBeNull();
          const back = (1 + (annualized as number)) ** (length / daysInYear);
          expect(Math.abs(back - (1 + cumulative))).toBeLessThanOrEqual(1e-12 * (1 + cumulative));
        },
      ),
      { numRuns: RUNS },
    );
  });
});
