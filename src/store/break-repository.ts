// Breaks: FAILED results followed from run to run, and the operators' actions on them. The
// audit triggers record every break opened and every status change with its actor (set per
// transaction with setAuditActor); a break's history is read back from the audit log.
import { sql } from 'kysely';
import {
  ACTIVE_STATUSES,
  type BreakSort,
  type BreakStatus,
  type BreakSyncPlan,
  breakFingerprint,
  type CheckResult,
  checkKey,
  type KnownBreak,
} from '../domain/reconciliation.ts';
import type { Executor } from './db/database.ts';

/** The breaks of some accounts a run may see again or clear: active ones, and resolved ones not yet cleared. */
export async function knownBreaks(db: Executor, accountIds: readonly string[]): Promise<KnownBreak[]> {
  const rows = await db
    .selectFrom('reconciliation_breaks')
    .select([
      'id',
      'account_id',
      'check_kind',
      'vendor_code',
      'counterparty',
      'period_start',
      'period_end',
      'status',
      'fingerprint',
    ])
    .where('account_id', '=', sql<string>`ANY(${[...accountIds]}::text[])`)
    .where((eb) =>
      eb.or([
        eb('status', 'in', [...ACTIVE_STATUSES]),
        eb.and([eb('status', '=', 'RESOLVED'), eb('cleared_run_id', 'is', null)]),
      ]),
    )
    .execute();
  return rows.map((row) => ({
    id: row.id,
    accountId: row.account_id,
    key: checkKey({
      kind: row.check_kind as CheckResult['kind'],
      vendorCode: row.vendor_code,
      counterparty: row.counterparty,
      periodStart: row.period_start,
      periodEnd: row.period_end,
    }),
    status: row.status,
    fingerprint: row.fingerprint,
    kind: row.check_kind as CheckResult['kind'],
    vendorCode: row.vendor_code,
    counterparty: row.counterparty,
    periodStart: row.period_start,
    periodEnd: row.period_end,
  }));
}

function figures(result: CheckResult) {
  return {
    expected: result.expected,
    observed: result.observed,
    variance_bps: result.varianceBps,
    variance_amount: result.varianceAmount,
    tolerance: result.tolerance,
    message: result.message,
    cause: result.explanation?.cause ?? null,
    explanation: result.explanation,
    inputs: result.inputs,
    fingerprint: breakFingerprint(result),
  };
}

export interface OpenedBreak {
  id: number;
  account_id: string;
  check_kind: string;
  vendor_code: string;
  counterparty: string;
  period_start: string;
  period_end: string;
  variance_bps: string | null;
  variance_amount: string | null;
  message: string;
  cause: string | null;
}

