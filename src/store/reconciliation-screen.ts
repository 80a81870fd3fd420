// The set-based part of a reconciliation run: one query over a batch's stored periods (the same
// periods loadPeriods reads: those ending in range, from the earliest checked start, and each
// series' neighbours before and after) that counts every check per account and vendor and names
// the periods in doubt: a return outside 99.9 % of its allowance, a begin value that is not
// exactly the previous end value. An account whose series has a gap or an overlap, data missing
// at the end, or two vendors is in doubt whole. The engine (src/reconcile) reads and decides
// only what is in doubt and stays the one judge of every failure: the screen only ever sends it
// more, never decides a break.
import { type RawBuilder, sql } from 'kysely';
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

export interface ScreenedSeries {
  accountId: string;
  vendorCode: string;
  /** Return checks (a vendor return in range), and continuity pairs (either period in range). */
  returns: number;
  pairs: number;
  /** A gap or overlap in a checked pair, or data missing at the end: the engine decides it all. */
  whole: boolean;
  /** The periods whose return or continuity check is in doubt, by start and end. */
  doubtful: { periodStart: string; periodEnd: string }[];
}

/** A check passes surely when its difference is within this share of what it is allowed. */
const SURE_SHARE = 0.999;

/** Half a unit of the given decimal: the usual ones as constants, as power() on NUMERIC is slow per row. */
function halfUnit(decimals: RawBuilder<unknown>) {
  return sql`CASE ${decimals} WHEN 4 THEN 0.00005 WHEN 5 THEN 0.000005 WHEN 6 THEN 0.0000005
    WHEN 8 THEN 0.000000005 WHEN 10 THEN 0.00000000005 ELSE 0.5 * power(10::numeric, -(${decimals})) END`;
}

export async function screenAccounts(db: Executor, request: ScreenRequest): Promise<ScreenedSeries[]> {
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
  // A batch is a run of consecutive accounts: their range (in the database's collation) lets the
  // planner read a slice of a large book's periods, not scan all of them for every batch.
  const bounds = await sql<{ first: string; last: string }>`
    SELECT min(a) AS first, max(a) AS last FROM unnest(${ids}::text[]) a`.execute(db);
  const { first, last } = bounds.rows[0] ?? { first: '', last: '' };
  // The batch's periods are sorted once for the window over each series: in memory, not on disk.
  await sql`SET LOCAL work_mem = '64MB'`.execute(db);
  const { rows } = await sql<{
    account_id: string;
    vendor_code: string;
    returns: number;
    pairs: number;
    whole: boolean;
    /** start/end of each period in doubt */
    doubtful: string[];
  }>`
    WITH tolerance AS MATERIALIZED (
      SELECT * FROM json_to_recordset(${tolerances}::json)
        AS t (account_id text, vendor_code text, valid_from date, valid_to date, return_bps numeric)),
    rounding AS (
      SELECT * FROM json_to_recordset(${rounding}::json) AS r (vendor_code text, decimals int)),
    lower_bound AS (
      SELECT account_id, least(min(period_start), ${from}::date) AS lo FROM performance_periods
      WHERE account_id = ANY(${ids}::text[]) AND period_end BETWEEN ${from}::date AND ${to}::date
        AND account_id BETWEEN ${first} AND ${last}
      GROUP BY account_id),
    loaded AS (
      SELECT ${columns} FROM performance_periods p
      WHERE p.account_id = ANY(${ids}::text[]) AND p.period_end BETWEEN ${from}::date AND ${to}::date
        AND p.account_id BETWEEN ${first} AND ${last}
      UNION ALL
      -- Before the range, from the earliest checked start (a cross-vendor span): few rows, by index.
      SELECT ${columns} FROM performance_periods p JOIN lower_bound b ON b.account_id = p.account_id
      WHERE p.period_end < ${from}::date AND p.period_end >= b.lo
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
      SELECT s.account_id, s.vendor_code, s.period_start, s.period_end,
        s.in_scope AND s.in_range AND s.vendor_return IS NOT NULL AS has_return,
        coalesce(s.calculated_return IS NULL OR abs(s.vendor_return - s.calculated_return) > ${SURE_SHARE} * (
          coalesce(own.return_bps, any_account.return_bps) / 10000
          + ${halfUnit(sql`coalesce(r.decimals, greatest(scale(s.vendor_return), 4))`)}), true) AS return_doubt,
        s.in_scope AND s.previous_end IS NOT NULL
          AND (s.in_range OR s.previous_end BETWEEN ${from}::date AND ${to}::date) AS has_pair,
        s.period_start <> s.previous_end AS pair_apart,
        s.begin_market_value <> s.previous_value AS value_moved,
        coalesce(s.in_scope AND s.is_last AND s.period_end < ${request.expectThrough}::date, false)
          AS missing_at_end
      FROM series s
      LEFT JOIN tolerance own ON own.account_id = s.account_id AND own.vendor_code = s.vendor_code
        AND s.period_end BETWEEN own.valid_from AND own.valid_to
      LEFT JOIN tolerance any_account ON any_account.account_id IS NULL AND any_account.vendor_code = s.vendor_code
        AND s.period_end BETWEEN any_account.valid_from AND any_account.valid_to
      LEFT JOIN rounding r ON r.vendor_code = s.vendor_code),
    flagged AS (
      SELECT account_id, vendor_code, period_start, period_end, has_return, has_pair,
        coalesce((has_pair AND pair_apart) OR missing_at_end, false) AS whole,
        coalesce((has_return AND return_doubt) OR (has_pair AND value_moved), false) AS doubtful
      FROM checked)
    SELECT account_id, vendor_code,
      count(*) FILTER (WHERE has_return)::int AS returns, count(*) FILTER (WHERE has_pair)::int AS pairs,
      bool_or(whole) AS whole,
      coalesce(array_agg(period_start::text || '/' || period_end::text) FILTER (WHERE doubtful), '{}') AS doubtful
    FROM flagged GROUP BY account_id, vendor_code`.execute(db);
  return rows.map((row) => ({
    accountId: row.account_id,
    vendorCode: row.vendor_code,
    returns: row.returns,
    pairs: row.pairs,
    whole: row.whole,
    doubtful: row.doubtful.map((span) => {
      const [periodStart, periodEnd] = span.split('/') as [string, string];
      return { periodStart, periodEnd };
    }),
  }));
}
