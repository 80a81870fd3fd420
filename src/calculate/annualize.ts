// Annualization (SPEC §3, GIPS): (1 + R)^(B / days) - 1, B = 365 by default or 365.25, and only
// for a span longer than one year: the end date must be after the start date's first
// anniversary. A span of a year or less is never annualized (2015-12-31 → 2016-12-31 is one
// year, 366 days, and stays cumulative).
//
// The anniversary follows the month-end rule of dates.ts: a start on the last day of a month
// has its anniversary on the last day of that month a year later. So 2024-02-29 → 2025-02-28
// is one year (not annualized) and 2024-02-29 → 2025-03-01 is annualized over its 366 days;
// 2023-02-28 → 2024-02-29 is one year too, so a 1Y span of month-end valuations is never
// annualized whichever February it crosses.
//
// Computed as expm1((B / days) · log1p(R)) so that a small R keeps its digits.
import type { IsoDate } from '../domain/canonical.ts';
import { addYears, civilToDay, dayNumber, dayToCivil } from '../domain/civil-date.ts';

export type DaysInYear = 365 | 365.25;

/** The day number of the start date's first anniversary (month-end rule). */
export function firstAnniversary(startDay: number): number {
  const anniversary = addYears(dayToCivil(startDay), 1);
  return civilToDay(anniversary.year, anniversary.month, anniversary.day);
}

/** True when the span from → to is longer than one year and may be annualized. */
export function isLongerThanOneYear(from: IsoDate, to: IsoDate): boolean {
  const fromDay = dayNumber(from);
  const toDay = dayNumber(to);
  if (Number.isNaN(fromDay) || Number.isNaN(toDay)) return false;
  return toDay > firstAnniversary(fromDay);
}

/**
 * The annualized return, or null when the span is one year or less, when a date is invalid,
 * or when the cumulative return is not a number of -100% or more.
 */
export function annualize(
  cumulative: number,
  from: IsoDate,
  to: IsoDate,
  daysInYear: DaysInYear = 365,
): number | null {
  if (!Number.isFinite(cumulative) || cumulative < -1) return null;
  if (daysInYear !== 365 && daysInYear !== 365.25) return null;
  if (!isLongerThanOneYear(from, to)) return null;
  const days = dayNumber(to) - dayNumber(from);
  return Math.expm1((daysInYear / days) * Math.log1p(cumulative)) + 0;
}
