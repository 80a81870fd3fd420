// The return of one valuation period: checks the inputs, applies the fee basis, splits at
// large flows where a valuation allows, and otherwise applies the one Modified Dietz formula.
//
// GROSS VS NET OF FEES. Market values are taken as reported, i.e. net of any fees taken out of
// the portfolio. The net return uses them as they are. The gross return adds the period's fees
// back as if they had not been deducted: the fees are treated as a withdrawal at the end of the
// last day (weight 0), which is the same as adding them to the end market value. The date a fee
// was charged is not known, so when a period is split at a large flow the fees are added back in
// the last part. `basis` is returned with every figure.
import type { FlowTiming, IsoDate } from '../domain/canonical.ts';
import { dayNumber, dayToIso } from '../domain/civil-date.ts';
import { type ReturnConventions, resolveConventions } from './conventions.ts';
import { planSplits, type ValuationPoint } from './large-flows.ts';
import { type DatedFlow, type DietzOutcome, modifiedDietz } from './modified-dietz.ts';
import { formatNumber, growthProduct, growthToReturn, isUsableAmount, multiplyGrowth } from './numeric.ts';
import { type CalculationWarning, UNDEFINED_REASONS, type UndefinedReason } from './reasons.ts';
import { CALCULATION_VERSION } from './version.ts';

export interface FlowInput {
  date: IsoDate;
  /** Contributions positive, withdrawals negative. */
  amount: number;
  timing: FlowTiming;
}

export interface PeriodInput {
  /** Valuation date of the begin market value. */
  periodStart: IsoDate;
  /** Valuation date of the end market value. */
  periodEnd: IsoDate;
  beginMarketValue: number;
  endMarketValue: number;
  flows: FlowInput[];
  /** Fees charged in the period, a positive number; null when not known. */
  fees: number | null;
  /** Intra-period valuations (e.g. a daily series under a monthly record) to split at large flows. */
  valuations?: ValuationPoint[];
}

export type ReturnMethod = 'true_daily' | 'modified_dietz' | 'linked_split';

export interface PeriodReturn {
  /** Decimal fraction (0.0123 = 1.23%); null when undefined. */
  value: number | null;
  undefinedReason: UndefinedReason | null;
  /** A sentence a person can act on when the return is undefined. */
  detail: string | null;
  method: ReturnMethod;
  basis: PeriodReturnBasis;
  warnings: CalculationWarning[];
  /** The conventions this figure was computed under. */
  conventions: ReturnConventions;
  calculationVersion: string;
}

type PeriodReturnBasis = ReturnConventions['basis'];

function result(
  conventions: ReturnConventions,
  method: ReturnMethod,
  warnings: CalculationWarning[],
  value: number | null,
  undefinedReason: UndefinedReason | null = null,
  detail: string | null = null,
): PeriodReturn {
  return {
    value,
    undefinedReason,
    detail,
    method,
    basis: conventions.basis,
    warnings,
    conventions,
    calculationVersion: CALCULATION_VERSION,
  };
}

function undefinedDetail(reason: UndefinedReason, from: IsoDate, to: IsoDate, outcome: DietzOutcome): string {
  switch (reason) {
    case 'NO_INVESTED_CAPITAL':
      return `Nothing was invested from ${from} to ${to}: the begin market value is 0 and there are no flows. If the account held assets, check the begin market value; if it was empty, leave this period out of the performance history.`;
    case 'FLOW_ONLY_INCEPTION_END_OF_DAY':
      return `The account was empty on ${from} and its first money arrived at the end of ${to}, the last day, so no capital was at work from ${from} to ${to}. Start the performance history at ${to}, or if the vendor counts flows at the start of the day, set its flow timing to start_of_day.`;
    default:
      return `The average capital from ${from} to ${to} is ${formatNumber(outcome.averageCapital)} (begin market value plus time-weighted flows), which is zero, negative or indistinguishable from zero; a return cannot be formed. Check the begin market value and the dates, amounts, signs and timing of the flows.`;
  }
}

function invalid(
  conventions: ReturnConventions,
  method: ReturnMethod,
  reason: UndefinedReason,
  detail: string,
): PeriodReturn {
  return result(conventions, method, [], null, reason, detail);
}

/** Turn the flows into day numbers, sorted; or say which flow is not usable. */
function datedFlows(
  flows: readonly FlowInput[],
  startDay: number,
  endDay: number,
  period: PeriodInput,
): DatedFlow[] | { reason: UndefinedReason; detail: string } {
  const dated: DatedFlow[] = [];
  let sorted = true;
  for (const flow of flows) {
    const day = dayNumber(flow.date);
    if (Number.isNaN(day) || (flow.timing !== 'end_of_day' && flow.timing !== 'start_of_day')) {
      return {
        reason: 'INVALID_FLOW',
        detail: `The flow ${JSON.stringify(flow)} needs a date YYYY-MM-DD and a timing of end_of_day or start_of_day.`,
      };
    }
    if (!isUsableAmount(flow.amount)) {
      return {
        reason: 'INVALID_AMOUNT',
        detail: `The flow on ${flow.date} has amount ${String(flow.amount)}, which is not a usable number.`,
      };
    }
    if (day <= startDay || day > endDay) {
      return {
        reason: 'FLOW_OUTSIDE_PERIOD',
        detail: `The flow of ${flow.amount} on ${flow.date} is outside the period ${period.periodStart} → ${period.periodEnd}. A flow on the period start belongs to the previous period (the begin market value, valued at the end of ${period.periodStart}, already includes it); if the vendor's period start is the first day of the period, map it to the day before.`,
      };
    }
    const last = dated[dated.length - 1];
    if (last !== undefined && last.day > day) sorted = false;
    dated.push({ day, amount: flow.amount, startOfDay: flow.timing === 'start_of_day' });
  }
  if (!sorted) dated.sort((a, b) => a.day - b.day);
  return dated;
}

