// A time series of valuations -> periods (`periods: consecutive_points`): each period runs from
// one point of an account to the next; its begin value and start are the previous point's, its
// end value, flows, income, fees and return the current point's. The first point of an account
// opens it (no period). Only the last point of each account is held, so memory grows with the
// number of accounts, never with the file; accounts may interleave, but each account's points
// must come in date order (a point out of order is quarantined, saying to sort the file).
import { addDays, dayNumber, dayToCivil } from '../domain/civil-date.ts';
import type { SourceLocation } from '../domain/errors.ts';
import type { MappedRow } from '../domain/read-row.ts';
import type { PointsOptions } from '../domain/vendor-config.ts';
import { asPeriod, type MappedPoint } from './map-record.ts';

interface LastPoint {
  date: string;
  value: string;
  location: SourceLocation;
}

/** What became of one point: a period, a quarantined row, or an opening (with why). */
export type PointOutcome =
  | { kind: 'row'; row: MappedRow }
  | { kind: 'opening'; location: SourceLocation; reason: string; text: string; gap?: string };

const where = (l: SourceLocation): string =>
  l.jsonPath ?? (l.sheet !== undefined ? `sheet "${l.sheet}" row ${l.row}` : `row ${l.row}`);

const isWeekday = (date: string): boolean => {
  const weekday = (dayNumber(date) + 4) % 7; // day 0 (1970-01-01) was a Thursday
  return weekday !== 0 && weekday !== 6;
};

/** The dates a series with this spacing should have had between `from` and `to` (both excluded). */
export function missingDates(from: string, to: string, spacing: PointsOptions['spacing']): string[] {
  if (spacing === 'any') return [];
  if (spacing === 'months') {
    const a = dayToCivil(dayNumber(from));
    const b = dayToCivil(dayNumber(to));
    const first = a.year * 12 + a.month; // months counted from year 0, January = 1
    const last = b.year * 12 + b.month;
    return Array.from({ length: Math.max(0, last - first - 1) }, (_, i) => {
      const m = first + i; // the month before the missing one, so (m % 12) + 1 is the missing one
      return `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
    });
  }
  const out: string[] = [];
  for (let d = addDays(from, 1); d < to && out.length <= 31; d = addDays(d, 1)) {
    if (spacing === 'days' || isWeekday(d)) out.push(d);
  }
  return out;
}

function listed(dates: string[]): string {
  return dates.length > 5 ? `${dates.slice(0, 5).join(', ')} and more` : dates.join(', ');
}

export class PointSeries {
  private readonly last = new Map<string, LastPoint>();
  private readonly options: PointsOptions;

  constructor(options: PointsOptions) {
    this.options = options;
  }

  /** Accounts whose last point was quarantined: where, for the next point's opening reason. */
  private readonly broken = new Map<string, SourceLocation>();

  accept(point: MappedPoint): PointOutcome {
    if (!point.ok) {
      // The next point of the account cannot start from a point that was not taken in.
      if (point.accountId !== undefined) {
        this.last.delete(point.accountId);
        this.broken.set(point.accountId, point.location);
      }
      return { kind: 'row', row: point };
    }
    const { accountId, periodEnd: date } = point.record;
    const previous = this.last.get(accountId);
    if (previous !== undefined && date <= previous.date) {
      return {
        kind: 'row',
        row: {
          ok: false,
          location: point.location,
          raw: { account_id: accountId, date },
          problems: [
            {
              field: 'period_end',
              column: point.fieldSources.period_end,
              value: date,
              reason: `point of account ${accountId} dated ${date} follows one dated ${previous.date} (${where(previous.location)}): a time series must be sorted by account and date, one point per date; sort the file and ingest it again`,
            },
          ],
        },
      };
    }
    this.last.set(accountId, { date, value: point.record.endMarketValue, location: point.location });
    // An opening point's flows came before its value: no period of this file holds them.
    const flows = point.record.flows.length;
    const text = `${accountId} ${date} ${point.record.endMarketValue}`;
    const dropped = flows === 0 ? '' : `; its ${flows === 1 ? 'flow is' : `${flows} flows are`} in no period`;
    if (previous === undefined) {
      const broken = this.broken.get(accountId);
      this.broken.delete(accountId);
      const why =
        broken === undefined
          ? 'the first point; its periods start here'
          : `the point before it, ${where(broken)}, was quarantined`;
      return {
        kind: 'opening',
        location: point.location,
        reason: `opening valuation of account ${accountId} on ${date} (${why})${dropped}`,
        text,
      };
    }
    const missing = missingDates(previous.date, date, this.options.spacing);
    const gap =
      missing.length === 0
        ? undefined
        : `account ${accountId} has no point between ${previous.date} and ${date} (missing ${listed(missing)})`;
    if (gap !== undefined && this.options.onGap === 'skip') {
      return {
        kind: 'opening',
        location: point.location,
        reason: `opening valuation of account ${accountId} on ${date} after a gap (no period over the gap)${dropped}`,
        text,
        gap: `${gap}; no period is formed over it and the point on ${date} opens the next one`,
      };
    }
    const early = point.record.flows.find((f) => f.date < previous.date);
    if (early !== undefined) {
      return {
        kind: 'row',
        row: {
          ok: false,
          location: point.location,
          raw: { account_id: accountId, date, flow_date: early.date },
          problems: [
            {
              field: 'flow_date',
              column: point.fieldSources.flows ?? point.fieldSources.flow_date,
              value: early.date,
              reason: `flow date ${early.date} is before the previous point's date ${previous.date}: a flow belongs to the point that ends its period`,
            },
          ],
        },
      };
    }
    return {
      kind: 'row',
      row: {
        ok: true,
        location: point.location,
        fieldSources: {
          ...point.fieldSources,
          period_start: `${where(previous.location)} (previous point)`,
          begin_market_value: `${where(previous.location)} (previous point)`,
        },
        warnings: gap === undefined ? point.warnings : [...point.warnings, `the period spans a gap: ${gap}`],
        record: asPeriod(point.record, previous.date, previous.value),
      },
    };
  }
}
