// One batch of a reconciliation run, under its accounts' advisory locks (taken in key order, so
// two runs never deadlock): a run over the same accounts waits, then reads what this one wrote.
// The set-based screen (store/reconciliation-screen.ts) counts the checks of the accounts that
// surely pass; the engine reads and decides only the others, and the accounts with a known
// break, so it alone opens, sees again and clears breaks — the same breaks as deciding all.
import {
  ANY,
  type CheckResult,
  checkKey,
  fractionDecimals,
  type KnownBreak,
  planBreakSync,
  type ReconContext,
  type RunScope,
  reconcileAccount,
} from '../../reconcile/index.ts';
import { applyBreakSync, knownBreaks, type OpenedBreak } from '../../store/break-repository.ts';
import type { Database } from '../../store/db/database.ts';
import { heartbeatRun, loadPeriods, lockAccounts } from '../../store/reconciliation-repository.ts';
import {
  type ScreenedAccount,
  type ScreenRequest,
  screenAccounts,
} from '../../store/reconciliation-screen.ts';
import { setAuditActor } from '../../store/vendor-repository.ts';

export interface BatchRun {
  runId: number;
  actor: string;
  scope: RunScope;
  /** The known breaks the run's scope covers (those it may clear). */
  covered: (known: KnownBreak) => boolean;
  /** Every vendor code in the database: the screen resolves tolerances for each. */
  vendorCodes: readonly string[];
}

export interface BatchOutcome {
  /** Every check the engine decided (accounts in doubt or with a known break). */
  decided: CheckResult[];
  /**
   * What is stored: the failures, the passes that carry information (two vendors differing by
   * method alone), and the passes that settle a known break (its latest status).
   */
  stored: CheckResult[];
  /** Accounts whose checks all passed in the screen, with their counts per vendor. */
  passed: ScreenedAccount[];
  inserted: OpenedBreak[];
  seen: number;
  cleared: number;
}

/** The screen's inputs that do not depend on the batch: tolerance spans, configured rounding. */
export function screenSettings(run: BatchRun, context: ReconContext) {
  const { tolerances, settings } = context;
  const anyAccount = run.vendorCodes.flatMap((vendorCode) =>
    tolerances.returnSpans(ANY, vendorCode).map((span) => ({ accountId: null, vendorCode, ...span })),
  );
  const withRules = new Set(tolerances.accountsWithRules());
  const rounding = run.vendorCodes.flatMap((vendorCode) => {
    const precision = settings(vendorCode).reportedPrecision;
    return precision === null ? [] : [{ vendorCode, decimals: fractionDecimals(precision) }];
  });
  return (
    batch: readonly string[],
  ): Omit<ScreenRequest, 'from' | 'to' | 'expectThrough' | 'vendorCodes'> => ({
    accountIds: batch,
    tolerances: [
      ...anyAccount,
      ...batch
        .filter((accountId) => withRules.has(accountId))
        .flatMap((accountId) =>
          run.vendorCodes.flatMap((vendorCode) =>
            tolerances.returnSpans(accountId, vendorCode).map((span) => ({ accountId, vendorCode, ...span })),
          ),
        ),
    ],
    roundingDecimals: rounding,
  });
}

export function reconcileBatch(
  db: Database['db'],
  run: BatchRun,
  batch: string[],
  context: ReconContext,
  screen: ReturnType<typeof screenSettings>,
): Promise<BatchOutcome> {
  const { scope } = run;
  return db.transaction().execute(async (trx) => {
    await setAuditActor(trx, run.actor);
    await lockAccounts(trx, batch);
    const screened = await screenAccounts(trx, {
      ...screen(batch),
      from: scope.from,
      to: scope.to,
      expectThrough: scope.expectThrough,
      vendorCodes: scope.vendorCodes === null ? null : [...scope.vendorCodes],
    });
    const known = await knownBreaks(trx, batch);
    const doubtful = new Set([
      ...screened.filter((s) => s.doubt).map((s) => s.accountId),
      ...known.map((k) => k.accountId),
    ]);
    const candidates = batch.filter((accountId) => doubtful.has(accountId));
    const periods =
      candidates.length === 0 ? new Map() : await loadPeriods(trx, candidates, scope.from, scope.to);
    const decided = candidates.flatMap((accountId) =>
      reconcileAccount(accountId, periods.get(accountId) ?? [], scope, context),
    );
    const plan = planBreakSync(known, decided, run.covered);
    const inserted = await applyBreakSync(trx, run.runId, plan);
    await heartbeatRun(trx, run.runId);
    const knownKeys = new Set(known.map((k) => `${k.accountId}|${k.key}`));
    return {
      decided,
      stored: decided.filter(
        (r) =>
          r.status === 'FAILED' || r.explanation !== null || knownKeys.has(`${r.accountId}|${checkKey(r)}`),
      ),
      passed: screened.filter((s) => !doubtful.has(s.accountId)),
      inserted,
      // A break another run opened meanwhile is not opened again: this run has seen it.
      seen: plan.seen.length + plan.open.length - inserted.length,
      cleared: plan.clear.length,
    };
  });
}
