// Stored tolerance rules (audited: the trigger records every change with the actor).
import type { ToleranceRule } from '../domain/reconciliation.ts';
import type { Executor } from './db/database.ts';

export interface StoredToleranceRule extends ToleranceRule {
  comment: string | null;
  updatedBy: string;
  updatedAt: Date;
}

function toRule(row: {
  account_id: string;
  vendor_code: string;
  effective_from: string;
  effective_to: string | null;
  return_bps: string | null;
  market_value_abs: string | null;
  market_value_rel: string | null;
  comment: string | null;
  updated_by: string;
  updated_at: Date;
}): StoredToleranceRule {
  return {
    accountId: row.account_id,
    vendorCode: row.vendor_code,
    effectiveFrom: row.effective_from,
    effectiveTo: row.effective_to,
    returnBps: row.return_bps === null ? null : Number(row.return_bps),
    marketValueAbs: row.market_value_abs,
    marketValueRel: row.market_value_rel === null ? null : Number(row.market_value_rel),
    comment: row.comment,
    updatedBy: row.updated_by,
    updatedAt: row.updated_at,
  };
}

export async function listToleranceRules(
  db: Executor,
  filter: { accountId?: string; vendorCode?: string } = {},
): Promise<StoredToleranceRule[]> {
  let query = db
    .selectFrom('reconciliation_tolerances')
    .selectAll()
    .orderBy('account_id')
    .orderBy('vendor_code')
    .orderBy('effective_from');
  if (filter.accountId !== undefined) query = query.where('account_id', '=', filter.accountId);
  if (filter.vendorCode !== undefined) query = query.where('vendor_code', '=', filter.vendorCode);
  return (await query.execute()).map(toRule);
}

/** Insert a rule, or replace the one with the same account, vendor and effective date. */
export async function upsertToleranceRule(
  db: Executor,
  rule: ToleranceRule & { comment: string | null },
  actor: string,
): Promise<StoredToleranceRule> {
  const values = {
    effective_to: rule.effectiveTo,
    return_bps: rule.returnBps,
    market_value_abs: rule.marketValueAbs,
    market_value_rel: rule.marketValueRel,
    comment: rule.comment,
    updated_by: actor,
    updated_at: new Date(),
  };
  const row = await db
    .insertInto('reconciliation_tolerances')
    .values({
      account_id: rule.accountId,
      vendor_code: rule.vendorCode,
      effective_from: rule.effectiveFrom,
      ...values,
    })
    .onConflict((oc) => oc.columns(['account_id', 'vendor_code', 'effective_from']).doUpdateSet(values))
    .returningAll()
    .executeTakeFirstOrThrow();
  return toRule(row);
}

export async function deleteToleranceRule(
  db: Executor,
  key: { accountId: string; vendorCode: string; effectiveFrom: string },
): Promise<boolean> {
  const result = await db
    .deleteFrom('reconciliation_tolerances')
    .where('account_id', '=', key.accountId)
    .where('vendor_code', '=', key.vendorCode)
    .where('effective_from', '=', key.effectiveFrom)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
