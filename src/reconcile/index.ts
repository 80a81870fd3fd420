// Reconciliation decisions (SPEC §4): pure code — no database, HTTP, queue, clock or files.
// The run use case (src/services/reconciliation) loads periods, calls reconcileAccount per account
// and stores what it decides.

export * from '../domain/reconciliation.ts';
export {
  periodKey,
  type ReconContext,
  type RunScope,
  reconcileAccount,
  reconcilePeriods,
  seriesByVendor,
} from './account.ts';
export * from './break-workflow.ts';
export { checkSeries, explainDiscontinuity } from './continuity.ts';
export { compareVendors } from './cross-vendor.ts';
export { CAUSE_PRIORITY, explainReturnBreak, inferFlow } from './explain.ts';
export { expectedValuationDates, type Frequency, inferFrequency, missingPeriods } from './frequency.ts';
export { fractionDecimals, roundingAllowance, roundTo, truncateTo } from './precision.ts';
export { checkReturn } from './return-check.ts';
export { type Counts, type RunSummary, SummaryBuilder, type WorstBreak } from './summary.ts';
export {
  ANY,
  DEFAULT_MARKET_VALUE_ABS,
  DEFAULT_RETURN_BPS,
  looser,
  marketValueAllowance,
  ruleProblems,
  ToleranceBook,
  withinMarketValueTolerance,
} from './tolerance.ts';
