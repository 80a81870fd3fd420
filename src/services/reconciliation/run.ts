// The reconciliation run (SPEC §1.8, §4): for each account in scope, batch by batch (sized by
// periods), under the accounts' advisory locks, screen every check set-based and decide the
// accounts in doubt (src/reconcile), following the breaks (reconcile-batch.ts); then store the
// failures and the statuses that changed, invalidate the cache for the accounts covered; at the
// end summarize the run and alert.

import { type Cache, tags } from '../../cache/index.ts';
import type { AlertEvent, Notifier } from '../../domain/alert.ts';
import type { IsoDate } from '../../domain/canonical.ts';
import { parseIsoDate } from '../../domain/civil-date.ts';
import { InvalidInputError, throwIfAborted } from '../../domain/errors.ts';
import type { ReconcileJobData } from '../../domain/job.ts';
import type { VendorConfig } from '../../domain/vendor-config.ts';
import type { Logger } from '../../observe/logger.ts';
import {
  type KnownBreak,
  type RunScope,
  type RunSummary,
  SummaryBuilder,
  ToleranceBook,
} from '../../reconcile/index.ts';
import type { OpenedBreak } from '../../store/break-repository.ts';
import type { Database, Executor } from '../../store/db/database.ts';
import {
  abandonSilentRuns,
  accountsInScope,
  beginQueuedRun,
  createRun,
  failRun,
  finishRun,
  type RunRecord,
  storeResults,
} from '../../store/reconciliation-repository.ts';
import { listToleranceRules } from '../../store/tolerance-repository.ts';
import { vendorCodes } from '../../store/vendor-repository.ts';
import { accountBatches } from './batches.ts';
import { reconcileBatch, screenSettings } from './reconcile-batch.ts';
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
  /** Accounts per batch at most (default 1000); a batch also holds at most PERIODS_PER_BATCH periods. */
  batchSize?: number | undefined;
  /** Aborted when the job running this reconciliation loses its lease: stop between batches. */
  signal?: AbortSignal | undefined;
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

/** What the run records of its request (the range resolved). */
function runInputs(request: ReconcileRequest, scope: RunScope): Record<string, unknown> {
  return {
    from: scope.from === EARLIEST ? null : scope.from,
    to: scope.to === LATEST ? null : scope.to,
    vendor: request.vendorCode ?? null,
    account: request.accountId ?? null,
    accounts: request.accountIds === undefined ? null : request.accountIds.length,
    fileId: request.fileId ?? null,
    expectThrough: scope.expectThrough,
  };
}

/** Validate the request and record the run, then check (in this process). */
async function startReconciliation(
  deps: ReconcileDeps,
  request: ReconcileRequest,
): Promise<{ runId: number; outcome: Promise<ReconcileOutcome> }> {
  const started = Date.now();
  const { scope, lookback } = resolveScope(request);
  const inputs = runInputs(request, scope);
  await abandonRuns({ database: deps.database }, request.actor);
  const run = await createRun(deps.database.db, {
    trigger: request.trigger ?? 'manual',
    actor: request.actor,
    inputs,
    status: 'RUNNING',
  });
  await deps.cache.invalidate([tags.runs]);
  return {
    runId: run.id,
    outcome: runChecks(deps, request, { record: run, scope, lookback, inputs, started }),
  };
}

/** Queues reconciliation jobs inside the caller's transaction (the pipeline's queue). */
export interface ReconcileJobSender {
  send(data: ReconcileJobData, transaction: Executor): Promise<void>;
}

/**
 * Validate the request and record the run as QUEUED, its job queued in the same transaction (both
 * or neither): a worker runs it (runQueuedReconciliation). The run's id, to follow it.
 */