/** Apply one batch's sync plan inside the caller's transaction; returns the breaks it opened. */
export async function applyBreakSync(
  db: Executor,
  runId: number,
  plan: BreakSyncPlan,
): Promise<OpenedBreak[]> {
  let opened: OpenedBreak[] = [];
  if (plan.open.length > 0) {
    const records = plan.open.map((result) => ({
      account_id: result.accountId,
      check_kind: result.kind,
      vendor_code: result.vendorCode,
      counterparty: result.counterparty,
      period_start: result.periodStart,
      period_end: result.periodEnd,
      ...figures(result),
    }));
    // Idempotent on the active-break key: a break another run opened a moment before is seen
    // again (its figures brought up to date), not opened twice.
    const inserted = await sql<OpenedBreak & { inserted: boolean }>`
      INSERT INTO reconciliation_breaks (account_id, check_kind, vendor_code, counterparty, period_start, period_end,
        status, opened_run_id, last_seen_run_id, expected, observed, variance_bps, variance_amount, tolerance, message,
        cause, explanation, inputs, fingerprint)
      SELECT account_id, check_kind, vendor_code, counterparty, period_start, period_end, 'OPEN', ${runId}, ${runId},
        expected, observed, variance_bps, variance_amount, tolerance, message, cause, explanation, inputs, fingerprint
      FROM jsonb_to_recordset(${JSON.stringify(records)}::jsonb) AS r (account_id text, check_kind text, vendor_code text,
        counterparty text, period_start date, period_end date, expected numeric, observed numeric, variance_bps numeric,
        variance_amount numeric, tolerance jsonb, message text, cause text, explanation jsonb, inputs jsonb, fingerprint text)
      ON CONFLICT (account_id, check_kind, vendor_code, counterparty, period_start, period_end)
        WHERE status IN ('OPEN', 'ACKNOWLEDGED', 'PENDING_APPROVAL')
      DO UPDATE SET last_seen_run_id = ${runId}, last_seen_at = clock_timestamp(),
        occurrences = reconciliation_breaks.occurrences + 1, expected = excluded.expected,
        observed = excluded.observed, variance_bps = excluded.variance_bps,
        variance_amount = excluded.variance_amount, tolerance = excluded.tolerance, message = excluded.message,
        cause = excluded.cause, explanation = excluded.explanation, inputs = excluded.inputs,
        fingerprint = excluded.fingerprint
      RETURNING id, account_id, check_kind, vendor_code, counterparty, period_start, period_end, variance_bps,
        variance_amount, message, cause, (xmax = 0) AS inserted`.execute(db);
    opened = inserted.rows.filter((row) => row.inserted).map(({ inserted: _, ...row }) => row);
  }
  if (plan.seen.length > 0) {
    const records = plan.seen.map(({ id, accountId, result }) => ({
      id,
      account_id: accountId,
      ...figures(result),
    }));
    // A resolved break keeps the figures it was resolved on; an active one shows the latest.
    await sql`
      UPDATE reconciliation_breaks b SET
        last_seen_run_id = ${runId}, last_seen_at = clock_timestamp(), occurrences = b.occurrences + 1,
        expected = CASE WHEN b.status = 'RESOLVED' THEN b.expected ELSE r.expected END,
        observed = CASE WHEN b.status = 'RESOLVED' THEN b.observed ELSE r.observed END,
        variance_bps = CASE WHEN b.status = 'RESOLVED' THEN b.variance_bps ELSE r.variance_bps END,
        variance_amount = CASE WHEN b.status = 'RESOLVED' THEN b.variance_amount ELSE r.variance_amount END,
        tolerance = CASE WHEN b.status = 'RESOLVED' THEN b.tolerance ELSE r.tolerance END,
        message = CASE WHEN b.status = 'RESOLVED' THEN b.message ELSE r.message END,
        cause = CASE WHEN b.status = 'RESOLVED' THEN b.cause ELSE r.cause END,
        explanation = CASE WHEN b.status = 'RESOLVED' THEN b.explanation ELSE r.explanation END,
        inputs = CASE WHEN b.status = 'RESOLVED' THEN b.inputs ELSE r.inputs END,
        fingerprint = CASE WHEN b.status = 'RESOLVED' THEN b.fingerprint ELSE r.fingerprint END
      FROM jsonb_to_recordset(${JSON.stringify(records)}::jsonb) AS r (id bigint, account_id text, expected numeric,
        observed numeric, variance_bps numeric, variance_amount numeric, tolerance jsonb, message text, cause text,
        explanation jsonb, inputs jsonb, fingerprint text)
      WHERE b.account_id = r.account_id AND b.id = r.id`.execute(db);
  }
  if (plan.clear.length > 0) {
    const keys = plan.clear.map((item) => ({ id: item.id, account_id: item.accountId }));
    await sql`
      UPDATE reconciliation_breaks b SET
        status = CASE WHEN b.status = 'RESOLVED' THEN 'RESOLVED' ELSE 'CLEARED' END,
        cleared_run_id = ${runId}, cleared_at = clock_timestamp()
      FROM jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) AS r (id bigint, account_id text)
      WHERE b.account_id = r.account_id AND b.id = r.id`.execute(db);
  }
  return opened;
}

/** The column of each sort order; then by id, so pages are stable. */
const SORT_COLUMNS = {
  openedAt: 'opened_at',
  periodEnd: 'period_end',
  varianceBps: 'variance_bps',
  accountId: 'account_id',
} as const satisfies Record<BreakSort, string>;

