// The periodic digest of open breaks by age: one alert listing how many breaks are open in
// each age bucket and the oldest of them. A long-running process (worker, serve) starts the
// timer; `perfrecon breaks digest --send` sends one now (e.g. from cron).
import type { AlertEvent, Notifier, Severity } from '../../domain/alert.ts';
import type { Logger } from '../../observe/logger.ts';
import { AGE_BUCKETS, ageBucket, ageInDays } from '../../reconcile/index.ts';
import { openBreaksByAge } from '../../store/break-repository.ts';
import type { Database } from '../../store/db/database.ts';

const LISTED = 20;

export async function breakDigest(
  deps: { database: Pick<Database, 'db'> },
  options: { severity?: Severity; now?: Date } = {},
): Promise<AlertEvent> {
  const now = options.now ?? new Date();
  const rows = await openBreaksByAge(deps.database.db, 100_000);
  const byAge: Record<string, number> = Object.fromEntries(AGE_BUCKETS.map((bucket) => [bucket, 0]));
  const byCheck: Record<string, number> = {};
  for (const row of rows) {
    const bucket = ageBucket(ageInDays(new Date(row.opened_at), null, now));
    byAge[bucket] = (byAge[bucket] ?? 0) + 1;
    byCheck[row.check_kind] = (byCheck[row.check_kind] ?? 0) + 1;
  }
  return {
    kind: 'break_digest',
    severity: options.severity ?? 'info',
    title: rows.length === 0 ? 'No open reconciliation breaks' : `${rows.length} open reconciliation breaks`,
    details: {
      open: rows.length,
      byAge,
      byCheck,
      oldest: rows.slice(0, LISTED).map((row) => ({
        break: row.id,
        ageDays: ageInDays(new Date(row.opened_at), null, now),
        status: row.status,
        account: row.account_id,
        check: row.check_kind,
        vendor: row.counterparty === '' ? row.vendor_code : `${row.vendor_code} vs ${row.counterparty}`,
        periodEnd: row.period_end,
        varianceBps: row.variance_bps === null ? null : Number(row.variance_bps),
        cause: row.cause,
      })),
    },
    // One digest per day and content: a second process sending the same digest is suppressed.
    dedupeKey: `digest:${now.toISOString().slice(0, 10)}:${rows.length}:${rows[0]?.id ?? 0}`,
  };
}

/** Send the digest every `intervalMinutes`; returns a stop function. Failures are logged. */
export function startBreakDigest(
  deps: { database: Pick<Database, 'db'>; notifier: Notifier; logger?: Logger | undefined },
  options: { intervalMinutes: number; severity?: Severity },
): () => void {
  const timer = setInterval(() => {
    breakDigest(deps, { severity: options.severity })
      .then((event) => deps.notifier.notify(event))
      .catch((error: Error) => deps.logger?.error({ err: error.message }, 'break digest failed'));
  }, options.intervalMinutes * 60_000);
  timer.unref();
  return () => clearInterval(timer);
}
