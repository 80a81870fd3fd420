// Performance periods: staged by bulk load, merged set-based in one transaction, read back
// for return calculation. A restated period replaces the earlier figures (the audit trigger
// keeps the old ones) unless the stored figures came from a file received later: files can land
// out of order (two workers, a dead letter replayed late), and the newer restatement wins.
import { type Kysely, sql, type Transaction } from 'kysely';
import type { CanonicalPeriod } from '../domain/canonical.ts';
import type { SourceLocation } from '../domain/errors.ts';
import type { RepeatedPeriod } from '../domain/read-row.ts';
import type { BulkLoader, CopyValue } from './db/bulk-load.ts';
import type { DB } from './schema.ts';

export interface CalculatedFigures {
  calculatedReturn: number | null;
  undefinedReason: string | null;
  method: string;
  conventions: Record<string, unknown>;
  version: string;
  warnings: { code: string; message: string }[];
}

export interface StagedPeriod {
  /** The row's position in its file: the first row of a period reported twice stands. */
  seq: number;
  vendorCode: string;
  record: CanonicalPeriod;
  calculation: CalculatedFigures;
  location: SourceLocation;
  fieldSources: Record<string, string>;
}

const STAGING_COLUMNS = [
  'load_id',
  'job_id',
  'account_id',
  'vendor_code',
  'period_start',
  'period_end',
  'currency',
  'begin_market_value',
  'end_market_value',
  'income',
  'fees',
  'vendor_return',
  'return_basis',
  'flows',
  'calculated_return',
  'return_undefined_reason',
  'calculation_warnings',
  'source_location',
  'lineage_id',
  'seq',
] as const;

const LINEAGE_COLUMNS = [
  'load_id',
  'id',
  'job_id',
  'field_sources',
  'calculation_method',
  'calculation_conventions',
  'calculation_version',
  'source_location',
] as const;

/** A bulk load into staging: its id, and the job whose attempt stages it (null outside a job). */
export interface StagingLoad {
  loadId: string;
  jobId: string | null;
}

/**
 * The lineage the rows of one load share — the columns each field came from, the calculation's
 * method, conventions and version, the file (and sheet) — each distinct one staged once, in
 * staging_lineage, under a small id that the staged rows carry (migration 0016). A canonical
 * CSV has two or three of them for any number of rows.
 */
export class StagingLineage {
  readonly load: StagingLoad;
  private readonly ids = new Map<string, number>();
  private unstaged: CopyValue[][] = [];

  constructor(load: StagingLoad) {
    this.load = load;
  }

  /** The id of what `period` shares with others; a new one is staged with the batch that needs it. */
  idOf(period: StagedPeriod, file: string, sheet: string | undefined): number {
    const { calculation } = period;
    const shared = sheet === undefined ? { file } : { file, sheet };
    const key = JSON.stringify([
      period.fieldSources,
      calculation.method,
      calculation.conventions,
      calculation.version,
      shared,
    ]);
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.ids.size + 1;
      this.ids.set(key, id);
      this.unstaged.push([
        this.load.loadId,
        id,
        this.load.jobId,
        period.fieldSources,
        calculation.method,
        calculation.conventions,
        calculation.version,
        shared,
      ]);
    }
    return id;
  }

  /** The lineage rows not staged yet. */
  takeUnstaged(): CopyValue[][] {
    const rows = this.unstaged;
    this.unstaged = [];
    return rows;
  }
}

/** The keys of a location that are the row's own (row, column, JSON path): all but file and sheet. */
function ownLocation(location: SourceLocation): Record<string, unknown> {
  const own: Record<string, unknown> = {};
  for (const key of Object.keys(location) as (keyof SourceLocation)[]) {
    if (key !== 'file' && key !== 'sheet') own[key] = location[key];
  }
  return own;
}

