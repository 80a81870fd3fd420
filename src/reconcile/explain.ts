// Break explanation (SPEC §4): a return break is recomputed under every other convention a
// vendor could have used — flow timing, Modified Dietz weighting, fee basis, annualization,
// its rounding — and with the neighbouring periods' values; the flow that would make the
// vendor's number true is inferred. The most likely cause is the first, in the order of
// CAUSE_PRIORITY, that reproduces the vendor's figure within the tolerance and the vendor's
// rounding; the others that fit too are named as well, since the data cannot tell them apart.
//
// What the evidence cannot support is never offered, neither as the cause nor as the closest
// alternative (docs/explanations.md):
//  - rounding or truncation coarser than the vendor's configured precision: the configuration
//    says how many digits the vendor prints, so a figure that happens to end in 0 is a wrong
//    figure, not a coarser rounding. Without a configured precision the digits sent are all we
//    know, and coarser rounding stays a candidate;
//  - annualization of a period shorter than MIN_ANNUALIZED_DAYS: vendors wrongly annualize
//    monthly or quarterly returns, but a day's or a week's return annualized is a figure nobody
//    reports, and its huge value would otherwise be the "closest" to any wild typo;
//  - a closest alternative farther from the vendor's figure than our own: it explains nothing;
//  - an inferred missing flow on one date when round flows on other dates (or timings) fit the
//    vendor's figure as well at its precision: the break then says the evidence is ambiguous.

import { type PeriodInput, periodReturn, toPeriodInput } from '../calculate/index.ts';
import type { FlowTiming } from '../domain/canonical.ts';
import { dayNumber, dayToIso } from '../domain/civil-date.ts';
import type {
  BreakCause,
  BreakExplanation,
  ExplanationCandidate,
  InferredFlow,
  ReconPeriod,
  VendorReconSettings,
} from '../domain/reconciliation.ts';
import { RETURN_EPSILON, type RoundingAllowance, roundTo, truncateTo } from './precision.ts';

/** When several alternatives reproduce the vendor's figure, the earlier here is named. */
// A convention that reproduces the vendor's figure to its last digit is stronger evidence than
// a coarser rounding, which maps a whole interval onto it; so rounding comes after them.
export const CAUSE_PRIORITY: readonly BreakCause[] = [
  'FLOW_TIMING_START_OF_DAY',
  'FLOW_TIMING_END_OF_DAY',
  'FLOW_TIMING_MIXED',
  'FEE_BASIS',
  'BEGIN_VALUE_DISCONTINUITY',
  'END_VALUE_DISCONTINUITY',
  'INCOME_AS_FLOW',
  'FLOW_NOT_COUNTED',
  'SIMPLE_DIETZ_WEIGHTING',
  'ANNUALIZED_365',
  'ANNUALIZED_365_25',
  'PERCENT_FOR_FRACTION',
  'VENDOR_ROUNDING',
  'VENDOR_TRUNCATION',
  'MISSING_FLOW',
];

export interface ExplainReturnInput {
  period: ReconPeriod;
  settings: VendorReconSettings;
  toleranceBps: number;
  rounding: RoundingAllowance;
  /** The same vendor's period ending where this one starts, if stored. */
  previous?: ReconPeriod | undefined;
  /** The same vendor's period starting where this one ends, if stored. */
  next?: ReconPeriod | undefined;
}

function formatReturn(value: number | null, decimals: number): string {
  return value === null ? 'undefined' : value.toFixed(decimals);
}

const MAX_FLOWS_TRIED_ONE_BY_ONE = 20;

/** The shortest period whose annualized return a vendor plausibly reports: a month (February). */
export const MIN_ANNUALIZED_DAYS = 28;

