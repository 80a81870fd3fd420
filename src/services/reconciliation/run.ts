// The reconciliation run (SPEC §1.8, §4): for each account in scope, batch by batch, load the
// periods with their neighbours, decide every check (src/reconcile), store the results, follow
// the breaks, invalidate the cache for the accounts covered; then summarize the run and alert.

import { type Cache, tags } from '../../cache/index.ts';
import type { AlertEvent, Notifier } from '../../domain/alert.ts';
import type { IsoDate } from '../../domain/canonical.ts';
import { parseIsoDate } from '../../domain/civil-date.ts';
import { InvalidInputError } from '../../domain/errors.ts';
import type { VendorConfig } from '../../domain/vendor-config.ts';
import type { Logger } from '../../observe/logger.ts';
import {
  type CheckResult,
  type KnownBreak,
  planBreakSync,
  type ReconPeriod,
  type RunScope,
  type RunSummary,
  reconcileAccount,
  SummaryBuilder,
  ToleranceBook,
} from '../../reconcile/index.ts';
import { applyBreakSync, knownBreaks, type OpenedBreak } from '../../store/break-repository.ts';
import type { Database } from '../../store/db/database.ts';
import {
  accountsInScope,
  createRun,
  failRun,
  finishRun,
  loadPeriods,
  storeResults,
} from '../../store/reconciliation-repository.ts';
import { listToleranceRules } from '../../store/tolerance-repository.ts';
import { setAuditActor } from '../../store/vendor-repository.ts';
import { vendorSettingsLookup } from './vendor-settings.ts';

export interface ReconcileDeps {
  database: Pick<Database, 'db' | 'bulk'>;
  vendors: readonly VendorConfig[];
  notifier: Notifier;
  cache: Cache;
  logger?: Logger | undefined;
}

export interface ReconcileRequest {
  /** Periods ending on this date (same as from = to = date). */
  date?: IsoDate | undefined;
  from?: IsoDate | undefined;
  to?: IsoDate | undefined;
  vendorCode?: string | undefined;
  accountId?: string | undefined;
  accountIds?: readonly string[] | undefined;
  trigger?: 'manual' | 'ingest' | 'schedule';
  fileId?: number | undefined;
  actor: string;
  /**
   * The date each vendor's series must reach (missing periods at the end). Default: the
   * explicit --date or --to; none for a run over everything or after an ingest.
   */
  expectThrough?: IsoDate | null | undefined;
  /** Accounts per batch (default 1000). */
  batchSize?: number | undefined;
}

export interface ReconcileOutcome {
  runId: number;
  inputs: Record<string, unknown>;
  summary: RunSummary & { breaksOpened: number; breaksSeenAgain: number; breaksCleared: number };
  durationMs: number;
}

const EARLIEST = '0001-01-01';
const LATEST = '9999-12-31';
/** An account last reported this many days before the range is expected in it. */
const LOOKBACK_DAYS = 95;
/** Above this many new breaks in a run, one alert lists the worst instead of one alert each. */
const ALERTS_PER_BREAK_LIMIT = 20;

function checkDate(name: string, value: string | undefined): string | undefined {
  return value === undefined ? undefined : parseIsoDate(name, value);
}

/** The run's range and scope from a request, validated. */
export function resolveScope(request: ReconcileRequest): { scope: RunScope; lookback: boolean } {
  checkDate('--date', request.date);
  checkDate('--from', request.from);
  checkDate('--to', request.to);
  if (request.date !== undefined && (request.from !== undefined || request.to !== undefined)) {
    throw new InvalidInputError('give either --date or --from/--to, not both');
  }
  const from = request.date ?? request.from ?? EARLIEST;
  const to = request.date ?? request.to ?? LATEST;
  if (to < from) throw new InvalidInputError(`--to ${to} is before --from ${from}`);
  const explicitEnd = request.date ?? request.to;
  const expectThrough = request.expectThrough === undefined ? (explicitEnd ?? null) : request.expectThrough;
  return {
    scope: {
      from,
      to,
      vendorCodes: request.vendorCode === undefined ? null : new Set([request.vendorCode]),
      expectThrough,
    },
    lookback: expectThrough !== null && from !== EARLIEST,
  };
}

