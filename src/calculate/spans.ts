// Standard spans as of a valuation date. Every span ends on the as-of date and starts on a
// valuation date, the close of the day before the span's first day:
// - MTD: the last day of the previous month (as of 2024-05-15 → from 2024-04-30);
// - QTD: the last day of the previous quarter (as of 2024-05-15 → from 2024-03-31;
//   as of 2024-03-31, the quarter that ends that day → from 2023-12-31);
// - YTD: December 31 of the previous year;
// - 1Y, 3Y, 5Y: the same date 1, 3 or 5 years earlier under the month-end rule (as of
//   2025-02-28 → 1Y from 2024-02-29; as of 2024-02-29 → 1Y from 2023-02-28);
// - ITD: the inception date, i.e. the begin-market-value date of the first period.
// MTD, QTD and YTD start no earlier than inception (a young account's year to date is its
// history). 1Y, 3Y and 5Y are never shortened: before inception there is no data, and linking
// reports the missing stretch as a gap, so a "3Y" figure always covers three years.
import type { IsoDate } from '../domain/canonical.ts';
import { addYears, civilToIso, dayNumber, dayToCivil, endOfMonth } from '../domain/civil-date.ts';
import { InvalidInputError } from '../domain/errors.ts';
import type { DateRange } from './link.ts';

export type Span = 'MTD' | 'QTD' | 'YTD' | '1Y' | '3Y' | '5Y' | 'ITD';

export const SPANS: readonly Span[] = ['MTD', 'QTD', 'YTD', '1Y', '3Y', '5Y', 'ITD'];

export function spanRange(span: Span, asOf: IsoDate, inception: IsoDate): DateRange {
  const asOfDay = dayNumber(asOf);
  const inceptionDay = dayNumber(inception);
  if (Number.isNaN(asOfDay))
    throw new InvalidInputError(`as-of date "${asOf}" is not a date`, 'use YYYY-MM-DD');
  if (Number.isNaN(inceptionDay)) {
    throw new InvalidInputError(`inception date "${inception}" is not a date`, 'use YYYY-MM-DD');
  }
  if (asOfDay <= inceptionDay) {
    throw new InvalidInputError(
      `as-of date ${asOf} is not after the inception date ${inception}`,
      'choose an as-of date within the account history',
    );
  }
  const date = dayToCivil(asOfDay);
  let from: IsoDate;
  switch (span) {
    case 'MTD':
      from = civilToIso(endOfMonth(date.year, date.month, -1));
      break;
    case 'QTD': {
      const quarterFirstMonth = Math.floor((date.month - 1) / 3) * 3 + 1;
      from = civilToIso(endOfMonth(date.year, quarterFirstMonth, -1));
      break;
    }
    case 'YTD':
      from = `${String(date.year - 1).padStart(4, '0')}-12-31`;
      break;
    case '1Y':
    case '3Y':
    case '5Y':
      return { from: civilToIso(addYears(date, -Number(span[0]))), to: asOf };
    case 'ITD':
      return { from: inception, to: asOf };
    default:
      throw new InvalidInputError(`span "${String(span)}" is not known`, `use one of ${SPANS.join(', ')}`);
  }
  return { from: dayNumber(from) < inceptionDay ? inception : from, to: asOf };
}
