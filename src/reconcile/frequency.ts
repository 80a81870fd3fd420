// A vendor's reporting frequency, read from its periods, and the periods it should have sent
// between two valuation dates. Periods chain on valuation dates (one period's end is the next
// one's start), so any stretch no period covers is missing data whatever the frequency; the
// frequency says how many periods are missing and which.

import type { IsoDate } from '../domain/canonical.ts';
import {
  civilToDay,
  civilToIso,
  dayNumber,
  daysInMonth,
  dayToCivil,
  dayToIso,
  endOfMonth,
} from '../domain/civil-date.ts';

export type Frequency =
  | 'business-daily'
  | 'calendar-daily'
  | 'monthly'
  | 'quarterly'
  | 'annual'
  | 'irregular';

interface Span {
  periodStart: IsoDate;
  periodEnd: IsoDate;
}

/** 0 = Monday … 6 = Sunday. 1970-01-01 (day 0) was a Thursday. */
function weekday(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

function isMonthEnd(day: number): boolean {
  const civil = dayToCivil(day);
  return civil.day === daysInMonth(civil.year, civil.month);
}

function monthIndex(day: number): number {
  const civil = dayToCivil(day);
  return civil.year * 12 + civil.month - 1;
}

type PeriodClass = 'daily' | 'daily-weekend' | 'monthly' | 'quarterly' | 'annual' | 'other';

function classify(span: Span): PeriodClass {
  const start = dayNumber(span.periodStart);
  const end = dayNumber(span.periodEnd);
  const days = end - start;
  if (days === 1) return weekday(start) >= 5 || weekday(end) >= 5 ? 'daily-weekend' : 'daily';
  // Friday → Monday, or over a holiday next to a weekend.
  if (days >= 2 && days <= 4 && weekday(end) < 5 && weekday(start) < 5 && weekday(end) < weekday(start))
    return 'daily';
  if (isMonthEnd(start) && isMonthEnd(end)) {
    const months = monthIndex(end) - monthIndex(start);
    const endMonth = dayToCivil(end).month;
    if (months === 1) return 'monthly';
    if (months === 3 && endMonth % 3 === 0) return 'quarterly';
    if (months === 12 && endMonth === 12) return 'annual';
  }
  return 'other';
}

/** The frequency most of the periods follow; irregular when no pattern covers half of them. */
export function inferFrequency(periods: readonly Span[]): Frequency {
  const counts = new Map<PeriodClass, number>();
  for (const period of periods) {
    const kind = classify(period);
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  const weekend = counts.get('daily-weekend') ?? 0;
  const daily = (counts.get('daily') ?? 0) + weekend;
  const best: [Frequency, number][] = [
    [weekend > 0 ? 'calendar-daily' : 'business-daily', daily],
    ['monthly', counts.get('monthly') ?? 0],
    ['quarterly', counts.get('quarterly') ?? 0],
    ['annual', counts.get('annual') ?? 0],
  ];
  best.sort((a, b) => b[1] - a[1]);
  const [frequency, count] = best[0] ?? ['irregular', 0];
  return count > 0 && count * 2 >= periods.length ? frequency : 'irregular';
}

/** The valuation dates a vendor of this frequency reports in (from, to], in order. */
export function expectedValuationDates(frequency: Frequency, from: IsoDate, to: IsoDate): IsoDate[] {
  const start = dayNumber(from);
  const end = dayNumber(to);
  const dates: IsoDate[] = [];
  if (!(end > start)) return dates;
  switch (frequency) {
    case 'calendar-daily':
    case 'business-daily':
      for (let day = start + 1; day <= end; day++) {
        if (frequency === 'calendar-daily' || weekday(day) < 5) dates.push(dayToIso(day));
      }
      return dates;
    case 'monthly':
    case 'quarterly':
    case 'annual': {
      const step = frequency === 'monthly' ? 1 : frequency === 'quarterly' ? 3 : 12;
      const first = dayToCivil(start);
      for (let offset = 0; ; offset++) {
        const candidate = endOfMonth(first.year, first.month, offset);
        const day = civilToDay(candidate.year, candidate.month, candidate.day);
        if (day > end) break;
        if (day <= start) continue;
        if (step === 1 || candidate.month % step === 0) dates.push(civilToIso(candidate));
      }
      return dates;
    }
    default:
      return dates;
  }
}

/**
 * The periods missing between `from` (the last valuation date reported) and `to` (the next one
 * reported, or the date the run expects data through). On a regular frequency they are the
 * periods of that frequency; an irregular vendor's gap is one missing stretch. When `to` is a
 * date the vendor reports on anyway (`closedEnd`), the last period ends there; when it is only
 * the end of the run, periods ending after the last expected date are not yet due.
 */
export function missingPeriods(frequency: Frequency, from: IsoDate, to: IsoDate, closedEnd: boolean): Span[] {
  const dates = expectedValuationDates(frequency, from, to);
  if (closedEnd && dates.at(-1) !== to) dates.push(to);
  const spans: Span[] = [];
  let previous = from;
  for (const date of dates) {
    spans.push({ periodStart: previous, periodEnd: date });
    previous = date;
  }
  return spans;
}