function accountFilter(request: ReconcileRequest): string[] | undefined {
  if (request.accountId !== undefined && request.accountIds !== undefined) {
    return request.accountIds.filter((id) => id === request.accountId);
  }
  if (request.accountId !== undefined) return [request.accountId];
  return request.accountIds === undefined ? undefined : [...request.accountIds];
}

export async function reconcile(deps: ReconcileDeps, request: ReconcileRequest): Promise<ReconcileOutcome> {
  return (await startReconciliation(deps, request)).outcome;
}

export interface StartedRun {
  runId: number;
  /** The run's work, going on; it rejects when the run fails (the run is then FAILED). */
  outcome: Promise<ReconcileOutcome>;
}

/** Validate the request and record the run, then check: the caller has the run id at once. */
export async function startReconciliation(
  deps: ReconcileDeps,
  request: ReconcileRequest,
): Promise<StartedRun> {
  const started = Date.now();
  const { scope, lookback } = resolveScope(request);
  const inputs: Record<string, unknown> = {
    from: scope.from === EARLIEST ? null : scope.from,
    to: scope.to === LATEST ? null : scope.to,
    vendor: request.vendorCode ?? null,
    account: request.accountId ?? null,
    accounts: request.accountIds === undefined ? null : request.accountIds.length,
    fileId: request.fileId ?? null,
    expectThrough: scope.expectThrough,
  };
  const runId = await createRun(deps.database.db, {
    trigger: request.trigger ?? 'manual',
    actor: request.actor,
    inputs,
  });
  await deps.cache.invalidate([tags.runs]);
  return { runId, outcome: runChecks(deps, request, { runId, scope, lookback, inputs, started }) };
}

async function runChecks(
  deps: ReconcileDeps,
  request: ReconcileRequest,
  run: {
    runId: number;
    scope: RunScope;
    lookback: boolean;
    inputs: Record<string, unknown>;
    started: number;
  },
): Promise<ReconcileOutcome> {
  const { runId, scope, lookback, inputs, started } = run;
  const { db, bulk } = deps.database;
  const accountIds = accountFilter(request);
  const settings = vendorSettingsLookup(deps.vendors);
  const summary = new SummaryBuilder();
  const counts = { breaksOpened: 0, breaksSeenAgain: 0, breaksCleared: 0 };
  const opened: OpenedBreak[] = [];
  try {
    const rules = await listToleranceRules(db);
    const tolerances = new ToleranceBook(rules, (code) => settings(code).tolerances);
    const accounts = await accountsInScope(db, {
      from: scope.from,
      to: scope.to,
      vendorCode: request.vendorCode,
      accountIds,
      lookbackDays: lookback ? LOOKBACK_DAYS : undefined,
    });
    const batchSize = request.batchSize ?? 1000;
    const batches: string[][] = [];
    for (let index = 0; index < accounts.length; index += batchSize)
      batches.push(accounts.slice(index, index + batchSize));
    // The next batch is read while this one is decided and written: the database works while
    // this process computes. The handler only keeps an early failure from being "unhandled";
    // it is thrown where the batch is awaited.
    const prefetch = (batch: string[] | undefined) => {
      if (batch === undefined) return undefined;
      const loading = loadPeriods(db, batch, scope.from, scope.to);
      loading.catch(() => {});
      return loading;
    };
    let next = prefetch(batches[0]);
    for (let index = 0; index < batches.length; index++) {
      const batch = batches[index] as string[];
      const periods = await (next as Promise<Map<string, ReconPeriod[]>>);
      next = prefetch(batches[index + 1]);
      const results: CheckResult[] = [];
      for (const accountId of batch) {
        results.push(
          ...reconcileAccount(accountId, periods.get(accountId) ?? [], scope, { tolerances, settings }),
        );
      }
      await storeResults(bulk, runId, results);
      summary.add(results);
      const covered = (known: KnownBreak) =>
        known.periodEnd >= scope.from &&
        known.periodEnd <= scope.to &&
        (scope.vendorCodes === null ||
          scope.vendorCodes.has(known.vendorCode) ||
          scope.vendorCodes.has(known.counterparty));
      const synced = await db.transaction().execute(async (trx) => {
        await setAuditActor(trx, request.actor);
        const plan = planBreakSync(await knownBreaks(trx, batch), results, covered);
        const inserted = await applyBreakSync(trx, runId, plan);
        return { inserted, seen: plan.seen.length, cleared: plan.clear.length };
      });
      counts.breaksOpened += synced.inserted.length;
      counts.breaksSeenAgain += synced.seen;
      counts.breaksCleared += synced.cleared;
      opened.push(...synced.inserted.slice(0, Math.max(0, ALERTS_PER_BREAK_LIMIT + 1 - opened.length)));
      // A reader must not see the status from before this batch: retire the accounts' entries.
      await deps.cache.invalidate([...batch.map(tags.account), tags.breaks]);
    }
    const result = { ...summary.build(), ...counts };
    await finishRun(db, runId, result as unknown as Record<string, unknown>);
    await deps.cache.invalidate([tags.runs, tags.breaks]);
    const outcome: ReconcileOutcome = { runId, inputs, summary: result, durationMs: Date.now() - started };
    await alert(deps, outcome, opened);
    return outcome;
  } catch (error) {
    await failRun(db, runId, (error as Error).message).catch(() => {});
    await deps.cache.invalidate([tags.runs, tags.breaks]);
    throw error;
  }
}