export function explainReturnBreak(input: ExplainReturnInput): BreakExplanation {
  const { period, settings, rounding } = input;
  const vendor = Number(period.vendorReturn);
  const base = toPeriodInput(period);
  const conventions = { basis: period.returnBasis, largeFlowThreshold: settings.largeFlowThreshold };
  const calculated =
    period.calculatedReturn === null
      ? periodReturn(base, conventions).value
      : Number(period.calculatedReturn);
  const allowed = input.toleranceBps * 1e-4 + rounding.halfUnit + RETURN_EPSILON;
  const digits = Math.max(6, rounding.fractionDecimals);
  const candidates: ExplanationCandidate[] = [];

  const consider = (cause: BreakCause, assumption: string, recomputed: number | null, scale = 1) => {
    const residual = recomputed === null || !Number.isFinite(recomputed) ? null : vendor - recomputed;
    candidates.push({
      cause,
      assumption,
      recomputed,
      residualBps: residual === null ? null : Math.round((residual / scale) * 1e4 * 1e6) / 1e6,
      fits: residual !== null && Math.abs(residual / scale) <= allowed,
    });
  };
  const recompute = (changed: PeriodInput, basis = period.returnBasis) =>
    periodReturn(changed, { basis, largeFlowThreshold: settings.largeFlowThreshold }).value;

  // The vendor's rounding coarser than its digits show, or its truncation; never coarser than a
  // configured precision (see the top of this file).
  const coarsestDecimals = rounding.source === 'configured' ? rounding.fractionDecimals : 2;
  if (calculated !== null) {
    for (let decimals = rounding.fractionDecimals - 1; decimals >= coarsestDecimals; decimals--) {
      const rounded = roundTo(calculated, decimals);
      if (Math.abs(rounded - vendor) <= RETURN_EPSILON) {
        consider('VENDOR_ROUNDING', `the vendor rounds to ${decimals - 2} decimals of a percent`, rounded);
        break;
      }
    }
    for (let decimals = rounding.fractionDecimals; decimals >= coarsestDecimals; decimals--) {
      const truncated = truncateTo(calculated, decimals);
      if (
        Math.abs(truncated - vendor) <= RETURN_EPSILON &&
        Math.abs(roundTo(calculated, decimals) - vendor) > RETURN_EPSILON
      ) {
        consider(
          'VENDOR_TRUNCATION',
          `the vendor truncates to ${decimals - 2} decimals of a percent`,
          truncated,
        );
        break;
      }
    }
  }

  // Flow timing: every flow at the start of its day, at the end, or mixed.
  if (base.flows.length > 0) {
    const timings: [BreakCause, string, (amount: number) => FlowTiming][] = [
      ['FLOW_TIMING_START_OF_DAY', 'the vendor counts flows at the start of the day', () => 'start_of_day'],
      ['FLOW_TIMING_END_OF_DAY', 'the vendor counts flows at the end of the day', () => 'end_of_day'],
      [
        'FLOW_TIMING_MIXED',
        'the vendor counts contributions at the start and withdrawals at the end of the day',
        (amount) => (amount >= 0 ? 'start_of_day' : 'end_of_day'),
      ],
    ];
    for (const [cause, assumption, timingOf] of timings) {
      const flows = base.flows.map((flow) => ({ ...flow, timing: timingOf(flow.amount) }));
      if (flows.every((flow, i) => flow.timing === base.flows[i]?.timing)) continue;
      consider(cause, assumption, recompute({ ...base, flows }));
    }
  }

  // Gross vs net of fees.
  const otherBasis = period.returnBasis === 'gross' ? 'net' : 'gross';
  if (base.fees !== null && base.fees !== 0) {
    consider(
      'FEE_BASIS',
      `the vendor's return is ${otherBasis} of fees, not ${period.returnBasis}`,
      recompute(base, otherBasis),
    );
  }

  // Continuity with the neighbouring periods.
  const previous = input.previous;
  if (previous !== undefined && previous.periodEnd === period.periodStart) {
    const value = Number(previous.endMarketValue);
    if (value !== base.beginMarketValue) {
      consider(
        'BEGIN_VALUE_DISCONTINUITY',
        `the vendor starts from the previous period's end value ${previous.endMarketValue}, not the begin value ${period.beginMarketValue}`,
        recompute({ ...base, beginMarketValue: value }),
      );
    }
  }
  const next = input.next;
  if (next !== undefined && next.periodStart === period.periodEnd) {
    const value = Number(next.beginMarketValue);
    if (value !== base.endMarketValue) {
      consider(
        'END_VALUE_DISCONTINUITY',
        `the vendor ends on the next period's begin value ${next.beginMarketValue}, not the end value ${period.endMarketValue}`,
        recompute({ ...base, endMarketValue: value }),
      );
    }
  }

  // Income treated as an external flow at the end of the period.
  if (period.income !== null && Number(period.income) !== 0) {
    consider(
      'INCOME_AS_FLOW',
      `the vendor treats the income of ${period.income} as an external flow`,
      recompute({
        ...base,
        flows: [
          ...base.flows,
          { date: period.periodEnd, amount: Number(period.income), timing: 'end_of_day' },
        ],
      }),
    );
  }

  // A flow the vendor does not count.
  if (base.flows.length <= MAX_FLOWS_TRIED_ONE_BY_ONE) {
    base.flows.forEach((flow, index) => {
      consider(
        'FLOW_NOT_COUNTED',
        `the vendor does not count the flow of ${period.flows[index]?.amount} on ${flow.date}`,
        recompute({ ...base, flows: base.flows.filter((_, i) => i !== index) }),
      );
    });
  }

  // Simple Dietz: every flow weighted one half.
  if (base.flows.length > 0) {
    const flowSum = base.flows.reduce((sum, flow) => sum + flow.amount, 0);
    const addedBack = period.returnBasis === 'gross' ? (base.fees ?? 0) : 0;
    const denominator = base.beginMarketValue + flowSum / 2;
    consider(
      'SIMPLE_DIETZ_WEIGHTING',
      'the vendor weights every flow one half (simple Dietz)',
      denominator > 0
        ? (base.endMarketValue - base.beginMarketValue - flowSum + addedBack) / denominator
        : null,
    );
  }

  // Annualized although a period of a year or less is not (GIPS), on either day basis; only
  // for periods long enough that a vendor plausibly annualizes them.
  const days = dayNumber(period.periodEnd) - dayNumber(period.periodStart);
  if (calculated !== null && calculated > -1) {
    for (const [cause, basis] of [
      ['ANNUALIZED_365', 365],
      ['ANNUALIZED_365_25', 365.25],
    ] as const) {
      if (days === basis || days < MIN_ANNUALIZED_DAYS) continue;
      consider(
        cause,
        `the vendor annualizes the ${days}-day return on a ${basis}-day year`,
        Math.expm1((basis / days) * Math.log1p(calculated)),
      );
    }
    consider(
      'PERCENT_FOR_FRACTION',
      'the vendor reports percent where a fraction is expected',
      calculated * 100,
      100,
    );
  }

  // The flow that would make the vendor's number true.
  const inferredFlow = inferFlow(period, base, vendor, rounding, settings);
  if (inferredFlow?.likely) {
    const { date, timing, amount } = inferredFlow.likely;
    consider(
      'MISSING_FLOW',
      `a flow of ${amount} on ${date} (${timing.replaceAll('_', ' ')}) is missing from the data`,
      recompute({ ...base, flows: [...base.flows, { date, amount, timing }] }),
    );
  }

  const fitting = candidates
    .filter((candidate) => candidate.fits)
    .sort((a, b) => CAUSE_PRIORITY.indexOf(a.cause) - CAUSE_PRIORITY.indexOf(b.cause));
  const best = fitting[0];
  const vendorText = formatReturn(vendor, digits);
  if (best !== undefined) {
    return {
      cause: best.cause,
      summary: `${best.assumption}: recomputed ${formatReturn(best.recomputed, digits)} vs vendor ${vendorText}`,
      recomputed: best.recomputed,
      alsoFits: [...new Set(fitting.slice(1).map((candidate) => candidate.cause))].filter(
        (cause) => cause !== best.cause,
      ),
      candidates,
      inferredFlow,
    };
  }
  // An alternative no nearer to the vendor's figure than ours explains nothing.
  const oursBps = calculated === null ? Number.POSITIVE_INFINITY : Math.abs(vendor - calculated) * 1e4;
  const closest = candidates
    .filter(
      (candidate) =>
        candidate.residualBps !== null &&
        candidate.cause !== 'PERCENT_FOR_FRACTION' &&
        Math.abs(candidate.residualBps) < oursBps,
    )
    .sort((a, b) => Math.abs(a.residualBps as number) - Math.abs(b.residualBps as number))[0];
  const parts = [
    `no alternative convention reproduces the vendor's ${vendorText} (ours ${formatReturn(calculated, digits)})`,
  ];
  if (closest !== undefined) {
    parts.push(`closest: ${closest.assumption}, ${formatReturn(closest.recomputed, digits)}`);
  }
  if (inferredFlow?.atPeriodEnd != null) {
    parts.push(
      `a flow of ${inferredFlow.atPeriodEnd.toFixed(2)} at the end of the period would make it true`,
    );
  }
  if (inferredFlow !== null && inferredFlow.roundFlowsThatFit > 1) {
    parts.push(
      `round flows on ${inferredFlow.roundFlowsThatFit} different dates or timings would each make it true at the vendor's precision: the evidence is ambiguous`,
    );
  }
  return { cause: null, summary: parts.join('; '), recomputed: null, alsoFits: [], candidates, inferredFlow };
}

