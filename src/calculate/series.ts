// A cumulative series: each period's return and the linked return from the first period's
// start up to its end. The series follows the same rule as linkReturns: after a gap, an
// overlap, an undefined period return or one below -100%, the cumulative return is null for
// the rest of the series (the period returns are still shown), never linked over.
import type { IsoDate } from '../domain/canonical.ts';
import { dayNumber } from '../domain/civil-date.ts';
import type { DatedReturn } from './link.ts';
import { growthProduct, growthToReturn, multiplyGrowth } from './numeric.ts';

export interface SeriesPoint {
  periodEnd: IsoDate;
  periodReturn: number | null;
  cumulativeReturn: number | null;
}

export function cumulativeSeries(returns: readonly DatedReturn[]): SeriesPoint[] {
  const ordered = returns
    .map((item) => ({ item, start: dayNumber(item.periodStart), end: dayNumber(item.periodEnd) }))
    .sort((a, b) => a.start - b.start || a.end - b.end);
  const product = growthProduct();
  let broken = false;
  let previousEnd: number | undefined;
  const points: SeriesPoint[] = [];
  for (const { item, start, end } of ordered) {
    const value = item.value;
    const usable = value !== null && Number.isFinite(value) && value >= -1 && end > start;
    if (!usable || (previousEnd !== undefined && start !== previousEnd)) broken = true;
    previousEnd = end;
    if (!broken) multiplyGrowth(product, value as number);
    points.push({
      periodEnd: item.periodEnd,
      periodReturn: value !== null && Number.isFinite(value) ? value : null,
      cumulativeReturn: broken ? null : growthToReturn(product),
    });
  }
  return points;
}