function stagingRow(lineage: StagingLineage, period: StagedPeriod): CopyValue[] {
  const { record, calculation, location } = period;
  return [
    lineage.load.loadId,
    lineage.load.jobId,
    record.accountId,
    period.vendorCode,
    record.periodStart,
    record.periodEnd,
    record.currency,
    record.beginMarketValue,
    record.endMarketValue,
    record.income,
    record.fees,
    record.vendorReturn,
    record.returnBasis,
    record.flows,
    // Float64 to text with 17 significant digits round-trips exactly into NUMERIC.
    calculation.calculatedReturn === null ? null : calculation.calculatedReturn.toPrecision(17),
    calculation.undefinedReason,
    calculation.warnings,
    ownLocation(location),
    lineage.idOf(period, location.file, location.sheet),
    period.seq,
  ];
}

/** Stage a batch of a load: the lineage it is the first to use, then its rows. Rows staged. */
export async function stagePeriods(
  bulk: BulkLoader,
  lineage: StagingLineage,
  periods: StagedPeriod[],
): Promise<number> {
  const rows = periods.map((period) => stagingRow(lineage, period));
  const shared = lineage.takeUnstaged();
  if (shared.length > 0) await bulk.load('staging_lineage', LINEAGE_COLUMNS, shared);
  return bulk.load('staging_periods', STAGING_COLUMNS, rows);
}

/** A staged row's location whole again: the lineage's file and sheet, and the row's own keys. */
const STAGED_LOCATION = sql`(l.source_location || s.source_location)`;
/** The lineage of staged row `s`. */
const LINEAGE_JOIN = sql`JOIN staging_lineage l ON l.load_id = s.load_id AND l.id = s.lineage_id`;

/**
 * The periods a load staged more than once (a file reporting them twice), found set-based: the
 * rows are in the database already, so ingest holds no map of every period of the file.
 */
export async function repeatedPeriods(db: Kysely<DB>, loadId: string): Promise<RepeatedPeriod[]> {
  const { rows } = await sql<{
    account_id: string;
    period_start: string;
    period_end: string;
    rows: RepeatedPeriod['rows'];
  }>`
    -- The keys reported twice first (cheap), then the figures of those rows only.
    WITH repeated AS (
      SELECT account_id, period_start, period_end FROM staging_periods WHERE load_id = ${loadId}
      GROUP BY account_id, period_start, period_end HAVING count(*) > 1)
    SELECT s.account_id, s.period_start, s.period_end,
      json_agg(json_build_object(
        'seq', s.seq,
        'location', ${STAGED_LOCATION},
        -- The figures as the file gave them (NUMERIC keeps the digits sent), not their values.
        'figures', md5(concat_ws('|', s.currency, s.begin_market_value::text, s.end_market_value::text,
          s.flows::text, s.income::text, s.fees::text, s.vendor_return::text, s.return_basis)),
        'record', json_build_object('accountId', s.account_id, 'periodStart', s.period_start,
          'periodEnd', s.period_end, 'currency', s.currency, 'beginMarketValue', s.begin_market_value::text,
          'endMarketValue', s.end_market_value::text, 'flows', s.flows, 'income', s.income::text,
          'fees', s.fees::text, 'vendorReturn', s.vendor_return::text, 'returnBasis', s.return_basis)
      ) ORDER BY s.seq) AS rows
    FROM staging_periods s JOIN repeated USING (account_id, period_start, period_end) ${LINEAGE_JOIN}
    WHERE s.load_id = ${loadId}
    GROUP BY s.account_id, s.period_start, s.period_end
    ORDER BY min(s.seq)`.execute(db);
  return rows.map((row) => ({
    accountId: row.account_id,
    periodStart: row.period_start,
    periodEnd: row.period_end,
    rows: row.rows,
  }));
}

