// Reconciliation use cases: runs (on demand and after each stored file), the break workflow,
// tolerances, the open-break digest and the cached account status.
export { reconcileAfterIngest } from './after-ingest.ts';
export { actOnBreak, type BreakDeps, listBreakViews, showBreak } from './breaks.ts';
export { breakDigest, startBreakDigest } from './digest.ts';
export {
  abandonRuns,
  queueReconciliation,
  type ReconcileDeps,
  type ReconcileJobSender,
  type ReconcileOutcome,
  type ReconcileRequest,
  reconcile,
  resolveScope,
  runQueuedReconciliation,
} from './run.ts';
export { listRuns, showRun } from './runs.ts';
export { accountReconciliationStatus } from './status.ts';
export {
  listTolerances,
  removeTolerance,
  resolveTolerance,
  setTolerance,
  type ToleranceInput,
} from './tolerances.ts';
