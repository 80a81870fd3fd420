// Performance periods: staged by bulk load, merged set-based in one transaction, read back
// for return calculation. A restated period replaces the earlier figures; the audit trigger
// keeps the old ones.
import { type Kysely, sql, type Transaction } from 'kysely';
import type { CanonicalPeriod } from '../domain/canonical.ts';
import type { SourceLocation } from '../domain/errors.ts';
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
  vendorCode: string;
  record: CanonicalPeriod;
  calculation: CalculatedFigures;
  location: SourceLocation;
  fieldSources: Record<string, string>;
}

const STAGING_COLUMNS = [
  'load_id',
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
  'calculation_method',
  'calculation_conventions',
  'calculation_version',
  'calculation_warnings',
  'source_location',
  'field_sources',
] as const;

function stagingRow(loadId: string, period: StagedPeriod): CopyValue[] {
  const { record, calculation } = period;
  return [
    loadId,
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
    calculation.method,
    calculation.conventions,
    calculation.version,
    calculation.warnings,
    period.location,
    period.fieldSources,
  ];
}

export async function stagePeriods(
  bulk: BulkLoader,
  loadId: string,
  periods: StagedPeriod[],
): Promise<number> {
  return bulk.load(
    'staging_periods',
    STAGING_COLUMNS,
    periods.map((period) => stagingRow(loadId, period)),
  );
}

export async function discardStaged(db: Kysely<DB>, loadId: string): Promise<void> {
  await db.deleteFrom('staging_periods').where('load_id', '=', loadId).execute();
}

export class StagingMismatchError extends Error {
  readonly transient = true;
}

export interface MergeCounts {
  inserted: number;
  updated: number;
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
  const staged = await trx
    .selectFrom('staging_periods')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('load_id', '=', loadId)
    .executeTakeFirstOrThrow();
  if (Number(staged.n) !== expectedRows) {
    throw new StagingMismatchError(
      `staging holds ${staged.n} rows of load ${loadId}, expected ${expectedRows}`,
    );
  }
  await sql`
    INSERT INTO accounts (account_id, currency)
    SELECT DISTINCT ON (account_id) account_id, currency FROM staging_periods WHERE load_id = ${loadId}
    ORDER BY account_id
    ON CONFLICT (account_id) DO NOTHING`.execute(trx);
  const merged = await sql<{ inserted: boolean }>`
    INSERT INTO performance_periods AS p (
      account_id, vendor_code, period_start, period_end, currency, begin_market_value, end_market_value,
      income, fees, vendor_return, return_basis, calculated_return, return_undefined_reason,
      calculation_method, calculation_conventions, calculation_version, calculation_warnings,
      file_id, config_version, source_location, field_sources, updated_at)
    SELECT account_id, vendor_code, period_start, period_end, currency, begin_market_value, end_market_value,
      income, fees, vendor_return, return_basis, calculated_return, return_undefined_reason,
      calculation_method, calculation_conventions, calculation_version, calculation_warnings,
      ${fileId}, ${configVersion}, source_location, field_sources, now()
    FROM staging_periods WHERE load_id = ${loadId}
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
    RETURNING (xmax = 0) AS inserted`.execute(trx);
  await sql`
    DELETE FROM period_flows f USING staging_periods s
    WHERE s.load_id = ${loadId} AND f.account_id = s.account_id AND f.vendor_code = s.vendor_code
      AND f.period_start = s.period_start AND f.period_end = s.period_end`.execute(trx);
  await sql`
    INSERT INTO period_flows (account_id, vendor_code, period_start, period_end, seq, flow_date, amount, timing)
    SELECT s.account_id, s.vendor_code, s.period_start, s.period_end, f.ordinality::int,
      (f.flow ->> 'date')::date, (f.flow ->> 'amount')::numeric, f.flow ->> 'timing'
    FROM staging_periods s CROSS JOIN LATERAL jsonb_array_elements(s.flows) WITH ORDINALITY AS f (flow, ordinality)
    WHERE s.load_id = ${loadId}`.execute(trx);
  await trx.deleteFrom('staging_periods').where('load_id', '=', loadId).execute();
  const inserted = merged.rows.filter((row) => row.inserted).length;
  return { inserted, updated: merged.rows.length - inserted };
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
  flows: { date: string; amount: string; timing: 'end_of_day' | 'start_of_day' }[];
}

/** Periods of one account and vendor lying within [from, to], oldest first, with their flows. */
export async function periodsWithin(
  db: Kysely<DB>,
  accountId: string,
  vendorCode: string,
  from: string,
  to: string,
): Promise<StoredPeriod[]> {
  const rows = await db
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
      'f.flow_date',
      'f.amount',
      'f.timing',
    ])
    .where('p.account_id', '=', accountId)
    .where('p.vendor_code', '=', vendorCode)
    .where('p.period_start', '>=', from)
    .where('p.period_end', '<=', to)
    .orderBy('p.period_start')
    .orderBy('p.period_end')
    .orderBy('f.seq')
    .execute();
  const periods: StoredPeriod[] = [];
  for (const row of rows) {
    let period = periods.at(-1);
    if (
      period === undefined ||
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
