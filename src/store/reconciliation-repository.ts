// Reconciliation runs and their results: the periods a run reads (with their neighbours), the
// results it writes by bulk load, and the reads behind `reconcile --json`, the API and the cache.
import { sql } from 'kysely';
import type { CashFlow } from '../domain/canonical.ts';
import type { SourceLocation } from '../domain/errors.ts';
import type { CheckResult, ReconPeriod } from '../domain/reconciliation.ts';
import type { BulkLoader, CopyValue } from './db/bulk-load.ts';
import type { Executor } from './db/database.ts';
import type { ReconciliationRunsTable } from './schema.ts';

export interface PeriodSelection {
  from: string;
  to: string;
  vendorCode?: string | undefined;
  accountIds?: readonly string[] | undefined;
  /** Also list accounts last reported within this many days before `from` (missing-data checks). */
  lookbackDays?: number | undefined;
}

export interface AccountInScope {
  accountId: string;
  /** Its periods ending in range (0 for an account only recently reported before it). */
  periods: number;
}

/** The accounts with periods ending in range (and those recently reported before it), sorted. */
export async function accountsInScope(db: Executor, selection: PeriodSelection): Promise<AccountInScope[]> {
  const vendor = selection.vendorCode === undefined ? sql`` : sql`AND vendor_code = ${selection.vendorCode}`;
  const accounts =
    selection.accountIds === undefined
      ? sql``
      : sql`AND account_id = ANY(${[...selection.accountIds]}::text[])`;
  const recent =
    selection.lookbackDays === undefined
      ? sql``
      : sql`UNION ALL SELECT DISTINCT account_id, 0 FROM performance_periods
          WHERE period_end < ${selection.from}::date AND period_end >= ${selection.from}::date - ${selection.lookbackDays}::int
          ${vendor} ${accounts}`;
  const { rows } = await sql<{ account_id: string; periods: number }>`
    SELECT account_id, sum(n)::int AS periods FROM (
      SELECT account_id, count(*) AS n FROM performance_periods
      WHERE period_end BETWEEN ${selection.from}::date AND ${selection.to}::date ${vendor} ${accounts}
      GROUP BY account_id
      ${recent}) s
    GROUP BY account_id ORDER BY 1`.execute(db);
  return rows.map((row) => ({ accountId: row.account_id, periods: row.periods }));
}

interface PeriodRow {
  account_id: string;
  vendor_code: string;
  period_start: string;
  period_end: string;
  currency: string;
  begin_market_value: string;
  end_market_value: string;
  income: string | null;
  fees: string | null;
  vendor_return: string | null;
  return_basis: 'gross' | 'net';
  calculated_return: string | null;
  return_undefined_reason: string | null;
  file_id: number;
  config_version: string;
  calculation_version: string | null;
  source_location: SourceLocation | null;
}

const PERIOD_COLUMNS = sql`p.account_id, p.vendor_code, p.period_start, p.period_end, p.currency,
  p.begin_market_value, p.end_market_value, p.income, p.fees, p.vendor_return, p.return_basis,
  p.calculated_return, p.return_undefined_reason, p.file_id, p.config_version, p.calculation_version,
  p.source_location`;

/**
 * The periods of some accounts a run needs, all vendors: those ending in [from, to]; for the
 * cross-vendor spans, those from the earliest checked period's start; and per account and
 * vendor the period just before and just after the range (continuity, explanation).
 */
export async function loadPeriods(
  db: Executor,
  accountIds: readonly string[],
  from: string,
  to: string,
): Promise<Map<string, ReconPeriod[]>> {
  const ids = [...accountIds];
  const inRange = sql<PeriodRow>`
    WITH lower_bound AS (
      SELECT account_id, least(min(period_start), ${from}::date) AS lo FROM performance_periods
      WHERE account_id = ANY(${ids}::text[]) AND period_end BETWEEN ${from}::date AND ${to}::date
      GROUP BY account_id
    )
    SELECT ${PERIOD_COLUMNS} FROM performance_periods p JOIN lower_bound b ON b.account_id = p.account_id
    WHERE p.period_end <= ${to}::date AND p.period_end >= b.lo`.execute(db);
  const neighbours = sql<PeriodRow>`
    SELECT * FROM (
      SELECT DISTINCT ON (p.account_id, p.vendor_code) ${PERIOD_COLUMNS} FROM performance_periods p
      WHERE p.account_id = ANY(${ids}::text[]) AND p.period_end < ${from}::date
      ORDER BY p.account_id, p.vendor_code, p.period_end DESC, p.period_start DESC) previous
    UNION ALL
    SELECT * FROM (
      SELECT DISTINCT ON (p.account_id, p.vendor_code) ${PERIOD_COLUMNS} FROM performance_periods p
      WHERE p.account_id = ANY(${ids}::text[]) AND p.period_end > ${to}::date
      ORDER BY p.account_id, p.vendor_code, p.period_end, p.period_start) following`.execute(db);
  return withFlows(db, ids, [...(await inRange).rows, ...(await neighbours).rows]);
}