export interface BreakFilter {
  statuses?: readonly BreakStatus[];
  accountId?: string;
  vendorCode?: string;
  limit?: number;
  offset?: number;
  sort?: BreakSort;
  order?: 'asc' | 'desc';
}

export function listBreaks(db: Executor, filter: BreakFilter = {}) {
  const order = filter.order ?? 'asc';
  let query = db
    .selectFrom('reconciliation_breaks')
    .selectAll()
    .orderBy(SORT_COLUMNS[filter.sort ?? 'openedAt'], order)
    .orderBy('id', order)
    .limit(filter.limit ?? 500)
    .offset(filter.offset ?? 0);
  if (filter.statuses !== undefined && filter.statuses.length > 0)
    query = query.where('status', 'in', [...filter.statuses]);
  if (filter.accountId !== undefined) query = query.where('account_id', '=', filter.accountId);
  if (filter.vendorCode !== undefined) {
    const vendor = filter.vendorCode;
    query = query.where((eb) => eb.or([eb('vendor_code', '=', vendor), eb('counterparty', '=', vendor)]));
  }
  return query.execute();
}

export type BreakRow = Awaited<ReturnType<typeof listBreaks>>[number];

export function findBreak(db: Executor, id: number, forUpdate = false) {
  const query = db.selectFrom('reconciliation_breaks').selectAll().where('id', '=', id);
  return (forUpdate ? query.forUpdate() : query).executeTakeFirst();
}

export interface BreakActionUpdate {
  status: BreakStatus;
  stamp: 'acknowledged' | 'resolved' | 'approved' | 'reopened';
  actor: string;
  comment: string | null;
}

export async function updateBreakAction(
  db: Executor,
  row: { id: number; account_id: string },
  change: BreakActionUpdate,
) {
  const now = sql<Date>`clock_timestamp()`;
  const stamp =
    change.stamp === 'acknowledged'
      ? { acknowledged_by: change.actor, acknowledged_at: now, acknowledge_comment: change.comment }
      : change.stamp === 'resolved'
        ? { resolved_by: change.actor, resolved_at: now, resolution_comment: change.comment }
        : change.stamp === 'approved'
          ? { approved_by: change.actor, approved_at: now }
          : // The resolution is withdrawn; the audit log keeps what it was.
            {
              reopened_by: change.actor,
              reopened_at: now,
              reopen_comment: change.comment,
              resolved_by: null,
              resolved_at: null,
              resolution_comment: null,
              approved_by: null,
              approved_at: null,
            };
  return db
    .updateTable('reconciliation_breaks')
    .set({ status: change.status, ...stamp })
    .where('account_id', '=', row.account_id)
    .where('id', '=', row.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Every audited change of a break, oldest first. */
export function breakHistory(db: Executor, row: { id: number; account_id: string }) {
  return db
    .selectFrom('audit_log')
    .select(['action', 'actor', 'at', 'old_values', 'new_values'])
    .where('table_name', '=', 'reconciliation_breaks')
    .where(sql<boolean>`row_key = ${JSON.stringify({ account_id: row.account_id, id: row.id })}::jsonb`)
    .orderBy('id')
    .execute();
}

/** Open breaks (not resolved, not cleared) with their age, oldest first: the digest's input. */
export async function openBreaksByAge(db: Executor, limit = 1000) {
  return db
    .selectFrom('reconciliation_breaks')
    .select([
      'id',
      'account_id',
      'check_kind',
      'vendor_code',
      'counterparty',
      'period_start',
      'period_end',
      'status',
      'opened_at',
      'variance_bps',
      'variance_amount',
      'cause',
      'message',
    ])
    .where('status', 'in', [...ACTIVE_STATUSES])
    .orderBy('opened_at')
    .orderBy('id')
    .limit(limit)
    .execute();
}

export async function countOpenBreaks(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('reconciliation_breaks')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('status', 'in', [...ACTIVE_STATUSES])
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
