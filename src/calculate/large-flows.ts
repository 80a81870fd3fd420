// Large external cash flows (GIPS): where a day's flow exceeds a share of the begin market
// value, the period is split at a valuation taken at the flow and the parts are linked.
//
// Where the split goes. A valuation dated D is the market value at the end of day D, and it
// includes that day's flows (just as EMV includes a flow on period end). So:
// - an end-of-day flow on D is split at D: the part ending on D holds it with weight 0, exactly;
// - a start-of-day flow on D entered before the day's market moves, so the exact split is at
//   the end of D - 1, and the flow opens the next part with weight 1. Failing a valuation on
//   D - 1, a valuation on D itself is used (the flow then weighs 1/days within its part, which
//   is closer than the whole period; a warning says so).
// A flow whose split point would be the period start or end is already weighted exactly (an
// end-of-day flow on period end weighs 0, a start-of-day flow on the first day weighs 1), so it
// needs no split and gets no warning. Flows are judged per day and per timing, net of each other.
// Valuations outside the period are not needed and are ignored.
import type { IsoDate } from '../domain/canonical.ts';
import { dayNumber, dayToIso } from '../domain/civil-date.ts';
import type { DatedFlow } from './modified-dietz.ts';
import { formatNumber } from './numeric.ts';
import type { CalculationWarning } from './reasons.ts';

export interface ValuationPoint {
  date: IsoDate;
  marketValue: number;
}

export interface SplitPlan {
  /** Day numbers strictly inside the period, ascending. */
  splitDays: number[];
  /** The market value at the end of each split day. */
  splitValues: number[];
  warnings: CalculationWarning[];
}

function isLarge(net: number, beginMarketValue: number, threshold: number): boolean {
  if (net === 0) return false;
  // With nothing (or less than nothing) at the start, any flow is a large share of it.
  if (!(beginMarketValue > 0)) return true;
  return Math.abs(net) > threshold * beginMarketValue;
}

function valuationsByDay(
  valuations: readonly ValuationPoint[],
  startDay: number,
  endDay: number,
  warnings: CalculationWarning[],
): Map<number, number> {
  const byDay = new Map<number, number>();
  const conflicting = new Set<number>();
  for (const valuation of valuations) {
    const day = dayNumber(valuation.date);
    if (!(day > startDay && day < endDay)) continue;
    if (!Number.isFinite(valuation.marketValue)) {
      warnings.push({
        code: 'INVALID_VALUATION',
        message: `The valuation on ${valuation.date} is not a finite number (${String(valuation.marketValue)}); it is not used to split the period.`,
      });
      conflicting.add(day);
      continue;
    }
    const known = byDay.get(day);
    if (known !== undefined && known !== valuation.marketValue) conflicting.add(day);
    byDay.set(day, valuation.marketValue);
  }
  for (const day of conflicting) {
    if (byDay.has(day)) {
      warnings.push({
        code: 'CONFLICTING_VALUATIONS',
        message: `Two different valuations are given for ${dayToIso(day)}; neither is used to split the period. Keep one valuation per date.`,
      });
    }
    byDay.delete(day);
  }
  return byDay;
}

function describe(amount: number, day: number, startOfDay: boolean): string {
  return `The net ${startOfDay ? 'start-of-day' : 'end-of-day'} flow of ${formatNumber(amount)} on ${dayToIso(day)}`;
}

/** Decide where to split a period whose flows are sorted by day. */
export function planSplits(
  startDay: number,
  endDay: number,
  beginMarketValue: number,
  flows: readonly DatedFlow[],
  threshold: number,
  valuations: readonly ValuationPoint[] | undefined,
): SplitPlan {
  const plan: SplitPlan = { splitDays: [], splitValues: [], warnings: [] };
  if (flows.length === 0 || threshold === Number.POSITIVE_INFINITY) return plan;
  let byDay: Map<number, number> | undefined;
  const chosen = new Map<number, number>();
  let index = 0;
  while (index < flows.length) {
    const day = (flows[index] as DatedFlow).day;
    let netEndOfDay = 0;
    let netStartOfDay = 0;
    for (; index < flows.length && (flows[index] as DatedFlow).day === day; index++) {
      const flow = flows[index] as DatedFlow;
      if (flow.startOfDay) netStartOfDay += flow.amount;
      else netEndOfDay += flow.amount;
    }
    for (let pass = 0; pass < 2; pass++) {
      const startOfDay = pass === 0;
      const net = startOfDay ? netStartOfDay : netEndOfDay;
      if (!isLarge(net, beginMarketValue, threshold)) continue;
      const exactSplit = startOfDay ? day - 1 : day;
      if (exactSplit === startDay || exactSplit === endDay) continue;
      byDay ??= valuationsByDay(valuations ?? [], startDay, endDay, plan.warnings);
      const exactValue = byDay.get(exactSplit);
      if (exactValue !== undefined) {
        chosen.set(exactSplit, exactValue);
        continue;
      }
      const fallbackValue = startOfDay && day < endDay ? byDay.get(day) : undefined;
      if (fallbackValue !== undefined) {
        chosen.set(day, fallbackValue);
        plan.warnings.push({
          code: 'LARGE_FLOW_SPLIT_AFTER_FLOW',
          message: `${describe(net, day, startOfDay)} is large; the period is split at the valuation on ${dayToIso(day)}, which already includes the flow, because none is given for ${dayToIso(exactSplit)} (the close before it). Give the valuation of ${dayToIso(exactSplit)} for an exact split.`,
        });
        continue;
      }
      plan.warnings.push({
        code: 'LARGE_FLOW_NO_VALUATION',
        message: `${describe(net, day, startOfDay)} is above ${formatNumber(threshold * 100)}% of the begin market value ${formatNumber(beginMarketValue)}, and no valuation at the end of ${dayToIso(exactSplit)} is given to split the period there (GIPS); the return is the Modified Dietz approximation. Supply that valuation to get the exact return.`,
      });
    }
  }
  const days = [...chosen.keys()].sort((a, b) => a - b);
  for (const day of days) {
    const value = chosen.get(day) as number;
    plan.splitDays.push(day);
    plan.splitValues.push(value);
    if (value < 0) {
      plan.warnings.push({
        code: 'NEGATIVE_MARKET_VALUE',
        message: `The valuation on ${dayToIso(day)} used to split the period is negative (${value}).`,
      });
    }
  }
  return plan;
}