/** One period of an account's series, by its key. */
export interface PeriodKey {
  accountId: string;
  vendorCode: string;
  periodStart: string;
  periodEnd: string;
}

/**
 * Some periods with the ones adjoining them in their series (ending on their start, starting
 * on their end): what the return and continuity checks of those periods read, in a series
 * without gaps or overlaps. A key with no stored period reads nothing of its own.
 */
export async function loadPeriodsAround(
  db: Executor,
  keys: readonly PeriodKey[],
): Promise<Map<string, ReconPeriod[]>> {
  if (keys.length === 0) return new Map();
  const wanted = JSON.stringify(
    keys.map((k) => ({ a: k.accountId, v: k.vendorCode, s: k.periodStart, e: k.periodEnd })),
  );
  const { rows } = await sql<PeriodRow>`
    WITH k AS MATERIALIZED (
      SELECT * FROM json_to_recordset(${wanted}::json) AS k (a text, v text, s date, e date))
    SELECT ${PERIOD_COLUMNS} FROM performance_periods p JOIN k
      ON p.account_id = k.a AND p.vendor_code = k.v AND p.period_start = k.s AND p.period_end = k.e
    UNION
    SELECT ${PERIOD_COLUMNS} FROM performance_periods p JOIN k
      ON p.account_id = k.a AND p.vendor_code = k.v AND p.period_end = k.s
    UNION
    SELECT ${PERIOD_COLUMNS} FROM performance_periods p JOIN k
      ON p.account_id = k.a AND p.vendor_code = k.v AND p.period_start = k.e`.execute(db);
  return withFlows(db, [...new Set(keys.map((k) => k.accountId))], rows);
}

/** Rows as periods by account (each period once), with their flows read from `period_flows`. */
async function withFlows(
  db: Executor,
  ids: string[],
  rows: readonly PeriodRow[],
): Promise<Map<string, ReconPeriod[]>> {
  const byAccount = new Map<string, ReconPeriod[]>();
  if (rows.length === 0) return byAccount;
  const byKey = new Map<string, ReconPeriod>();
  let lowest = rows[0]?.period_end as string;
  let highest = rows[0]?.period_start as string;
  for (const row of rows) {
    const period: ReconPeriod = {
      accountId: row.account_id,
      vendorCode: row.vendor_code,
      periodStart: row.period_start,
      periodEnd: row.period_end,
      currency: row.currency,
      beginMarketValue: row.begin_market_value,
      endMarketValue: row.end_market_value,
      flows: [],
      income: row.income,
      fees: row.fees,
      vendorReturn: row.vendor_return,
      returnBasis: row.return_basis,
      calculatedReturn: row.calculated_return,
      returnUndefinedReason: row.return_undefined_reason,
      lineage: {
        fileId: row.file_id,
        configVersion: row.config_version,
        calculationVersion: row.calculation_version,
        sourceLocation: row.source_location,
      },
    };
    const key = `${row.account_id}|${row.vendor_code}|${row.period_start}|${row.period_end}`;
    // The period before the range may also be the start of a cross-vendor span: keep it once.
    if (byKey.has(key)) continue;
    byKey.set(key, period);
    if (row.period_end < lowest) lowest = row.period_end;
    if (row.period_start > highest) highest = row.period_start;
    const list = byAccount.get(row.account_id);
    if (list === undefined) byAccount.set(row.account_id, [period]);
    else list.push(period);
  }
  const flows = await sql<{
    account_id: string;
    vendor_code: string;
    period_start: string;
    period_end: string;
    flow_date: string;
    amount: string;
    timing: CashFlow['timing'];
  }>`
    SELECT account_id, vendor_code, period_start, period_end, flow_date, amount, timing FROM period_flows
    WHERE account_id = ANY(${ids}::text[]) AND period_end >= ${lowest}::date AND period_start <= ${highest}::date
    ORDER BY account_id, vendor_code, period_start, period_end, seq`.execute(db);
  for (const row of flows.rows) {
    byKey
      .get(`${row.account_id}|${row.vendor_code}|${row.period_start}|${row.period_end}`)
      ?.flows.push({ date: row.flow_date, amount: row.amount, timing: row.timing });
  }
  return byAccount;
}

