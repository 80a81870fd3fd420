// What `perfrecon returns ACCOUNT --from --to --json` prints: the periods' returns linked over
// the range, annualized when the range is longer than one year, with every gap and warning.
import type { IsoDate, ReturnBasis } from '../domain/canonical.ts';
import { dayNumber } from '../domain/civil-date.ts';
import { annualize, type DaysInYear } from './annualize.ts';
import { type ReturnConventions, resolveConventions } from './conventions.ts';
import { type DatedReturn, type DateRange, linkReturns } from './link.ts';
import { type PeriodInput, periodReturn } from './period-return.ts';
import { CALCULATION_VERSION } from './version.ts';

export interface AccountReturnReport {
  account_id: string;
  from: IsoDate;
  to: IsoDate;
  cumulative_return: number | null;
  annualized_return: number | null;
  periods: number;
  days: number;
  gaps: DateRange[];
  warnings: string[];
  undefined_reason: string | null;
  /** Added to the agreed shape: the basis and engine version every figure here carries. */
  basis: ReturnBasis;
  calculation_version: string;
}

export interface AccountReturnOptions {
  conventions?: Partial<ReturnConventions>;
  daysInYear?: DaysInYear;
}

export function accountReturnReport(
  accountId: string,
  periods: readonly PeriodInput[],
  from: IsoDate,
  to: IsoDate,
  options: AccountReturnOptions = {},
): AccountReturnReport {
  const conventions = resolveConventions(options.conventions);
  const fromDay = dayNumber(from);
  const toDay = dayNumber(to);
  const warnings: string[] = [];
  const dated: DatedReturn[] = periods.map((period) => {
    const start = dayNumber(period.periodStart);
    const end = dayNumber(period.periodEnd);
    // Only periods inside the range are computed; the others are placed for gap reporting.
    if (!(start >= fromDay && end <= toDay)) {
      return { periodStart: period.periodStart, periodEnd: period.periodEnd, value: null };
    }
    const figure = periodReturn(period, conventions);
    for (const warning of figure.warnings) {
      warnings.push(`${period.periodStart} → ${period.periodEnd}: ${warning.code}: ${warning.message}`);
    }
    if (figure.undefinedReason !== null) {
      warnings.push(
        `${period.periodStart} → ${period.periodEnd}: ${figure.undefinedReason}: ${figure.detail ?? ''}`,
      );
    }
    return {
      periodStart: period.periodStart,
      periodEnd: period.periodEnd,
      value: figure.value,
      undefinedReason: figure.undefinedReason,
    };
  });
  const linked = linkReturns(dated, from, to);
  warnings.push(...linked.warnings);
  if (linked.detail !== null) warnings.push(linked.detail);
  const cumulative = linked.cumulativeReturn;
  return {
    account_id: accountId,
    from,
    to,
    cumulative_return: cumulative,
    annualized_return:
      cumulative === null ? null : annualize(cumulative, from, to, options.daysInYear ?? 365),
    periods: linked.periods,
    days: linked.days,
    gaps: linked.gaps,
    warnings,
    undefined_reason: linked.undefinedReason,
    basis: conventions.basis,
    calculation_version: CALCULATION_VERSION,
  };
}