export function periodReturn(period: PeriodInput, conventions?: Partial<ReturnConventions>): PeriodReturn {
  const resolved = resolveConventions(conventions);
  const startDay = dayNumber(period.periodStart);
  const endDay = dayNumber(period.periodEnd);
  const method: ReturnMethod = endDay - startDay === 1 ? 'true_daily' : 'modified_dietz';
  if (!(endDay > startDay)) {
    return invalid(
      resolved,
      method,
      'INVALID_PERIOD',
      `The period ${String(period.periodStart)} → ${String(period.periodEnd)} needs two dates YYYY-MM-DD with the end after the start.`,
    );
  }
  const begin = period.beginMarketValue;
  const end = period.endMarketValue;
  if (!isUsableAmount(begin) || !isUsableAmount(end)) {
    return invalid(
      resolved,
      method,
      'INVALID_AMOUNT',
      `The market values of ${period.periodStart} → ${period.periodEnd} must be finite numbers; got begin ${String(begin)} and end ${String(end)}.`,
    );
  }
  let feesAddedBack = 0;
  if (resolved.basis === 'gross') {
    const fees = period.fees;
    if (fees === null || fees === undefined) {
      return invalid(
        resolved,
        method,
        'FEES_REQUIRED_FOR_GROSS',
        `A gross-of-fees return for ${period.periodStart} → ${period.periodEnd} needs the fees charged in the period, and none were given. Map the vendor's fee column, or compare against the net return.`,
      );
    }
    if (!isUsableAmount(fees) || fees < 0) {
      return invalid(
        resolved,
        method,
        'INVALID_AMOUNT',
        `The fees of ${period.periodStart} → ${period.periodEnd} are ${String(fees)}; fees must be a charge, zero or positive.`,
      );
    }
    feesAddedBack = fees;
  }
  const flows = datedFlows(period.flows ?? [], startDay, endDay, period);
  if (!Array.isArray(flows)) return invalid(resolved, method, flows.reason, flows.detail);

  const warnings: CalculationWarning[] = [];
  if (begin < 0 || end < 0) {
    warnings.push({
      code: 'NEGATIVE_MARKET_VALUE',
      message: `A market value of ${period.periodStart} → ${period.periodEnd} is negative (begin ${begin}, end ${end}); the return is computed but deserves a look.`,
    });
  }
  const plan = planSplits(startDay, endDay, begin, flows, resolved.largeFlowThreshold, period.valuations);
  warnings.push(...plan.warnings);

  if (plan.splitDays.length === 0) {
    const outcome = modifiedDietz(startDay, endDay, begin, end, flows, 0, flows.length, feesAddedBack);
    if (outcome.reason !== null) {
      return result(
        resolved,
        method,
        warnings,
        null,
        outcome.reason,
        undefinedDetail(outcome.reason, period.periodStart, period.periodEnd, outcome),
      );
    }
    return result(resolved, method, warnings, outcome.value);
  }

  // Split at the large flows and link the parts geometrically.
  const product = growthProduct();
  let partStart = startDay;
  let partBegin = begin;
  let first = 0;
  const parts = plan.splitDays.length + 1;
  for (let part = 0; part < parts; part++) {
    const isLast = part === parts - 1;
    const partEnd = isLast ? endDay : (plan.splitDays[part] as number);
    const partEndValue = isLast ? end : (plan.splitValues[part] as number);
    let last = first;
    while (last < flows.length && (flows[last] as DatedFlow).day <= partEnd) last++;
    const outcome = modifiedDietz(
      partStart,
      partEnd,
      partBegin,
      partEndValue,
      flows,
      first,
      last,
      isLast ? feesAddedBack : 0,
    );
    if (outcome.reason !== null) {
      const from = dayToIso(partStart);
      const to = dayToIso(partEnd);
      return result(
        resolved,
        'linked_split',
        warnings,
        null,
        outcome.reason,
        `In the part ${from} → ${to} of the period split at large flows: ${undefinedDetail(outcome.reason, from, to, outcome)}`,
      );
    }
    multiplyGrowth(product, outcome.value as number);
    partStart = partEnd;
    partBegin = partEndValue;
    first = last;
  }
  return result(resolved, 'linked_split', warnings, growthToReturn(product));
}

/** The general sentence for an undefined-reason code. */
export function describeUndefinedReason(reason: UndefinedReason): string {
  return UNDEFINED_REASONS[reason];
}
