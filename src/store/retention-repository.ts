// What retention purges, as SQL: superseded passing reconciliation results, old processing-log
// rows (each file's latest row stays) and old audit rows. Each purge deletes one bounded batch
// per call, so a large backlog never holds locks or a transaction for long; the caller loops.
import { type RawBuilder, sql } from 'kysely';
import type { Executor } from './db/database.ts';

/** The rows a purge removes, as a WHERE over alias `r` of its table (shared by count and delete). */
interface Purge {
  table: string;
  key: readonly string[];
  where: (cutoff: Date) => RawBuilder<unknown>;
}

/**
 * A passing result is superseded when a later run has a result for the same check (account,
 * check, vendor, counterparty, period). The newest result of a check is never superseded, and
 * FAILED results are never selected: both stay forever.
 */
const SUPERSEDED_RESULTS: Purge = {
  table: 'reconciliation_results',
  key: ['account_id', 'run_id', 'check_kind', 'vendor_code', 'counterparty', 'period_start', 'period_end'],
  where: (cutoff) => sql`r.status = 'PASSED'
    AND r.run_id IN (SELECT id FROM reconciliation_runs WHERE started_at < ${cutoff})
    AND EXISTS (SELECT 1 FROM reconciliation_results n
      WHERE n.account_id = r.account_id AND n.check_kind = r.check_kind AND n.vendor_code = r.vendor_code
        AND n.counterparty = r.counterparty AND n.period_start = r.period_start
        AND n.period_end = r.period_end AND n.run_id > r.run_id)`,
};

/** Old timeline rows of a file; its latest row (its current state) stays whatever its age. */
const OLD_PROCESSING_LOG: Purge = {
  table: 'etl_processing_log',
  key: ['id'],
  where: (cutoff) => sql`r.at < ${cutoff}
    AND EXISTS (SELECT 1 FROM etl_processing_log n WHERE n.file_id = r.file_id AND n.id > r.id)`,
};

const OLD_AUDIT: Purge = {
  table: 'audit_log',
  key: ['id'],
  where: (cutoff) => sql`r.at < ${cutoff}`,
};

export const PURGES = {
  supersededResults: SUPERSEDED_RESULTS,
  processingLog: OLD_PROCESSING_LOG,
  audit: OLD_AUDIT,
} as const;
export type PurgeName = keyof typeof PURGES;

/** How many rows a purge would remove now. */
export async function countPurgeable(db: Executor, name: PurgeName, cutoff: Date): Promise<number> {
  const purge = PURGES[name];
  const { rows } = await sql<{ n: string }>`
    SELECT count(*)::text AS n FROM ${sql.table(purge.table)} r WHERE ${purge.where(cutoff)}`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/** Remove up to `batch` rows of a purge; returns how many went (fewer than `batch`: done). */
export async function purgeBatch(
  db: Executor,
  name: PurgeName,
  cutoff: Date,
  batch: number,
): Promise<number> {
  const purge = PURGES[name];
  const keys = sql.join(purge.key.map((column) => sql.ref(`r.${column}`)));
  const doomedKeys = sql.join(purge.key.map((column) => sql.ref(`d.${column}`)));
  const result = await sql`
    WITH doomed AS (
      SELECT ${keys} FROM ${sql.table(purge.table)} r WHERE ${purge.where(cutoff)} LIMIT ${batch}
    )
    DELETE FROM ${sql.table(purge.table)} r USING doomed d WHERE (${keys}) = (${doomedKeys})`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
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
  const result = await db
    .updateTable('files')
    .set({ stored_path: null })
    .where('stored_path', 'in', [...paths])
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
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
