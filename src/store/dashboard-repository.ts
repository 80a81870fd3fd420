// The dashboard's tallies, each one set-based count in SQL: files received since a moment by
// status, checks run and passed per local day, active breaks by vendor and days open, active
// alarms by state.
import { sql } from 'kysely';
import { ACTIVE_STATUSES } from '../domain/reconciliation.ts';
import type { Executor } from './db/database.ts';

export function filesReceivedSinceByStatus(db: Executor, since: Date) {
  return db
    .selectFrom('files')
    .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
    .where('received_at', '>=', since)
    .groupBy('status')
    .execute();
}

/**
 * Checks run and passed by completed runs started since `since`, per calendar day at
 * `utcOffsetMinutes` from UTC (the reader's day, not the server's), from each run's summary.
 */
export function checksPerDay(db: Executor, since: Date, utcOffsetMinutes: number) {
  const day = sql<string>`to_char(started_at AT TIME ZONE 'UTC' + make_interval(mins => ${utcOffsetMinutes}::int), 'YYYY-MM-DD')`;
  return db
    .selectFrom('reconciliation_runs')
    .select([
      day.as('day'),
      sql<string>`coalesce(sum((summary->>'checked')::bigint), 0)`.as('checked'),
      sql<string>`coalesce(sum((summary->>'passed')::bigint), 0)`.as('passed'),
    ])
    .where('status', '=', 'COMPLETED')
    .where('started_at', '>=', since)
    .where(
      sql<boolean>`jsonb_typeof(summary->'checked') = 'number' AND jsonb_typeof(summary->'passed') = 'number'`,
    )
    .groupBy(sql`1`)
    .orderBy(sql`1`)
    .execute();
}

/** Active breaks by vendor and whole days open at `now`. */
export function activeBreaksByVendorAndDaysOpen(db: Executor, now: Date) {
  return db
    .selectFrom('reconciliation_breaks')
    .select([
      'vendor_code',
      sql<number>`greatest(0, floor(extract(epoch from (${now}::timestamptz - opened_at)) / 86400))::int`.as(
        'days',
      ),
      (eb) => eb.fn.countAll<string>().as('n'),
    ])
    .where('status', 'in', [...ACTIVE_STATUSES])
    .groupBy(['vendor_code', sql`2`])
    .execute();
}

export function activeAlarmsByState(db: Executor) {
  return db
    .selectFrom('alarms')
    .select(['state', (eb) => eb.fn.countAll<string>().as('n')])
    .where('state', '<>', 'RESOLVED')
    .groupBy('state')
    .execute();
}