/**
 * Modified Dietz is r = N / D with N = EMV - BMV - ΣF (+ fees for gross) and D = BMV + Σ w_i F_i.
 * One more flow X of weight w makes it (N - X) / (D + wX); it equals the vendor's v when
 * X = (N - vD) / (1 + vw). Its date is not known: the amounts for weight 0 (end of the period)
 * and 1 (start) bound it. A date where X is a round amount (a multiple of 100 or more, within
 * what the vendor's rounding leaves open) is named as the likely flow only when it is the one
 * weight where the roundest such amount fits: when a small v makes X nearly the same on every
 * date, many dates fit and none is named.
 */
export function inferFlow(
  period: ReconPeriod,
  base: PeriodInput,
  vendor: number,
  rounding: RoundingAllowance,
  settings: VendorReconSettings,
): InferredFlow | null {
  const startDay = dayNumber(period.periodStart);
  const calendarDays = dayNumber(period.periodEnd) - startDay;
  if (!(calendarDays > 0)) return null;
  let numerator = base.endMarketValue - base.beginMarketValue;
  let denominator = base.beginMarketValue;
  for (const flow of base.flows) {
    const daysNotInvested = dayNumber(flow.date) - startDay - (flow.timing === 'start_of_day' ? 1 : 0);
    numerator -= flow.amount;
    denominator += ((calendarDays - daysNotInvested) / calendarDays) * flow.amount;
  }
  if (period.returnBasis === 'gross') numerator += base.fees ?? 0;
  const gap = numerator - vendor * denominator;
  const amountFor = (weight: number) => {
    const divisor = 1 + vendor * weight;
    return Math.abs(divisor) < 1e-9 ? null : gap / divisor;
  };
  const atPeriodEnd = amountFor(0);
  const atPeriodStart = amountFor(1);
  let likely: InferredFlow['likely'] = null;
  let bestScale = 0;
  let bestError = Number.POSITIVE_INFINITY;
  // Weights (in days of the period) where an amount of the roundest scale fits: one date at the
  // end of its day and the next at its start weigh the same, and are the same flow.
  let fittingWeights = new Set<number>();
  const preferred: FlowTiming = settings.flowTiming === 'start_of_day' ? 'start_of_day' : 'end_of_day';
  for (let day = 1; day <= calendarDays; day++) {
    for (const timing of [preferred, preferred === 'end_of_day' ? 'start_of_day' : 'end_of_day'] as const) {
      const weightDays = calendarDays - day + (timing === 'start_of_day' ? 1 : 0);
      const weight = weightDays / calendarDays;
      const amount = amountFor(weight);
      if (amount === null) continue;
      // How far the amount can move while the vendor's rounded figure stays the same.
      const uncertainty = Math.abs(denominator + weight * amount) * rounding.halfUnit + 1e-6;
      for (let scale = 1e9; scale >= 100; scale /= 10) {
        const round = Math.round(amount / scale) * scale;
        if (round === 0 || uncertainty * 10 > scale) continue;
        const error = Math.abs(amount - round) / uncertainty;
        if (error > 1) continue;
        if (scale > bestScale) fittingWeights = new Set();
        if (scale >= bestScale) fittingWeights.add(weightDays);
        if (scale > bestScale || (scale === bestScale && error < bestError - 1e-9)) {
          bestScale = scale;
          bestError = error;
          likely = { date: dayToIso(startDay + day), timing, amount: round };
        }
        break;
      }
    }
  }
  const roundFlowsThatFit = fittingWeights.size;
  return { atPeriodEnd, atPeriodStart, likely: roundFlowsThatFit === 1 ? likely : null, roundFlowsThatFit };
}
