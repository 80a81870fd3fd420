// What retention purges, as SQL: superseded passing reconciliation results, old processing-log
// rows (each file's latest row stays) and old audit rows. Every statement covers one bounded
// slice — a few accounts' results, a window of ids — and the caller walks the slices in key
// order, so the whole purge reads each table once and never holds a long transaction.
import { type RawBuilder, sql } from 'kysely';
import type { Executor } from './db/database.ts';

/**
 * Remove the rows (or, on a dry run, only count them); returns how many. `scope` bounds the
 * partition key of the rows removed, so the delete touches only the partitions it can prune to.
 */
async function removeOrCount(
  db: Executor,
  table: string,
  doomed: RawBuilder<unknown>,
  key: readonly string[],
  scope: RawBuilder<unknown>,
  dryRun: boolean,
) {
  if (dryRun) {
    const { rows } = await sql<{
      n: string;
    }>`WITH doomed AS (${doomed}) SELECT count(*)::text AS n FROM doomed`.execute(db);
    return Number(rows[0]?.n ?? 0);
  }
  const keys = (alias: string) => sql.join(key.map((column) => sql.ref(`${alias}.${column}`)));
  const result = await sql`WITH doomed AS (${doomed})
    DELETE FROM ${sql.table(table)} t USING doomed d WHERE (${keys('t')}) = (${keys('d')}) AND ${scope}`.execute(
    db,
  );
  return Number(result.numAffectedRows ?? 0n);
}

/**
 * The next `limit` accounts that have reconciliation results, after `after` (null: from the
 * first), found by stepping through the primary key's leading column (one index probe each).
 */
export async function nextResultAccounts(
  db: Executor,
  after: string | null,
  limit: number,
): Promise<string[]> {
  const { rows } = await sql<{ account_id: string }>`
    WITH RECURSIVE step(account_id, n) AS (
      (SELECT account_id, 1 FROM reconciliation_results
        WHERE ${after === null ? sql`TRUE` : sql`account_id > ${after}`} ORDER BY account_id LIMIT 1)
      UNION ALL
      SELECT (SELECT r.account_id FROM reconciliation_results r WHERE r.account_id > step.account_id
          ORDER BY r.account_id LIMIT 1), n + 1
        FROM step WHERE step.account_id IS NOT NULL AND n < ${limit}
    )
    SELECT account_id FROM step WHERE account_id IS NOT NULL`.execute(db);
  return rows.map((row) => row.account_id);
}

const RESULT_KEY = [
  'account_id',
  'run_id',
  'check_kind',
  'vendor_code',
  'counterparty',
  'period_start',
  'period_end',
  'run_started_at',
];

/**
 * Of these accounts' results: PASSED ones from runs started before `cutoff` for which a later
 * run has a result of the same check (account, check, vendor, counterparty, period). The newest
 * result of a check and every FAILED result are never selected.
 */
export function purgeSupersededResults(
  db: Executor,
  accounts: readonly string[],
  cutoff: Date,
  dryRun: boolean,
) {
  // run_started_at is the run's start (a foreign key keeps it so) and the partition key.
  const doomed = sql`
    SELECT account_id, run_id, check_kind, vendor_code, counterparty, period_start, period_end, run_started_at
    FROM (
      SELECT account_id, run_id, check_kind, vendor_code, counterparty, period_start, period_end, status,
        run_started_at,
        max(run_id) OVER (PARTITION BY account_id, check_kind, vendor_code, counterparty, period_start, period_end) AS newest
      FROM reconciliation_results WHERE account_id = ANY(${[...accounts]}::text[])
    ) checks
    WHERE status = 'PASSED' AND run_id < newest AND run_started_at < ${cutoff}`;
  const scope = sql`t.run_started_at < ${cutoff}`;
  return removeOrCount(db, 'reconciliation_results', doomed, RESULT_KEY, scope, dryRun);
}

export type AgedTable = 'etl_processing_log' | 'audit_log' | 'metric_samples';

/** The id range holding every row older than `cutoff` (rows are numbered as they are written). */
export async function agedIdRange(
  db: Executor,
  table: AgedTable,
  cutoff: Date,
): Promise<{ first: number; last: number } | undefined> {
  const { rows } = await sql<{ first: number | null; last: number | null }>`
    SELECT min(id) AS first, max(id) AS last FROM ${sql.table(table)} WHERE at < ${cutoff}`.execute(db);
  const range = rows[0];
  return range?.first == null || range.last == null ? undefined : { first: range.first, last: range.last };
}

/**
 * Rows with ids in [from, to) older than `cutoff`. Of the processing log, each file's latest row
 * stays whatever its age: it is the file's current state on its timeline.
 */
export function purgeAgedRows(
  db: Executor,
  table: AgedTable,
  window: { from: number; to: number },
  cutoff: Date,
  dryRun: boolean,
) {
  const latestStays =
    table === 'etl_processing_log'
      ? sql`AND EXISTS (SELECT 1 FROM etl_processing_log n WHERE n.file_id = r.file_id AND n.id > r.id)`
      : sql``;
  const doomed = sql`SELECT r.id FROM ${sql.table(table)} r
    WHERE r.id >= ${window.from} AND r.id < ${window.to} AND r.at < ${cutoff} ${latestStays}`;
  return removeOrCount(db, table, doomed, ['id'], sql`t.at < ${cutoff}`, dryRun);
}

/**
 * Only one retention run at a time across every process on this database (workers on many
 * machines schedule it): a session lock on the connection the run uses. False: another holds it.
 */
export async function tryRetentionLock(db: Executor): Promise<boolean> {
  const { rows } = await sql<{ locked: boolean }>`
    SELECT pg_try_advisory_lock(hashtext('perfrecon.retention')) AS locked`.execute(db);
  return rows[0]?.locked === true;
}

export async function releaseRetentionLock(db: Executor): Promise<void> {
  await sql`SELECT pg_advisory_unlock(hashtext('perfrecon.retention'))`.execute(db);
}

/** Archived landing files that were deleted are no longer anywhere: their file rows say so. */
export async function forgetStoredPaths(db: Executor, paths: readonly string[]): Promise<number> {
  if (paths.length === 0) return 0;
  const result =
    await sql`UPDATE files SET stored_path = NULL WHERE stored_path = ANY(${[...paths]}::text[])`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

/** One audit row per retention run that removed something: what, up to when, and who ran it. */
export async function auditRetention(
  db: Executor,
  actor: string,
  details: Record<string, unknown>,
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      table_name: 'retention',
      row_key: JSON.stringify({}),
      action: 'PURGE',
      old_values: null,
      new_values: JSON.stringify(details),
      actor,
    })
    .execute();
}
