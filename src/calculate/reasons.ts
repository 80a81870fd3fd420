// Why a return is undefined, and what the engine warns about. An undefined return is `null`
// with one of these codes and a sentence a person can act on: never NaN, Infinity or a
// silent 0.

export type UndefinedReason =
  | 'INVALID_PERIOD'
  | 'INVALID_AMOUNT'
  | 'INVALID_FLOW'
  | 'FLOW_OUTSIDE_PERIOD'
  | 'FEES_REQUIRED_FOR_GROSS'
  | 'NO_INVESTED_CAPITAL'
  | 'FLOW_ONLY_INCEPTION_END_OF_DAY'
  | 'ZERO_OR_NEGATIVE_DENOMINATOR';

/** The general meaning of each code; the `detail` of a result names the figures involved. */
export const UNDEFINED_REASONS: Readonly<Record<UndefinedReason, string>> = Object.freeze({
  INVALID_PERIOD:
    'The period dates are not valid calendar dates (YYYY-MM-DD), or the period end is not after the period start.',
  INVALID_AMOUNT: 'A market value, flow amount or fee is not a finite number, or a fee is negative.',
  INVALID_FLOW:
    'A flow date is not a valid calendar date (YYYY-MM-DD), or its timing is not end_of_day or start_of_day.',
  FLOW_OUTSIDE_PERIOD:
    'A flow is dated on or before the period start (the begin market value already includes it) or after the period end.',
  FEES_REQUIRED_FOR_GROSS:
    'A gross-of-fees return needs the fees charged in the period, and none were given.',
  NO_INVESTED_CAPITAL:
    'Nothing was invested in the period: the begin market value is zero and there are no flows.',
  FLOW_ONLY_INCEPTION_END_OF_DAY:
    'The account started empty and its only money arrived at the end of the last day, so no capital was at work in the period.',
  ZERO_OR_NEGATIVE_DENOMINATOR:
    'The average capital (begin market value plus time-weighted flows) is zero or negative, so a return cannot be formed.',
});

export type WarningCode =
  | 'LARGE_FLOW_NO_VALUATION'
  | 'NEGATIVE_MARKET_VALUE'
  | 'CONFLICTING_VALUATIONS'
  | 'LARGE_FLOW_SPLIT_AFTER_FLOW'
  | 'INVALID_VALUATION';

export interface CalculationWarning {
  code: WarningCode | (string & {});
  message: string;
}
