// Reconciliation use cases: runs (on demand and after each stored file), the break workflow,
// tolerances, the open-break digest and the cached account status.
export { reconcileAfterIngest } from './after-ingest.ts';
export {
  actOnBreak,
  type BreakDeps,
  type BreakDetail,
  type BreakView,
  listBreakViews,
  showBreak,
} from './breaks.ts';
export { breakDigest, startBreakDigest } from './digest.ts';
export {
  abandonRuns,
  type ReconcileDeps,
  type ReconcileOutcome,
  type ReconcileRequest,
  reconcile,
  resolveScope,
} from './run.ts';
export { accountReconciliationStatus } from './status.ts';
export {
  listTolerances,
  removeTolerance,
  resolveTolerance,
  setTolerance,
  type ToleranceInput,
} from './tolerances.ts';
