// Re-calculation after a convention change (vendor settings or a new calculation version):
// every stored period of the vendor is recomputed from its stored inputs, in one transaction;
// the periods whose figures change are updated and the audit log keeps the old figures.
import { findVendor } from '../config/vendor-config.ts';
import { NotFoundError } from '../domain/errors.ts';
import type { VendorConfig } from '../domain/vendor-config.ts';
import type { Database } from '../store/db/database.ts';
import { selectPeriods, updateCalculations } from '../store/period-repository.ts';
import { setAuditActor } from '../store/vendor-repository.ts';
import { calculatePeriod } from './ingest/calculation.ts';

export interface RecalculationSummary {
  vendor: string;
  account: string | null;
  periods: number;
  changed: number;
  calculationVersion: string;
}

export async function recalculate(
  deps: { database: Database; vendors: VendorConfig[]; actor: string },
  vendorCode: string,
  accountId?: string,
): Promise<RecalculationSummary> {
  const vendor = findVendor(vendorCode, deps.vendors);
  if (vendor === undefined) {
    throw new NotFoundError(
      `there is no vendor "${vendorCode}"`,
      `Known vendors: ${deps.vendors.map((v) => v.code).join(', ')}.`,
    );
  }
  const periods = await selectPeriods(deps.database.db, { vendorCode, accountId });
  const recalculated = periods.map((period) => ({
    accountId: period.accountId,
    vendorCode: period.vendorCode,
    periodStart: period.periodStart,
    periodEnd: period.periodEnd,
    calculation: calculatePeriod(vendor, period),
  }));
  const changed = await deps.database.db.transaction().execute(async (trx) => {
    await setAuditActor(trx, deps.actor);
    return updateCalculations(trx, recalculated);
  });
  return {
    vendor: vendorCode,
    account: accountId ?? null,
    periods: periods.length,
    changed,
    calculationVersion: recalculated[0]?.calculation.version ?? '',
  };
}
