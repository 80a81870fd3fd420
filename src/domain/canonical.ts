// The canonical model (SPEC §2). Amounts travel as decimal strings exactly as the vendor
// sent them (after locale normalisation), so storage keeps every digit in NUMERIC columns;
// the return engine converts them to numbers under its own written numeric policy.

/** When a flow enters the portfolio within its day. */
export type FlowTiming = 'end_of_day' | 'start_of_day';

/**
 * A vendor's flow-timing setting. `mixed` (contributions at start of day, withdrawals at end
 * of day, as Portfolio Performance does) is resolved into a per-flow timing when a row is mapped.
 */
export type VendorFlowTiming = FlowTiming | 'mixed';

export type ReturnBasis = 'gross' | 'net';

/** ISO date `YYYY-MM-DD`; dates are calendar dates, never timestamps. */
export type IsoDate = string;

/** A decimal number written as text, e.g. `-1234.56`. */
export type DecimalString = string;

export interface CashFlow {
  date: IsoDate;
  /** Contributions positive, withdrawals negative. */
  amount: DecimalString;
  timing: FlowTiming;
}

export interface CanonicalPeriod {
  accountId: string;
  periodStart: IsoDate;
  periodEnd: IsoDate;
  currency: string;
  beginMarketValue: DecimalString;
  endMarketValue: DecimalString;
  flows: CashFlow[];
  income: DecimalString | null;
  fees: DecimalString | null;
  /** The period return the vendor reported, as a decimal fraction. */
  vendorReturn: DecimalString | null;
  returnBasis: ReturnBasis;
}

/** Resolve a vendor's timing setting for one flow. */
export function flowTimingFor(setting: VendorFlowTiming, amount: number): FlowTiming {
  if (setting !== 'mixed') return setting;
  return amount >= 0 ? 'start_of_day' : 'end_of_day';
}