/** The (account, vendor) pairs a stored file touched, with the range of their period ends. */
export async function periodsOfFile(db: Executor, fileId: number) {
  const { rows } = await sql<{
    account_id: string;
    vendor_code: string;
    first_end: string;
    last_end: string;
  }>`
    SELECT account_id, vendor_code, min(period_end) AS first_end, max(period_end) AS last_end
    FROM performance_periods WHERE file_id = ${fileId}
    GROUP BY account_id, vendor_code ORDER BY account_id, vendor_code`.execute(db);
  return rows;
}

/**
 * A run as its results name it: its id and its start to the microsecond (ISO text, UTC), which
 * every result carries as its partition key (kept equal to the run's by a foreign key).
 */
export interface RunRecord {
  id: number;
  startedAt: string;
}

const runStartText = sql<string>`to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export async function createRun(
  db: Executor,
  run: {
    trigger: ReconciliationRunsTable['trigger'];
    actor: string;
    inputs: Record<string, unknown>;
    status: 'RUNNING' | 'QUEUED';
  },
): Promise<RunRecord> {
  const row = await db
    .insertInto('reconciliation_runs')
    .values({
      trigger: run.trigger,
      actor: run.actor,
      inputs: JSON.stringify(run.inputs),
      status: run.status,
    })
    .returning(['id', runStartText.as('started_at')])
    .executeTakeFirstOrThrow();
  return { id: row.id, startedAt: row.started_at };
}

/** A QUEUED run taken by a worker: RUNNING from now; undefined when it is not queued (any more). */
export async function beginQueuedRun(db: Executor, runId: number): Promise<RunRecord | undefined> {
  const row = await db
    .updateTable('reconciliation_runs')
    .set({ status: 'RUNNING', started_at: sql`clock_timestamp()`, heartbeat_at: sql`clock_timestamp()` })
    .where('id', '=', runId)
    .where('status', '=', 'QUEUED')
    .returning(['id', runStartText.as('started_at')])
    .executeTakeFirst();
  return row === undefined ? undefined : { id: row.id, startedAt: row.started_at };
}

/** Advisory-lock class of reconciliation: key (class, hashtext(account)) serialises runs per account. */
const RECONCILE_LOCK_CLASS = 7_240_001;

/**
 * Hold every account of a batch until the caller's transaction ends, so two runs over one
 * account never interleave their reads and break updates. Locks are taken in the order of
 * their keys, the same in every run, so two runs cannot deadlock on them.
 */
export async function lockAccounts(trx: Executor, accountIds: readonly string[]): Promise<void> {
  await sql`
    SELECT pg_advisory_xact_lock(${RECONCILE_LOCK_CLASS}, k) FROM (
      SELECT DISTINCT hashtext(a) AS k FROM unnest(${[...accountIds]}::text[]) AS a ORDER BY 1) keys`.execute(
    trx,
  );
}

/** The run is alive: written with every batch, so a run whose process died can be told apart. */
export async function heartbeatRun(db: Executor, runId: number): Promise<void> {
  await db
    .updateTable('reconciliation_runs')
    .set({ heartbeat_at: sql`clock_timestamp()` })
    .where('id', '=', runId)
    .where('status', '=', 'RUNNING')
    .execute();
}

/** RUNNING runs without a heartbeat for this long are marked ABANDONED by `actor`; their ids. */
export async function abandonSilentRuns(
  db: Executor,
  actor: string,
  silentMinutes: number,
): Promise<number[]> {
  const rows = await db
    .updateTable('reconciliation_runs')
    .set({
      status: 'ABANDONED',
      abandoned_by: actor,
      abandoned_at: sql`clock_timestamp()`,
      finished_at: sql`clock_timestamp()`,
      error: sql`format('no heartbeat since %s: its process stopped', heartbeat_at)`,
    })
    .where('status', '=', 'RUNNING')
    .where('heartbeat_at', '<', sql<Date>`clock_timestamp() - make_interval(mins => ${silentMinutes})`)
    .returning('id')
    .execute();
  return rows.map((row) => row.id);
}

export async function finishRun(
  db: Executor,
  runId: number,
  summary: Record<string, unknown>,
): Promise<void> {
  await db
    .updateTable('reconciliation_runs')
    .set({ status: 'COMPLETED', finished_at: sql`clock_timestamp()`, summary: JSON.stringify(summary) })
    .where('id', '=', runId)
    .execute();
}

export async function failRun(db: Executor, runId: number, error: string): Promise<void> {
  await db
    .updateTable('reconciliation_runs')
    .set({ status: 'FAILED', finished_at: sql`clock_timestamp()`, error })
    .where('id', '=', runId)
    .execute();
}

export function getRun(db: Executor, runId: number) {
  return db.selectFrom('reconciliation_runs').selectAll().where('id', '=', runId).executeTakeFirst();
}

export function listRuns(db: Executor, limit = 20) {
  return db.selectFrom('reconciliation_runs').selectAll().orderBy('id', 'desc').limit(limit).execute();
}

const RESULT_COLUMNS = [
  'account_id',
  'run_id',
  'check_kind',
  'vendor_code',
  'counterparty',
  'period_start',
  'period_end',
  'status',
  'expected',
  'observed',
  'variance_bps',
  'variance_amount',
  'tolerance_bps',
  'rounding_bps',
  'market_value_abs',
  'market_value_rel',
  'tolerance_source',
  'file_id',
  'message',
  'cause',
  'details',
  'run_started_at',
] as const;

function resultRow(run: RunRecord, result: CheckResult): CopyValue[] {
  const { tolerance } = result;
  const valueCheck = result.kind === 'CONTINUITY' || result.kind === 'CROSS_VENDOR_MARKET_VALUE';
  return [
    result.accountId,
    run.id,
    result.kind,
    result.vendorCode,
    result.counterparty,
    result.periodStart,
    result.periodEnd,
    result.status,
    result.expected,
    result.observed,
    result.varianceBps,
    result.varianceAmount,
    valueCheck ? null : tolerance.returnBps,
    tolerance.roundingBps ?? null,
    valueCheck ? tolerance.marketValueAbs : null,
    valueCheck ? tolerance.marketValueRel : null,
    valueCheck ? tolerance.marketValueSource : tolerance.returnSource,
    result.fileId,
    result.message,
    result.explanation?.cause ?? null,
    result.status === 'FAILED' || result.explanation !== null
      ? { tolerance, inputs: result.inputs, explanation: result.explanation }
      : null,
    run.startedAt,
  ];
}

/** Append a batch of results (bulk load, outside any transaction). */
export function storeResults(
  bulk: BulkLoader,
  run: RunRecord,
  results: readonly CheckResult[],
): Promise<number> {
  return bulk.load(
    'reconciliation_results',
    RESULT_COLUMNS,
    results.map((result) => resultRow(run, result)),
  );
}

export interface ResultFilter {
  runId?: number;
  accountId?: string;
  vendorCode?: string;
  status?: 'PASSED' | 'FAILED';
  limit?: number;
}

export function listResults(db: Executor, filter: ResultFilter) {
  let query = db
    .selectFrom('reconciliation_results')
    .selectAll()
    .orderBy('run_id', 'desc')
    .orderBy('account_id')
    .orderBy('check_kind')
    .orderBy('vendor_code')
    .orderBy('period_end')
    .limit(filter.limit ?? 1000);
  if (filter.runId !== undefined) query = query.where('run_id', '=', filter.runId);
  if (filter.accountId !== undefined) query = query.where('account_id', '=', filter.accountId);
  if (filter.vendorCode !== undefined) query = query.where('vendor_code', '=', filter.vendorCode);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  return query.execute();
}

/** The latest result of every check of an account (what its status is now). */
export async function latestResults(db: Executor, accountId: string, from?: string, to?: string) {
  const { rows } = await sql<{
    run_id: number;
    check_kind: string;
    vendor_code: string;
    counterparty: string;
    period_start: string;
    period_end: string;
    status: 'PASSED' | 'FAILED';
    variance_bps: string | null;
    variance_amount: string | null;
    message: string;
    cause: string | null;
  }>`
    SELECT DISTINCT ON (check_kind, vendor_code, counterparty, period_start, period_end)
      run_id, check_kind, vendor_code, counterparty, period_start, period_end, status, variance_bps,
      variance_amount, message, cause
    FROM reconciliation_results
    WHERE account_id = ${accountId}
      AND period_end >= ${from ?? '0001-01-01'}::date AND period_end <= ${to ?? '9999-12-31'}::date
    ORDER BY check_kind, vendor_code, counterparty, period_start, period_end, run_id DESC`.execute(db);
  return rows;
}
