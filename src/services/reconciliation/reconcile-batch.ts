// One batch of a reconciliation run, under its accounts' advisory locks (taken in key order, so
// two runs never deadlock): a run over the same accounts waits, then reads what this one wrote.
// The set-based screen (store/reconciliation-screen.ts) counts every check and names the periods
// in doubt; the engine reads and decides only those periods with their neighbours, and the
// periods of known breaks — or the whole account where a series has a gap, an overlap, data
// missing at the end, two vendors, or a known break of another kind — so it alone opens, sees
// again and clears breaks: the same breaks as deciding all.
import {
  ANY,
  type CheckResult,
  checkKey,
  fractionDecimals,
  type KnownBreak,
  periodKey,
  planBreakSync,
  type ReconContext,
  type RunScope,
  reconcileAccount,
  reconcilePeriods,
} from '../../reconcile/index.ts';
import { applyBreakSync, knownBreaks, type OpenedBreak } from '../../store/break-repository.ts';
import type { Database } from '../../store/db/database.ts';
import {
  heartbeatRun,
  loadPeriods,
  loadPeriodsAround,
  lockAccounts,
  type PeriodKey,
} from '../../store/reconciliation-repository.ts';
import {
  type ScreenedSeries,
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
  /** The checks the screen passed (those the engine did not decide), per account and vendor. */
  passed: { accountId: string; vendorCode: string; returns: number; pairs: number }[];
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

/** What the engine decides of a batch: whole accounts, and periods (with their neighbours) of others. */
function engineWork(screened: readonly ScreenedSeries[], known: readonly KnownBreak[]) {
  // Whole: an account the screen marked so, or one with more than one series (two vendors).
  const whole = new Set<string>();
  const seen = new Set<string>();
  for (const item of screened) {
    if (item.whole || seen.has(item.accountId)) whole.add(item.accountId);
    seen.add(item.accountId);
  }
  const doubtful = new Map<string, Map<string, PeriodKey>>();
  const add = (key: PeriodKey) => {
    const keys = doubtful.get(key.accountId) ?? new Map<string, PeriodKey>();
    keys.set(periodKey(key.vendorCode, key.periodStart, key.periodEnd), key);
    doubtful.set(key.accountId, keys);
  };
  for (const item of screened) {
    for (const period of item.doubtful)
      add({ accountId: item.accountId, vendorCode: item.vendorCode, ...period });
  }
  for (const item of known) {
    if ((item.kind === 'RETURN' || item.kind === 'CONTINUITY') && item.counterparty === '') {
      const { accountId, vendorCode, periodStart, periodEnd } = item;
      add({ accountId, vendorCode, periodStart, periodEnd });
    } else {
      whole.add(item.accountId);
    }
  }
  for (const accountId of whole) doubtful.delete(accountId);
  return { whole, doubtful };
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
    const { whole, doubtful } = engineWork(screened, known);
    const wholeIds = batch.filter((accountId) => whole.has(accountId));
    const wholePeriods =
      wholeIds.length === 0 ? new Map() : await loadPeriods(trx, wholeIds, scope.from, scope.to);
    const around = await loadPeriodsAround(
      trx,
      [...doubtful.values()].flatMap((keys) => [...keys.values()]),
    );
    const decided = [
      ...wholeIds.flatMap((accountId) =>
        reconcileAccount(accountId, wholePeriods.get(accountId) ?? [], scope, context),
      ),
      ...[...doubtful].flatMap(([accountId, keys]) =>
        reconcilePeriods(accountId, around.get(accountId) ?? [], new Set(keys.keys()), scope, context),
      ),
    ];
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
      passed: passedByScreen(screened, whole, decided),
      inserted,
      // A break another run opened meanwhile is not opened again: this run has seen it.
      seen: plan.seen.length + plan.open.length - inserted.length,
      cleared: plan.clear.length,
    };
  });
}

/** The screen's counts less the checks the engine decided, for the accounts not decided whole. */
function passedByScreen(
  screened: readonly ScreenedSeries[],
  whole: ReadonlySet<string>,
  decided: readonly CheckResult[],
): BatchOutcome['passed'] {
  const byEngine = new Map<string, number>();
  for (const result of decided) {
    const key = `${result.accountId}|${result.vendorCode}|${result.kind}`;
    byEngine.set(key, (byEngine.get(key) ?? 0) + 1);
  }
  return screened
    .filter((item) => !whole.has(item.accountId))
    .map((item) => {
      const series = `${item.accountId}|${item.vendorCode}`;
      return {
        accountId: item.accountId,
        vendorCode: item.vendorCode,
        returns: item.returns - (byEngine.get(`${series}|RETURN`) ?? 0),
        pairs: item.pairs - (byEngine.get(`${series}|CONTINUITY`) ?? 0),
      };
    });
}