/** Take staged rows (by their position in the file) back out of a load before it merges; how many. */
export async function unstageRows(db: Kysely<DB>, loadId: string, seqs: readonly number[]): Promise<number> {
  if (seqs.length === 0) return 0;
  const result = await sql`
    DELETE FROM staging_periods WHERE load_id = ${loadId} AND seq = ANY(${[...seqs]}::bigint[])`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

export async function discardStaged(db: Kysely<DB>, loadId: string): Promise<void> {
  await db.deleteFrom('staging_periods').where('load_id', '=', loadId).execute();
  await db.deleteFrom('staging_lineage').where('load_id', '=', loadId).execute();
}

/**
 * Drop staged rows that no merge will take: loads of attempts killed before they merged (a
 * retry stages under a new load id). Older than any attempt can run.
 */
export async function discardAbandonedStaging(db: Kysely<DB>, olderThanHours = 24): Promise<number> {
  const result = await sql`
    DELETE FROM staging_periods WHERE staged_at < now() - make_interval(hours => ${olderThanHours})`.execute(
    db,
  );
  await sql`
    DELETE FROM staging_lineage WHERE staged_at < now() - make_interval(hours => ${olderThanHours})`.execute(
    db,
  );
  return Number(result.numAffectedRows ?? 0);
}

/**
 * The jobs that have rows in staging, each with when it last staged one (as text: a JavaScript
 * Date would drop the microseconds).
 */
export async function stagingJobs(db: Kysely<DB>): Promise<{ jobId: string; lastStagedAt: string }[]> {
  const { rows } = await sql<{ job_id: string; last_staged_at: string }>`
    SELECT job_id, max(staged_at)::text AS last_staged_at
    FROM (SELECT job_id, staged_at FROM staging_periods UNION ALL SELECT job_id, staged_at FROM staging_lineage) s
    WHERE job_id IS NOT NULL GROUP BY job_id`.execute(db);
  return rows.map((row) => ({ jobId: row.job_id, lastStagedAt: row.last_staged_at }));
}

/** Drop a job's staged rows up to `until` (a later attempt of the job stages after it). */
export async function discardStagingOfJob(db: Kysely<DB>, jobId: string, until: string): Promise<number> {
  const result = await sql`
    DELETE FROM staging_periods WHERE job_id = ${jobId} AND staged_at <= ${until}::timestamptz`.execute(db);
  await sql`
    DELETE FROM staging_lineage WHERE job_id = ${jobId} AND staged_at <= ${until}::timestamptz`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/** The staged row of a load with the widest key (account id and vendor), and its size in bytes. */
export async function widestStagedKey(
  db: Kysely<DB>,
  loadId: string,
): Promise<{ location: SourceLocation; bytes: number } | undefined> {
  const { rows } = await sql<{ source_location: SourceLocation; bytes: number }>`
    SELECT ${STAGED_LOCATION} AS source_location, octet_length(s.account_id) + octet_length(s.vendor_code) AS bytes
    FROM staging_periods s ${LINEAGE_JOIN} WHERE s.load_id = ${loadId} ORDER BY bytes DESC LIMIT 1`.execute(
    db,
  );
  const row = rows[0];
  return row === undefined ? undefined : { location: row.source_location, bytes: row.bytes };
}

export class StagingMismatchError extends Error {
  readonly transient = true;
}

export interface MergeCounts {
  inserted: number;
  updated: number;
  /** Staged periods not applied: a file received later had restated them (audited as SUPERSEDED). */
  superseded: number;
}

/**
 * Merge one load from staging into the canonical tables. Runs inside the caller's
 * transaction so the file's data, its status and its log become visible together.
 */
export async function mergeStaged(
  trx: Transaction<DB>,
  loadId: string,
  expectedRows: number,
  fileId: number,
  configVersion: string,
): Promise<MergeCounts> {
  // Counted with their lineage: a row whose lineage is missing would not merge.
  const { rows: staged } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM staging_periods s ${LINEAGE_JOIN} WHERE s.load_id = ${loadId}`.execute(
    trx,
  );
  const n = staged[0]?.n ?? 0;
  if (n !== expectedRows) {
    throw new StagingMismatchError(
      `staging holds ${n} rows of load ${loadId} with their lineage, expected ${expectedRows}`,
    );
  }
  await sql`
    INSERT INTO accounts (account_id, currency)
    SELECT DISTINCT ON (account_id) account_id, currency FROM staging_periods WHERE load_id = ${loadId}
    ORDER BY account_id
    ON CONFLICT (account_id) DO NOTHING`.execute(trx);
  const merged = await sql<{ inserted: number; total: number }>`
    WITH merged AS (
    INSERT INTO performance_periods AS p (
      account_id, vendor_code, period_start, period_end, currency, begin_market_value, end_market_value,
      income, fees, vendor_return, return_basis, calculated_return, return_undefined_reason,
      calculation_method, calculation_conventions, calculation_version, calculation_warnings,
      file_id, config_version, source_location, field_sources, updated_at)
    SELECT s.account_id, s.vendor_code, s.period_start, s.period_end, s.currency, s.begin_market_value,
      s.end_market_value, s.income, s.fees, s.vendor_return, s.return_basis, s.calculated_return,
      s.return_undefined_reason, l.calculation_method, l.calculation_conventions, l.calculation_version,
      s.calculation_warnings, ${fileId}, ${configVersion}, ${STAGED_LOCATION}, l.field_sources, now()
    FROM staging_periods s ${LINEAGE_JOIN} WHERE s.load_id = ${loadId}
    ON CONFLICT (account_id, vendor_code, period_start, period_end) DO UPDATE SET
      currency = excluded.currency,
      begin_market_value = excluded.begin_market_value,
      end_market_value = excluded.end_market_value,
      income = excluded.income,
      fees = excluded.fees,
      vendor_return = excluded.vendor_return,
      return_basis = excluded.return_basis,
      calculated_return = excluded.calculated_return,
      return_undefined_reason = excluded.return_undefined_reason,
      calculation_method = excluded.calculation_method,
      calculation_conventions = excluded.calculation_conventions,
      calculation_version = excluded.calculation_version,
      calculation_warnings = excluded.calculation_warnings,
      file_id = excluded.file_id,
      config_version = excluded.config_version,
      source_location = excluded.source_location,
      field_sources = excluded.field_sources,
      updated_at = now()
    -- Checked on the row as it is once locked, so a newer file merging at the same time wins too.
    WHERE NOT EXISTS (
      SELECT 1 FROM files kept, files mine
      WHERE kept.id = p.file_id AND mine.id = ${fileId}
        AND (kept.received_at, kept.id) > (mine.received_at, mine.id))
    RETURNING (xmax = 0) AS inserted)
    SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*)::int AS total FROM merged`.execute(
    trx,
  );
  const counts = merged.rows[0] ?? { inserted: 0, total: 0 };
  // Every staged period applied: none to set aside (the search joins every staged row).
  const superseded = counts.total === expectedRows ? 0 : await setAsideSuperseded(trx, loadId, fileId);
  // The flows of the periods this merge updated are replaced; a period it inserted has none yet.
  if (counts.inserted < counts.total) {
    await sql`
      DELETE FROM period_flows f USING staging_periods s
      WHERE s.load_id = ${loadId} AND f.account_id = s.account_id AND f.vendor_code = s.vendor_code
        AND f.period_start = s.period_start AND f.period_end = s.period_end`.execute(trx);
  }
  await sql`
    INSERT INTO period_flows (account_id, vendor_code, period_start, period_end, seq, flow_date, amount, timing)
    SELECT s.account_id, s.vendor_code, s.period_start, s.period_end, f.ordinality::int,
      (f.flow ->> 'date')::date, (f.flow ->> 'amount')::numeric, f.flow ->> 'timing'
    FROM staging_periods s CROSS JOIN LATERAL jsonb_array_elements(s.flows) WITH ORDINALITY AS f (flow, ordinality)
    WHERE s.load_id = ${loadId}`.execute(trx);
  await discardStaged(trx, loadId);
  return { inserted: counts.inserted, updated: counts.total - counts.inserted, superseded };
}

/**
 * The staged periods the merge did not apply (the stored row belongs to a file received later):
 * recorded in the audit log as SUPERSEDED with the figures refused, and taken out of the load so
 * their flows are not touched either. Their count.
 */
async function setAsideSuperseded(trx: Transaction<DB>, loadId: string, fileId: number): Promise<number> {
  const result = await sql`
    WITH stale AS (
      DELETE FROM staging_periods s USING performance_periods p
      WHERE s.load_id = ${loadId} AND p.account_id = s.account_id AND p.vendor_code = s.vendor_code
        AND p.period_start = s.period_start AND p.period_end = s.period_end AND p.file_id <> ${fileId}
      RETURNING s.*, p.file_id AS kept_file_id)
    INSERT INTO audit_log (table_name, row_key, action, old_values, new_values, actor)
    SELECT 'performance_periods',
      jsonb_build_object('account_id', account_id, 'vendor_code', vendor_code, 'period_start', period_start,
        'period_end', period_end),
      'SUPERSEDED', NULL,
      -- The refused figures as the period would have stored them: with their lineage whole.
      to_jsonb(s) - 'load_id' - 'job_id' - 'staged_at' - 'seq' - 'kept_file_id' - 'lineage_id'
        || jsonb_build_object('field_sources', l.field_sources, 'calculation_method', l.calculation_method,
          'calculation_conventions', l.calculation_conventions, 'calculation_version', l.calculation_version,
          'source_location', ${STAGED_LOCATION}, 'file_id', ${fileId}::bigint, 'superseded_by_file_id', kept_file_id),
      coalesce(nullif(current_setting('perfrecon.actor', true), ''), session_user::text)
    FROM stale s ${LINEAGE_JOIN}`.execute(trx);
  return Number(result.numAffectedRows ?? 0);
}

export interface StoredPeriod {
  accountId: string;
  vendorCode: string;
  periodStart: string;
  periodEnd: string;
  currency: string;
  beginMarketValue: string;
  endMarketValue: string;
  fees: string | null;
  vendorReturn: string | null;
  returnBasis: 'gross' | 'net';
  calculatedReturn: string | null;
  calculationVersion: string | null;
  flows: { date: string; amount: string; timing: 'end_of_day' | 'start_of_day' }[];
}

export interface PeriodFilter {
  vendorCode: string;
  accountId?: string;
  /** Periods starting on or after this valuation date. */
  from?: string;
  /** Periods ending on or before this valuation date. */
  to?: string;
}

/** Stored periods with their flows, by account then date. */
export async function selectPeriods(db: Kysely<DB>, filter: PeriodFilter): Promise<StoredPeriod[]> {
  let query = db
    .selectFrom('performance_periods as p')
    .leftJoin('period_flows as f', (join) =>
      join
        .onRef('f.account_id', '=', 'p.account_id')
        .onRef('f.vendor_code', '=', 'p.vendor_code')
        .onRef('f.period_start', '=', 'p.period_start')
        .onRef('f.period_end', '=', 'p.period_end'),
    )
    .select([
      'p.account_id',
      'p.vendor_code',
      'p.period_start',
      'p.period_end',
      'p.currency',
      'p.begin_market_value',
      'p.end_market_value',
      'p.fees',
      'p.vendor_return',
      'p.return_basis',
      'p.calculated_return',
      'p.calculation_version',
      'f.flow_date',
      'f.amount',
      'f.timing',
    ])
    .where('p.vendor_code', '=', filter.vendorCode)
    .orderBy('p.account_id')
    .orderBy('p.period_start')
    .orderBy('p.period_end')
    .orderBy('f.seq');
  if (filter.accountId !== undefined) query = query.where('p.account_id', '=', filter.accountId);
  if (filter.from !== undefined) query = query.where('p.period_start', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('p.period_end', '<=', filter.to);
  const periods: StoredPeriod[] = [];
  for (const row of await query.execute()) {
    let period = periods.at(-1);
    if (
      period === undefined ||
      period.accountId !== row.account_id ||
      period.periodStart !== row.period_start ||
      period.periodEnd !== row.period_end
    ) {
      period = {
        accountId: row.account_id,
        vendorCode: row.vendor_code,
        periodStart: row.period_start,
        periodEnd: row.period_end,
        currency: row.currency,
        beginMarketValue: row.begin_market_value,
        endMarketValue: row.end_market_value,
        fees: row.fees,
        vendorReturn: row.vendor_return,
        returnBasis: row.return_basis,
        calculatedReturn: row.calculated_return,
        calculationVersion: row.calculation_version,
        flows: [],
      };
      periods.push(period);
    }
    if (row.flow_date !== null && row.amount !== null && row.timing !== null) {
      period.flows.push({ date: row.flow_date, amount: row.amount, timing: row.timing });
    }
  }
  return periods;
}

export interface RecalculatedPeriod {
  accountId: string;
  vendorCode: string;
  periodStart: string;
  periodEnd: string;
  calculation: CalculatedFigures;
}

/**
 * Store recalculated figures where they differ from the stored ones; the audit trigger keeps
 * the old figures. Returns how many periods changed.
 */
export async function updateCalculations(
  trx: Transaction<DB>,
  periods: readonly RecalculatedPeriod[],
): Promise<number> {
  let changed = 0;
  for (let i = 0; i < periods.length; i += 5_000) {
    const batch = periods.slice(i, i + 5_000).map((p) => ({
      account_id: p.accountId,
      vendor_code: p.vendorCode,
      period_start: p.periodStart,
      period_end: p.periodEnd,
      calculated_return:
        p.calculation.calculatedReturn === null ? null : p.calculation.calculatedReturn.toPrecision(17),
      return_undefined_reason: p.calculation.undefinedReason,
      calculation_method: p.calculation.method,
      calculation_conventions: p.calculation.conventions,
      calculation_version: p.calculation.version,
      calculation_warnings: p.calculation.warnings,
    }));
    const result = await sql`
      UPDATE performance_periods p SET
        calculated_return = x.calculated_return,
        return_undefined_reason = x.return_undefined_reason,
        calculation_method = x.calculation_method,
        calculation_conventions = x.calculation_conventions,
        calculation_version = x.calculation_version,
        calculation_warnings = x.calculation_warnings,
        updated_at = now()
      FROM json_to_recordset(${JSON.stringify(batch)}::json) AS x (
        account_id text, vendor_code text, period_start date, period_end date, calculated_return numeric,
        return_undefined_reason text, calculation_method text, calculation_conventions jsonb,
        calculation_version text, calculation_warnings jsonb)
      WHERE p.account_id = x.account_id AND p.vendor_code = x.vendor_code
        AND p.period_start = x.period_start AND p.period_end = x.period_end
        AND (p.calculated_return IS DISTINCT FROM x.calculated_return
          OR p.return_undefined_reason IS DISTINCT FROM x.return_undefined_reason
          OR p.calculation_method IS DISTINCT FROM x.calculation_method
          OR p.calculation_conventions IS DISTINCT FROM x.calculation_conventions
          OR p.calculation_version IS DISTINCT FROM x.calculation_version
          OR p.calculation_warnings IS DISTINCT FROM x.calculation_warnings)`.execute(trx);
    changed += Number(result.numAffectedRows ?? 0);
  }
  return changed;
}

/** The vendors that report an account, with their first and last valuation dates. */
export function accountCoverage(db: Kysely<DB>, accountId: string) {
  return db
    .selectFrom('performance_periods')
    .select((eb) => [
      'vendor_code',
      eb.fn.min('period_start').as('first_date'),
      eb.fn.max('period_end').as('last_date'),
      eb.fn.countAll<string>().as('periods'),
    ])
    .where('account_id', '=', accountId)
    .groupBy('vendor_code')
    .orderBy('vendor_code')
    .execute();
}
