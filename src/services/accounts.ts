// Accounts as people browse them: a searchable list with who reports each, and their stored
// periods. Figures derived from them (returns, lineage) have their own services.

import type { AccountPage, PeriodItem } from '../contracts/accounts.ts';
import { timestamp } from '../contracts/common.ts';
import { NotFoundError } from '../domain/errors.ts';
import { accountPeriods, coverageOf, listAccounts as listAccountRows } from '../store/account-repository.ts';
import type { Database } from '../store/db/database.ts';

export interface AccountsDeps {
  database: Pick<Database, 'db'>;
}

/** Accounts in id order; `cursor` is the last id of the previous page. */
export async function listAccounts(
  deps: AccountsDeps,
  request: { search?: string; cursor?: string; limit: number },
): Promise<AccountPage> {
  const db = deps.database.db;
  // One more than asked, to know whether there is a next page.
  const rows = await listAccountRows(db, {
    search: request.search,
    after: request.cursor,
    limit: request.limit + 1,
  });
  const page = rows.slice(0, request.limit);
  const coverage = await coverageOf(
    db,
    page.map((row) => row.account_id),
  );
  return {
    items: page.map((row) => ({
      accountId: row.account_id,
      currency: row.currency,
      firstSeenAt: timestamp(row.first_seen_at),
      vendors: coverage
        .filter((c) => c.account_id === row.account_id)
        .map((c) => ({
          vendorCode: c.vendor_code,
          firstDate: c.first_date,
          lastDate: c.last_date,
          periods: Number(c.periods),
        })),
    })),
    nextCursor: rows.length > request.limit ? (page.at(-1)?.account_id ?? null) : null,
  };
}

export async function listAccountPeriods(
  deps: AccountsDeps,
  accountId: string,
  filter: { vendorCode?: string; from?: string; to?: string; limit: number },
): Promise<PeriodItem[]> {
  const rows = await accountPeriods(deps.database.db, accountId, filter);
  if (rows.length === 0 && filter.from === undefined && filter.to === undefined) {
    throw new NotFoundError(
      `no periods are stored for account "${accountId}"${filter.vendorCode ? ` from vendor ${filter.vendorCode}` : ''}`,
      'Check the account id (GET /api/v1/accounts?search=...), or ingest its files first.',
    );
  }
  return rows.map((row) => ({
    vendorCode: row.vendor_code,
    periodStart: row.period_start,
    periodEnd: row.period_end,
    currency: row.currency,
    beginMarketValue: row.begin_market_value,
    endMarketValue: row.end_market_value,
    income: row.income,
    fees: row.fees,
    vendorReturn: row.vendor_return,
    returnBasis: row.return_basis,
    calculatedReturn: row.calculated_return,
    undefinedReason: row.return_undefined_reason,
    calculationVersion: row.calculation_version,
    fileId: row.file_id,
  }));
}