function describeBreak(row: OpenedBreak) {
  return {
    break: row.id,
    account: row.account_id,
    check: row.check_kind,
    vendor: row.counterparty === '' ? row.vendor_code : `${row.vendor_code} vs ${row.counterparty}`,
    period: `${row.period_start} → ${row.period_end}`,
    varianceBps: row.variance_bps === null ? null : Number(row.variance_bps),
    varianceAmount: row.variance_amount,
    cause: row.cause,
  };
}

/** Tolerance-violation alerts for the breaks this run opened, and the run summary. */
async function alert(deps: ReconcileDeps, outcome: ReconcileOutcome, opened: OpenedBreak[]): Promise<void> {
  const { summary, runId } = outcome;
  const events: AlertEvent[] = [];
  if (summary.breaksOpened > 0 && summary.breaksOpened <= ALERTS_PER_BREAK_LIMIT) {
    for (const row of opened) {
      events.push({
        kind: 'tolerance_violation',
        severity: 'warning',
        title: `Break ${row.id}: ${row.check_kind} ${row.account_id} ${row.vendor_code}${row.counterparty ? ` vs ${row.counterparty}` : ''} ${row.period_end}`,
        details: { ...describeBreak(row), message: row.message, run: runId },
        dedupeKey: `break:${row.account_id}|${row.check_kind}|${row.vendor_code}|${row.counterparty}|${row.period_start}|${row.period_end}`,
      });
    }
  } else if (summary.breaksOpened > ALERTS_PER_BREAK_LIMIT) {
    events.push({
      kind: 'tolerance_violation',
      severity: 'warning',
      title: `Reconciliation run ${runId}: ${summary.breaksOpened} new breaks`,
      details: { run: runId, newBreaks: summary.breaksOpened, worst: summary.worstBreaks },
      dedupeKey: `run-breaks:${runId}`,
    });
  }
  events.push({
    kind: 'run_summary',
    severity: 'info',
    title: `Reconciliation run ${runId}: ${summary.checked} checks, ${summary.failed} failed (${summary.passRate === null ? 'n/a' : `${(summary.passRate * 100).toFixed(2)}%`} passed)`,
    details: {
      run: runId,
      checked: summary.checked,
      passed: summary.passed,
      failed: summary.failed,
      passRate: summary.passRate,
      accounts: summary.accounts,
      breaksOpened: summary.breaksOpened,
      breaksCleared: summary.breaksCleared,
      perVendor: summary.perVendor,
    },
    dedupeKey: `run-summary:${runId}`,
  });
  for (const event of events) {
    // Alerts never fail a run: the dispatcher retries and logs; a broken notifier is logged here.
    await deps.notifier
      .notify(event)
      .catch((error: Error) => deps.logger?.error({ err: error.message }, 'alert failed'));
  }
}