export async function queueReconciliation(
  deps: Pick<ReconcileDeps, 'database' | 'cache'>,
  request: ReconcileJobData['request'],
  jobs: ReconcileJobSender,
): Promise<number> {
  const { scope } = resolveScope(request);
  await abandonRuns({ database: deps.database }, request.actor);
  const runId = await deps.database.db.transaction().execute(async (trx) => {
    const { id } = await createRun(trx, {
      trigger: request.trigger,
      actor: request.actor,
      inputs: runInputs(request, scope),
      status: 'QUEUED',
    });
    await jobs.send({ runId: id, request }, trx);
    return id;
  });
  await deps.cache.invalidate([tags.runs]);
  return runId;
}

/**
 * A worker takes a queued run: RUNNING, then checked to its end (COMPLETED or FAILED). Undefined
 * when the run is not QUEUED (any more): another attempt of its job has taken it.
 */
export async function runQueuedReconciliation(
  deps: ReconcileDeps,
  job: ReconcileJobData,
  signal?: AbortSignal,
): Promise<ReconcileOutcome | undefined> {
  const request: ReconcileRequest = { ...job.request, signal };
  const { scope, lookback } = resolveScope(request);
  const record = await beginQueuedRun(deps.database.db, job.runId);
  if (record === undefined) return undefined;
  await deps.cache.invalidate([tags.runs]);
  const inputs = runInputs(request, scope);
  return runChecks(deps, request, { record, scope, lookback, inputs, started: Date.now() });
}

async function runChecks(
  deps: ReconcileDeps,
  request: ReconcileRequest,
  run: {
    record: RunRecord;
    scope: RunScope;
    lookback: boolean;
    inputs: Record<string, unknown>;
    started: number;
  },
): Promise<ReconcileOutcome> {
  const { record, scope, lookback, inputs, started } = run;
  const runId = record.id;
  const { db, bulk } = deps.database;
  const accountIds = accountFilter(request);
  const settings = vendorSettingsLookup(deps.vendors);
  const summary = new SummaryBuilder();
  const counts = { breaksOpened: 0, breaksSeenAgain: 0, breaksCleared: 0 };
  const opened: OpenedBreak[] = [];
  try {
    const rules = await listToleranceRules(db);
    const tolerances = new ToleranceBook(rules, (code) => settings(code).tolerances);
    const covered = (known: KnownBreak) =>
      known.periodEnd >= scope.from &&
      known.periodEnd <= scope.to &&
      (scope.vendorCodes === null ||
        scope.vendorCodes.has(known.vendorCode) ||
        scope.vendorCodes.has(known.counterparty));
    const accounts = await accountsInScope(db, {
      from: scope.from,
      to: scope.to,
      vendorCode: request.vendorCode,
      accountIds,
      lookbackDays: lookback ? LOOKBACK_DAYS : undefined,
    });
    const context = { tolerances, settings };
    const batchRun = { runId, actor: request.actor, scope, covered, vendorCodes: await vendorCodes(db) };
    const screen = screenSettings(batchRun, context);
    for (const batch of accountBatches(accounts, request.batchSize ?? 1000)) {
      throwIfAborted(request.signal);
      const synced = await reconcileBatch(db, batchRun, batch, context, screen);
      // Results are a record of the run, appended by bulk load outside the transaction.
      await storeResults(bulk, record, synced.stored);
      summary.add(synced.decided);
      for (const passed of synced.passed) {
        summary.addPassed(passed.accountId, passed.vendorCode, 'RETURN', passed.returns);
        summary.addPassed(passed.accountId, passed.vendorCode, 'CONTINUITY', passed.pairs);
      }
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

/**
 * Mark RUNNING runs that have written no heartbeat for `silentMinutes` (default 15; a batch
 * takes seconds) as ABANDONED by `actor`: their process died mid-run. Their committed batches
 * stand; a later run over the same accounts brings the breaks up to date. The ids marked.
 */
export function abandonRuns(
  deps: { database: Pick<Database, 'db'> },
  actor: string,
  silentMinutes = 15,
): Promise<number[]> {
  return abandonSilentRuns(deps.database.db, actor, silentMinutes);
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
