// Which accounts a reconciliation batch takes. A batch is one transaction holding its accounts'
// locks, with their periods and results in memory: sized by periods, not accounts alone, so a
// file of 1,000 accounts × 1,000 days is not one batch of a million periods (gigabytes of RSS).
import type { AccountInScope } from '../../store/reconciliation-repository.ts';

/**
 * Periods in range per batch: one screening query reads them all in the database; JavaScript
 * holds only the periods in doubt, or at worst (every account in doubt whole) ~150 MB.
 */
export const PERIODS_PER_BATCH = 100_000;

/** Consecutive runs of accounts (in the given, ascending order) of at most `maxAccounts` each. */
export function* accountBatches(
  accounts: readonly AccountInScope[],
  maxAccounts: number,
  maxPeriods = PERIODS_PER_BATCH,
): Generator<string[]> {
  let batch: string[] = [];
  let periods = 0;
  for (const account of accounts) {
    if (batch.length > 0 && (batch.length >= maxAccounts || periods + account.periods > maxPeriods)) {
      yield batch;
      batch = [];
      periods = 0;
    }
    batch.push(account.accountId);
    periods += account.periods;
  }
  if (batch.length > 0) yield batch;
}
