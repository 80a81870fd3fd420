// Valuation periods cut from an account's daily truth (daily for a custodian, calendar months
// for an administrator), and the return a vendor would print for one under its own conventions.
// Vendors compute in binary floating point and round what they print; so do these.
import type { CanonicalPeriod, FlowTiming, ReturnBasis } from '../domain/canonical.ts';
import { isMonthEnd, type SampleAccount } from './truth.ts';

export interface SampleFlow {
  date: string;
  amount: number;
}

export interface SamplePeriod {
  accountId: string;
  currency: string;
  periodStart: string;
  periodEnd: string;
  beginMarketValue: number;
  endMarketValue: number;
  /** The dated external flows in (periodStart, periodEnd], oldest first. */
  flows: SampleFlow[];
  /** Fees charged in the period (positive). */
  fees: number;
}

function periodBetween(account: SampleAccount, from: number, to: number): SamplePeriod {
  const begin = account.days[from];
  const end = account.days[to];
  if (begin === undefined || end === undefined)
    throw new Error(`no day ${from} or ${to} in ${account.accountId}`);
  const flows: SampleFlow[] = [];
  let fees = 0;
  for (let d = from + 1; d <= to; d++) {
    const day = account.days[d];
    if (day === undefined) continue;
    if (day.flow !== 0) flows.push({ date: day.date, amount: day.flow });
    fees += day.fee;
  }
  return {
    accountId: account.accountId,
    currency: account.currency,
    periodStart: begin.date,
    periodEnd: end.date,
    beginMarketValue: begin.marketValue,
    endMarketValue: end.marketValue,
    flows,
    fees: Math.round(fees * 100) / 100,
  };
}

/** One period per day after inception. */
export function* dailyPeriods(account: SampleAccount): Generator<SamplePeriod> {
  for (let d = 1; d < account.days.length; d++) yield periodBetween(account, d - 1, d);
}

/**
 * Calendar months: inception to the first month end, then month end to month end. A month
 * not yet complete on the last day is not reported (a monthly vendor reports after month end).
 */
export function monthlyPeriods(account: SampleAccount): SamplePeriod[] {
  const periods: SamplePeriod[] = [];
  let from = 0;
  for (let d = 1; d < account.days.length; d++) {
    const day = account.days[d];
    if (day !== undefined && isMonthEnd(day.date)) {
      periods.push(periodBetween(account, from, d));
      from = d;
    }
  }
  return periods;
}

const DAY_MS = 86_400_000;
const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);

/**
 * Modified Dietz with a weight per flow (SPEC §3); on a one-day period the true daily return.
 * `timingOf` says when each flow enters its day; gross adds the period's fees back to the end
 * value. Null where the average capital is not positive (a vendor prints nothing).
 */
export function vendorPeriodReturn(
  period: SamplePeriod,
  timingOf: (amount: number) => FlowTiming,
  basis: ReturnBasis,
): number | null {
  const calendarDays = daysBetween(period.periodStart, period.periodEnd);
  const endValue = period.endMarketValue + (basis === 'gross' ? period.fees : 0);
  let gain = endValue - period.beginMarketValue;
  let capital = period.beginMarketValue;
  for (const flow of period.flows) {
    const daysOut =
      daysBetween(period.periodStart, flow.date) - (timingOf(flow.amount) === 'start_of_day' ? 1 : 0);
    gain -= flow.amount;
    capital += ((calendarDays - daysOut) / calendarDays) * flow.amount;
  }
  if (!(capital > 1e-9 * Math.max(1, Math.abs(period.beginMarketValue)))) return null;
  return gain / capital;
}

/** A number with fixed decimals as vendors print it, without the "-0.00" of a rounded-away sign. */
export function fixed(value: number, decimals: number): string {
  const text = value.toFixed(decimals);
  return /^-0\.?0*$/.test(text) ? text.slice(1) : text;
}

/** A return in percent, rounded to `decimals` places (4.02 for 0.0402). */
export function percentText(fraction: number, decimals: number): string {
  return fixed(fraction * 100, decimals);
}

/** How a vendor prints what the round-trip test expects ingest to store. */
export interface VendorPrinting {
  timing: (amount: number) => FlowTiming;
  income: string | null;
  vendorReturn: string | null;
  returnBasis: ReturnBasis;
}

/** The canonical period ingest should store for a sample period a vendor printed (amounts to 2 d.p.). */
export function expectedPeriod(
  account: SampleAccount,
  period: SamplePeriod,
  printing: VendorPrinting,
): CanonicalPeriod {
  return {
    accountId: account.accountId,
    periodStart: period.periodStart,
    periodEnd: period.periodEnd,
    currency: account.currency,
    beginMarketValue: fixed(period.beginMarketValue, 2),
    endMarketValue: fixed(period.endMarketValue, 2),
    flows: period.flows.map((flow) => ({
      date: flow.date,
      amount: fixed(flow.amount, 2),
      timing: printing.timing(flow.amount),
    })),
    income: printing.income,
    fees: fixed(period.fees, 2),
    vendorReturn: printing.vendorReturn,
    returnBasis: printing.returnBasis,
  };
}
