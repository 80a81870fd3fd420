// Geometric linking, Π(1 + r_i) - 1, over consecutive periods only (SPEC §3).
//
// Periods are intervals of valuation dates: a period start → end covers the days after its
// start up to and including its end, and the next period must start on that end. Within the
// requested range [from, to]:
// - every stretch no period covers, including at either end, is a gap;
// - every stretch two periods both cover is an overlap;
// - a period that reaches outside the range cannot be cut, so it is left out (its stretch
//   inside the range becomes a gap) and a warning says so.
// A gap or an overlap makes the cumulative return undefined: nothing is linked over silently.
// An undefined period makes it undefined too, and so does a period return below -100%
// (a growth factor below zero cannot be linked).
import type { IsoDate } from '../domain/canonical.ts';
import { dayNumber, dayToIso } from '../domain/civil-date.ts';
import { growthProduct, growthToReturn, multiplyGrowth } from './numeric.ts';

export interface DatedReturn {
  periodStart: IsoDate;
  periodEnd: IsoDate;
  value: number | null;
  undefinedReason?: string | null;
}

export type LinkUndefinedReason =
  | 'INVALID_RANGE'
  | 'NO_PERIODS'
  | 'GAP_IN_PERIODS'
  | 'OVERLAPPING_PERIODS'
  | 'UNDEFINED_PERIOD_RETURN'
  | 'RETURN_BELOW_MINUS_100_PERCENT';

export interface DateRange {
  from: IsoDate;
  to: IsoDate;
}

export interface LinkResult {
  cumulativeReturn: number | null;
  /** Periods linked (those wholly inside the range). */
  periods: number;
  /** Calendar days from `from` to `to`. */
  days: number;
  gaps: DateRange[];
  overlaps: DateRange[];
  /** A code when the cumulative return is undefined (see LinkUndefinedReason). */
  undefinedReason: LinkUndefinedReason | null;
  /** A sentence a person can act on when undefined. */
  detail: string | null;
  warnings: string[];
}

function undefinedLink(
  reason: LinkUndefinedReason,
  detail: string,
  partial: Omit<LinkResult, 'cumulativeReturn' | 'undefinedReason' | 'detail'>,
): LinkResult {
  return { ...partial, cumulativeReturn: null, undefinedReason: reason, detail };
}

function ranges(list: DateRange[]): string {
  return list.map((range) => `${range.from} → ${range.to}`).join(', ');
}

