// The set-based part of a reconciliation run: one query over a batch's stored periods (the same
// periods loadPeriods reads: those ending in range, from the earliest checked start, and each
// series' neighbours before and after) that finds the accounts whose every check surely passes
// and counts their checks. Only the other accounts — a return outside 99.9 % of its allowance,
// a begin value that is not exactly the previous end value, an overlap or gap, data missing at
// the end, two vendors — are read and decided by the engine (src/reconcile), which stays the one
// judge of every failure: the screen only ever sends it more, never decides a break.
import { sql } from 'kysely';
import type { Executor } from './db/database.ts';

export interface ScreenRequest {
  accountIds: readonly string[];
  from: string;
  to: string;
  /** The vendors checked; null: all. */
  vendorCodes: readonly string[] | null;
  expectThrough: string | null;
  /** Return tolerance by date range; accountId null for accounts without rules of their own. */
  tolerances: readonly {
    accountId: string | null;
    vendorCode: string;
    from: string;
    to: string;
    returnBps: number;
  }[];
  /** Configured reporting precision (decimals of a fraction) per vendor; others are read from the digits. */
  roundingDecimals: readonly { vendorCode: string; decimals: number }[];
}

export interface ScreenedAccount {
  accountId: string;
  vendorCode: string;
  /** True when the engine must decide this account's checks. */
  doubt: boolean;
  /** Return checks (a vendor return in range), and continuity pairs (either period in range). */
  returns: number;
  pairs: number;
}

/** A check passes surely when its difference is within this share of what it is allowed. */
const SURE_SHARE = 0.999;

export async function screenAccounts(db: Executor, request: ScreenRequest): Promise<ScreenedAccount[]> {
  const ids = [...request.accountIds];
  const { from, to } = request;
  const vendors = request.vendorCodes === null ? null : [...request.vendorCodes];
  const tolerances = JSON.stringify(
    request.tolerances.map((t) => ({
      account_id: t.accountId,
      vendor_code: t.vendorCode,
      valid_from: t.from,
      valid_to: t.to,
      return_bps: t.returnBps,
    })),
  );
  const rounding = JSON.stringify(
    request.roundingDecimals.map((r) => ({ vendor_code: r.vendorCode, decimals: r.decimals })),
  );
  const columns = sql`p.account_id, p.vendor_code, p.period_start, p.period_end, p.begin_market_value,
    p.end_market_value, p.vendor_return, p.calculated_return`;
  const { rows } = await sql<{
    account_id: string;
    vendor_code: string;
    doubt: boolean;
    returns: number;
    pairs: number;
  }>`
    WITH tolerance AS MATERIALIZED (
      SELECT * FROM json_to_recordset(${tolerances}::json)
        AS t (account_id text, vendor_code text, valid_from date, valid_to date, return_bps numeric)),
    rounding AS (
      SELECT * FROM json_to_recordset(${rounding}::json) AS r (vendor_code text, decimals int)),
    lower_bound AS (
      SELECT account_id, least(min(period_start), ${from}::date) AS lo FROM performance_periods
      WHERE account_id = ANY(${ids}::text[]) AND period_end BETWEEN ${from}::date AND ${to}::date
      GROUP BY account_id),
    loaded AS (
      SELECT ${columns} FROM performance_periods p JOIN lower_bound b ON b.account_id = p.account_id
      WHERE p.period_end <= ${to}::date AND p.period_end >= b.lo
      UNION ALL
      -- The period before the range, unless it is loaded above already (a cross-vendor span).
      SELECT previous.* FROM (
        SELECT DISTINCT ON (p.account_id, p.vendor_code) ${columns} FROM performance_periods p
        WHERE p.account_id = ANY(${ids}::text[]) AND p.period_end < ${from}::date
        ORDER BY p.account_id, p.vendor_code, p.period_end DESC, p.period_start DESC) previous
      LEFT JOIN lower_bound b ON b.account_id = previous.account_id
      WHERE b.lo IS NULL OR previous.period_end < b.lo
      UNION ALL
      (SELECT DISTINCT ON (p.account_id, p.vendor_code) ${columns} FROM performance_periods p
        WHERE p.account_id = ANY(${ids}::text[]) AND p.period_end > ${to}::date
        ORDER BY p.account_id, p.vendor_code, p.period_end, p.period_start)),
    series AS (
      SELECT l.*,
        lag(period_end) OVER w AS previous_end,
        lag(end_market_value) OVER w AS previous_value,
        lead(period_end) OVER w IS NULL AS is_last,
        (${vendors}::text[] IS NULL OR vendor_code = ANY(${vendors}::text[])) AS in_scope,
        period_end BETWEEN ${from}::date AND ${to}::date AS in_range
      FROM loaded l
      WINDOW w AS (PARTITION BY account_id, vendor_code ORDER BY period_start, period_end)),
    checked AS (
      SELECT s.account_id, s.vendor_code,
        s.in_scope AND s.in_range AND s.vendor_return IS NOT NULL AS has_return,
        coalesce(s.calculated_return IS NULL OR abs(s.vendor_return - s.calculated_return) > ${SURE_SHARE} * (
          coalesce(own.return_bps, any_account.return_bps) / 10000
          + 0.5 * power(10::numeric, -coalesce(r.decimals, greatest(scale(s.vendor_return), 4)))), true) AS return_doubt,
        s.in_scope AND s.previous_end IS NOT NULL
          AND (s.in_range OR s.previous_end BETWEEN ${from}::date AND ${to}::date) AS has_pair,
        coalesce(s.period_start <> s.previous_end OR s.begin_market_value <> s.previous_value, false) AS pair_doubt,
        coalesce(s.in_scope AND s.is_last AND s.period_end < ${request.expectThrough}::date, false)
          AS missing_at_end
      FROM series s
      LEFT JOIN tolerance own ON own.account_id = s.account_id AND own.vendor_code = s.vendor_code
        AND s.period_end BETWEEN own.valid_from AND own.valid_to
      LEFT JOIN tolerance any_account ON any_account.account_id IS NULL AND any_account.vendor_code = s.vendor_code
        AND s.period_end BETWEEN any_account.valid_from AND any_account.valid_to
      LEFT JOIN rounding r ON r.vendor_code = s.vendor_code),
    verdict AS (
      SELECT account_id,
        coalesce(bool_or((has_return AND return_doubt) OR (has_pair AND pair_doubt) OR missing_at_end), false)
          OR count(DISTINCT vendor_code) > 1 AS doubt
      FROM checked GROUP BY account_id)
    SELECT c.account_id, c.vendor_code, v.doubt,
      count(*) FILTER (WHERE c.has_return)::int AS returns, count(*) FILTER (WHERE c.has_pair)::int AS pairs
    FROM checked c JOIN verdict v ON v.account_id = c.account_id
    GROUP BY c.account_id, c.vendor_code, v.doubt`.execute(db);
  return rows.map((row) => ({
    accountId: row.account_id,
    vendorCode: row.vendor_code,
    doubt: row.doubt,
    returns: row.returns,
    pairs: row.pairs,
  }));
}
