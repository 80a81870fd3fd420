// The return engine: a pure module (no database, HTTP, file system or environment).
// Numeric policy: numeric.ts. Conventions: modified-dietz.ts, large-flows.ts, period-return.ts,
// link.ts, annualize.ts, spans.ts.

export { dayNumber, dayToIso, isIsoDate } from '../domain/civil-date.ts';
export { annualize, type DaysInYear, firstAnniversary, isLongerThanOneYear } from './annualize.ts';
export { DEFAULT_CONVENTIONS, type ReturnConventions, resolveConventions } from './conventions.ts';
export { type DecimalPeriod, toPeriodInput } from './from-canonical.ts';
export type { SplitPlan, ValuationPoint } from './large-flows.ts';
export {
  type DatedReturn,
  type DateRange,
  type LinkResult,
  type LinkUndefinedReason,
  linkConsecutive,
  linkReturns,
} from './link.ts';
export { type DatedFlow, type DietzOutcome, modifiedDietz } from './modified-dietz.ts';
export {
  describeUndefinedReason,
  type FlowInput,
  type PeriodInput,
  type PeriodReturn,
  periodReturn,
  type ReturnMethod,
} from './period-return.ts';
export {
  type CalculationWarning,
  UNDEFINED_REASONS,
  type UndefinedReason,
  type WarningCode,
} from './reasons.ts';
export { type AccountReturnOptions, type AccountReturnReport, accountReturnReport } from './report.ts';
export { cumulativeSeries, type SeriesPoint } from './series.ts';
export { SPANS, type Span, spanRange } from './spans.ts';
export { CALCULATION_VERSION } from './version.ts';