export function linkReturns(returns: readonly DatedReturn[], from: IsoDate, to: IsoDate): LinkResult {
  const fromDay = dayNumber(from);
  const toDay = dayNumber(to);
  const warnings: string[] = [];
  if (!(toDay > fromDay)) {
    return undefinedLink(
      'INVALID_RANGE',
      `The range ${String(from)} → ${String(to)} needs two dates YYYY-MM-DD with the end after the start.`,
      { periods: 0, days: 0, gaps: [], overlaps: [], warnings },
    );
  }
  // Day numbers in typed arrays: linking a long daily history allocates 20 bytes a period.
  const count = returns.length;
  const starts = new Float64Array(count);
  const ends = new Float64Array(count);
  const kept = new Int32Array(count);
  let placed = 0;
  let inOrder = true;
  let previousEndText: IsoDate | undefined;
  let previousEnd = Number.NaN;
  for (let index = 0; index < count; index++) {
    const item = returns[index] as DatedReturn;
    // Consecutive periods share a date string: reuse the day number instead of parsing again.
    const start = item.periodStart === previousEndText ? previousEnd : dayNumber(item.periodStart);
    const end = dayNumber(item.periodEnd);
    previousEndText = item.periodEnd;
    previousEnd = end;
    if (!(end > start)) {
      warnings.push(
        `The period ${String(item.periodStart)} → ${String(item.periodEnd)} has invalid dates and is left out.`,
      );
      continue;
    }
    if (end <= fromDay || start >= toDay) continue;
    if (start < fromDay || end > toDay) {
      warnings.push(
        `The period ${item.periodStart} → ${item.periodEnd} reaches outside ${from} → ${to} and cannot be cut, so it is left out; choose a range on its boundaries to include it.`,
      );
      continue;
    }
    if (placed > 0) {
      const lastStart = starts[placed - 1] as number;
      if (lastStart > start || (lastStart === start && (ends[placed - 1] as number) > end)) inOrder = false;
    }
    starts[placed] = start;
    ends[placed] = end;
    kept[placed] = index;
    placed++;
  }
  const order = inOrder
    ? null
    : Array.from({ length: placed }, (_, position) => position).sort(
        (a, b) => (starts[a] as number) - (starts[b] as number) || (ends[a] as number) - (ends[b] as number),
      );

  const gaps: DateRange[] = [];
  const overlaps: DateRange[] = [];
  const product = growthProduct();
  let cursor = fromDay;
  let firstUndefined: DatedReturn | undefined;
  let firstBelowMinusOne: DatedReturn | undefined;
  for (let position = 0; position < placed; position++) {
    const slot = order === null ? position : (order[position] as number);
    const start = starts[slot] as number;
    const end = ends[slot] as number;
    if (start > cursor) gaps.push({ from: dayToIso(cursor), to: dayToIso(start) });
    else if (start < cursor) overlaps.push({ from: dayToIso(start), to: dayToIso(Math.min(end, cursor)) });
    if (end > cursor) cursor = end;
    const item = returns[kept[slot] as number] as DatedReturn;
    const value = item.value;
    if (value === null || !Number.isFinite(value)) firstUndefined ??= item;
    else if (value < -1) firstBelowMinusOne ??= item;
    else multiplyGrowth(product, value);
  }
  if (cursor < toDay) gaps.push({ from: dayToIso(cursor), to: dayToIso(toDay) });

  const partial = { periods: placed, days: toDay - fromDay, gaps, overlaps, warnings };
  if (placed === 0) {
    return undefinedLink('NO_PERIODS', `No period return lies within ${from} → ${to}.`, partial);
  }
  if (gaps.length > 0) {
    return undefinedLink(
      'GAP_IN_PERIODS',
      `No period return covers ${ranges(gaps)}; the cumulative return over ${from} → ${to} is not linked over missing data. Load the missing periods or choose a range without gaps.`,
      partial,
    );
  }
  if (overlaps.length > 0) {
    return undefinedLink(
      'OVERLAPPING_PERIODS',
      `More than one period return covers ${ranges(overlaps)}; linking them would count those days twice. Remove the duplicate or overlapping periods.`,
      partial,
    );
  }
  if (firstUndefined !== undefined) {
    const item = firstUndefined;
    const why = item.undefinedReason ? ` (${item.undefinedReason})` : '';
    return undefinedLink(
      'UNDEFINED_PERIOD_RETURN',
      `The return of ${item.periodStart} → ${item.periodEnd} is undefined${why}, so the cumulative return over ${from} → ${to} is undefined too.`,
      partial,
    );
  }
  if (firstBelowMinusOne !== undefined) {
    const item = firstBelowMinusOne;
    return undefinedLink(
      'RETURN_BELOW_MINUS_100_PERCENT',
      `The return of ${item.periodStart} → ${item.periodEnd} is ${item.value}, below -100% (a negative market value); it cannot be linked geometrically.`,
      partial,
    );
  }
  return { ...partial, cumulativeReturn: growthToReturn(product), undefinedReason: null, detail: null };
}

/**
 * Link returns already known to be consecutive (no dates checked): Π(1 + r_i) - 1, or null
 * when one is missing, not finite or below -100%. The arithmetic core of linkReturns.
 */
export function linkConsecutive(returns: ArrayLike<number | null>): number | null {
  const product = growthProduct();
  for (let index = 0; index < returns.length; index++) {
    const value = returns[index];
    if (value === null || value === undefined || !(value >= -1) || !Number.isFinite(value)) return null;
    multiplyGrowth(product, value);
  }
  return growthToReturn(product);
}
