// Accounts and their stored periods, as people browse them (the return engine reads periods
// through period-repository.ts).
import type { Executor } from './db/database.ts';

export function listAccounts(db: Executor, filter: { search?: string; after?: string; limit: number }) {
  let query = db.selectFrom('accounts').selectAll().orderBy('account_id').limit(filter.limit);
  if (filter.search !== undefined) {
    // The search is a substring, not a pattern: LIKE's wildcards in it are taken literally.
    const literal = filter.search.replace(/[\\%_]/g, (ch) => `\\${ch}`);
    query = query.where('account_id', 'ilike', `%${literal}%`);
  }
  if (filter.after !== undefined) query = query.where('account_id', '>', filter.after);
  return query.execute();
}

/** Each vendor's stored periods of these accounts: first and last valuation date and count. */
export function coverageOf(db: Executor, accountIds: readonly string[]) {
  if (accountIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('performance_periods')
    .select((eb) => [
      'account_id',
      'vendor_code',
      eb.fn.min('period_start').as('first_date'),
      eb.fn.max('period_end').as('last_date'),
      eb.fn.countAll<string>().as('periods'),
    ])
    .where('account_id', 'in', [...accountIds])
    .groupBy(['account_id', 'vendor_code'])
    .orderBy('account_id')
    .orderBy('vendor_code')
    .execute();
}

export function accountPeriods(
  db: Executor,
  accountId: string,
  filter: { vendorCode?: string; from?: string; to?: string; limit: number },
) {
  let query = db
    .selectFrom('performance_periods')
    .select([
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
      'calculated_return',
      'return_undefined_reason',
      'calculation_version',
      'file_id',
    ])
    .where('account_id', '=', accountId)
    .orderBy('period_end')
    .orderBy('vendor_code')
    .limit(filter.limit);
  if (filter.vendorCode !== undefined) query = query.where('vendor_code', '=', filter.vendorCode);
  if (filter.from !== undefined) query = query.where('period_end', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('period_end', '<=', filter.to);
  return query.execute();
}
