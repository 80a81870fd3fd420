// What the reconciliation status of an account is now: the latest stored result of each check
// (runs store failures and the passes that settle a break: a check with none has not failed
// since) and its open breaks, cached for an hour under the account's tag, which every run covering the account
// retires (see run.ts), so a reader never sees the status from before a run.
import { type Cache, cached, TTL, tags } from '../../cache/index.ts';
import { ACTIVE_STATUSES } from '../../reconcile/index.ts';
import { listBreaks } from '../../store/break-repository.ts';
import type { Database } from '../../store/db/database.ts';
import { latestResults } from '../../store/reconciliation-repository.ts';

export async function accountReconciliationStatus(
  deps: { database: Pick<Database, 'db'>; cache: Cache },
  accountId: string,
  range: { from?: string; to?: string } = {},
) {
  return cached(
    deps.cache,
    `recon:status:${accountId}:${range.from ?? ''}:${range.to ?? ''}`,
    { ttlSeconds: TTL.reconciliation, tags: [tags.account(accountId)] },
    async () => {
      const results = await latestResults(deps.database.db, accountId, range.from, range.to);
      const breaks = await listBreaks(deps.database.db, { accountId, statuses: ACTIVE_STATUSES });
      return {
        accountId,
        checked: results.length,
        failed: results.filter((r) => r.status === 'FAILED').length,
        results,
        openBreaks: breaks.map((b) => ({
          id: b.id,
          check: b.check_kind,
          vendor: b.vendor_code,
          periodEnd: b.period_end,
          status: b.status,
        })),
      };
    },
  );
}
