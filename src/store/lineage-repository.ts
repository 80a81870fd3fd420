// The lineage of a stored figure: the period row → the file it came from (SHA-256, name, received
// time, vendor) → the sheet/row/column or JSON path of each field → the vendor configuration
// version → the calculation version → reconciliation results → and the figures it replaced.
import { sql } from 'kysely';
import type { Executor } from './db/database.ts';

export type LineageRecord = Awaited<ReturnType<typeof periodLineage>>[number];

export async function periodLineage(db: Executor, accountId: string, periodEnd: string, vendorCode?: string) {
  let query = db
    .selectFrom('performance_periods as p')
    .innerJoin('files as f', 'f.id', 'p.file_id')
    .leftJoin('vendor_config_versions as v', (join) =>
      join.onRef('v.vendor_code', '=', 'p.vendor_code').onRef('v.version', '=', 'p.config_version'),
    )
    .selectAll('p')
    .select([
      'f.sha256',
      'f.name as file_name',
      'f.received_at',
      'f.vendor_code as file_vendor',
      'f.status as file_status',
      'f.stored_path',
      'v.created_at as config_recorded_at',
    ])
    .where('p.account_id', '=', accountId)
    .where('p.period_end', '=', periodEnd)
    .orderBy('p.vendor_code')
    .orderBy('p.period_start');
  if (vendorCode !== undefined) query = query.where('p.vendor_code', '=', vendorCode);
  const rows = await query.execute();
  const result = [];
  for (const row of rows) {
    const key = {
      account_id: row.account_id,
      vendor_code: row.vendor_code,
      period_start: row.period_start,
      period_end: row.period_end,
    };
    const flows = await db
      .selectFrom('period_flows')
      .select(['seq', 'flow_date', 'amount', 'timing'])
      .where('account_id', '=', key.account_id)
      .where('vendor_code', '=', key.vendor_code)
      .where('period_start', '=', key.period_start)
      .where('period_end', '=', key.period_end)
      .orderBy('seq')
      .execute();
    const history = await db
      .selectFrom('audit_log')
      .select(['at', 'action', 'actor', 'old_values'])
      .where('table_name', '=', 'performance_periods')
      .where(sql<boolean>`row_key @> ${JSON.stringify(key)}::jsonb`)
      .orderBy('id')
      .execute();
    result.push({
      accountId: row.account_id,
      vendorCode: row.vendor_code,
      periodStart: row.period_start,
      periodEnd: row.period_end,
      figures: {
        currency: row.currency,
        begin_market_value: row.begin_market_value,
        end_market_value: row.end_market_value,
        income: row.income,
        fees: row.fees,
        vendor_return: row.vendor_return,
        return_basis: row.return_basis,
        calculated_return: row.calculated_return,
      },
      sourceLocation: row.source_location,
      fieldSources: row.field_sources,
      flows: flows.map((f) => ({ seq: f.seq, date: f.flow_date, amount: f.amount, timing: f.timing })),
      calculation: {
        method: row.calculation_method,
        version: row.calculation_version,
        conventions: row.calculation_conventions,
        warnings: row.calculation_warnings,
        undefinedReason: row.return_undefined_reason,
      },
      file: {
        id: row.file_id,
        sha256: row.sha256,
        name: row.file_name,
        receivedAt: row.received_at,
        vendorCode: row.file_vendor,
        status: row.file_status,
        storedPath: row.stored_path,
      },
      configuration: { version: row.config_version, recordedAt: row.config_recorded_at ?? null },
      history: history
        .filter((h) => h.old_values !== null)
        .map((h) => ({
          at: h.at,
          action: h.action,
          actor: h.actor,
          fileId: h.old_values?.file_id,
          oldValues: h.old_values ?? {},
        })),
      reconciliation: await reconciliationResults(db, key.account_id, key.period_end, key.vendor_code),
    });
  }
  return result;
}

/** The latest reconciliation results of a vendor's period (its own checks and cross-vendor ones). */
function reconciliationResults(db: Executor, accountId: string, periodEnd: string, vendorCode: string) {
  return db
    .selectFrom('reconciliation_results')
    .select([
      'run_id',
      'check_kind',
      'counterparty',
      'status',
      'expected',
      'observed',
      'variance_bps',
      'tolerance_bps',
      'cause',
      'message',
    ])
    .where('account_id', '=', accountId)
    .where('period_end', '=', periodEnd)
    .where('vendor_code', '=', vendorCode)
    .orderBy('run_id', 'desc')
    .limit(100)
    .execute();
}

/** The mapping facts of some stored rows of a file (they share one configuration). */
export function mappingSample(db: Executor, fileId: number, limit: number) {
  return db
    .selectFrom('performance_periods')
    .select(['field_sources', 'calculation_version', 'config_version'])
    .where('file_id', '=', fileId)
    .limit(limit)
    .execute();
}
