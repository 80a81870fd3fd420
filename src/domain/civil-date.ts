// Calendar dates as day numbers. A valuation date is a date, never a timestamp: every date
// is turned into a count of days since 1970-01-01 by arithmetic on year, month and day
// (the civil-from-days algorithm of H. Hinnant), so no time zone or daylight-saving change
// can make a day 23 or 25 hours long, and no `Date` object or local time is ever involved.
import type { IsoDate } from './canonical.ts';
import { InvalidInputError } from './errors.ts';

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1-12). */
export function civilToDay(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const monthFromMarch = month > 2 ? month - 3 : month + 9;
  const dayOfYear = Math.floor((153 * monthFromMarch + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

export function dayToCivil(dayNumber: number): CivilDate {
  const z = dayNumber + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/**
 * The day number of an ISO date `YYYY-MM-DD` (years 0001-9999), or NaN when the text is not
 * a real calendar date (2023-02-29, 2024-13-01, 2024-1-5 are all NaN). Written with charCodeAt
 * and integer arithmetic because it runs for every date of every period.
 */
export function dayNumber(date: IsoDate): number {
  if (
    typeof date !== 'string' ||
    date.length !== 10 ||
    date.charCodeAt(4) !== 45 ||
    date.charCodeAt(7) !== 45
  ) {
    return Number.NaN;
  }
  const y1 = date.charCodeAt(0) - 48;
  const y2 = date.charCodeAt(1) - 48;
  const y3 = date.charCodeAt(2) - 48;
  const y4 = date.charCodeAt(3) - 48;
  const m1 = date.charCodeAt(5) - 48;
  const m2 = date.charCodeAt(6) - 48;
  const d1 = date.charCodeAt(8) - 48;
  const d2 = date.charCodeAt(9) - 48;
  // (x >>> 0) > 9 is true for anything that is not a digit, negatives included.
  if (y1 >>> 0 > 9 || y2 >>> 0 > 9 || y3 >>> 0 > 9 || y4 >>> 0 > 9) return Number.NaN;
  if (m1 >>> 0 > 9 || m2 >>> 0 > 9 || d1 >>> 0 > 9 || d2 >>> 0 > 9) return Number.NaN;
  const year = y1 * 1000 + y2 * 100 + y3 * 10 + y4;
  const month = m1 * 10 + m2;
  const day = d1 * 10 + d2;
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return Number.NaN;
  return civilToDay(year, month, day);
}

export function isIsoDate(date: IsoDate): boolean {
  return !Number.isNaN(dayNumber(date));
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

export function civilToIso(date: CivilDate): IsoDate {
  return `${pad(date.year, 4)}-${pad(date.month, 2)}-${pad(date.day, 2)}`;
}

export function dayToIso(dayNumber: number): IsoDate {
  return civilToIso(dayToCivil(dayNumber));
}

/** Add whole days (negative to go back) to an ISO date. */
export function addDays(date: IsoDate, days: number): IsoDate {
  return dayToIso(dayNumber(date) + days);
}

/** The last day of the month `months` months after (or before, if negative) the given month. */
export function endOfMonth(year: number, month: number, months = 0): CivilDate {
  const index = year * 12 + (month - 1) + months;
  const y = Math.floor(index / 12);
  const m = index - y * 12 + 1;
  return { year: y, month: m, day: daysInMonth(y, m) };
}

/**
 * The same date `years` years later (negative: earlier) under the month-end rule: a date that
 * is the last day of its month maps to the last day of the same month, so 2024-02-29 + 1 year
 * is 2025-02-28 and 2023-02-28 + 1 year is 2024-02-29. Any other date keeps its day.
 * This is the rule for anniversaries (annualization) and for 1Y/3Y/5Y spans alike, so a span
 * of twelve month-end valuations is exactly one year.
 */
export function addYears(date: CivilDate, years: number): CivilDate {
  const year = date.year + years;
  if (date.day === daysInMonth(date.year, date.month)) {
    return { year, month: date.month, day: daysInMonth(year, date.month) };
  }
  return { year, month: date.month, day: date.day };
}

/**
 * The one check of a date a person typed (CLI option, API parameter): strictly YYYY-MM-DD and a
 * real calendar day — 2024-02-30 is refused, never rolled over into March.
 */
export function parseIsoDate(name: string, value: string): IsoDate {
  if (!isIsoDate(value)) {
    throw new InvalidInputError(
      `${name} "${value}" is not a date`,
      'Write it as YYYY-MM-DD, e.g. 2024-01-31.',
    );
  }
  return value;
}
