// The figures monitoring reads at scrape and alarm time: dead letters waiting, open breaks by
// age, the latest run's pass rate, file outcomes and job resources over a window.
import { sql } from 'kysely';
import { ACTIVE_STATUSES } from '../domain/reconciliation.ts';
import type { Executor } from './db/database.ts';

export async function countOpenDeadLetters(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('dead_letters')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('replayed_at', 'is', null)
    .where('resolved_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Active breaks counted by whole days open at `now`. */
export function activeBreaksByDaysOpen(db: Executor, now: Date) {
  return db
    .selectFrom('reconciliation_breaks')
    .select([
      sql<number>`floor(extract(epoch from (${now}::timestamptz - opened_at)) / 86400)::int`.as('days'),
      (eb) => eb.fn.countAll<string>().as('n'),
    ])
    .where('status', 'in', [...ACTIVE_STATUSES])
    .groupBy('days')
    .execute();
}

/** The pass rate (0…1) in the summary of the latest completed run; null without one. */
export async function latestPassRate(db: Executor): Promise<number | null> {
  const row = await db
    .selectFrom('reconciliation_runs')
    .select(sql<string | null>`summary->>'passRate'`.as('rate'))
    .where('status', '=', 'COMPLETED')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.rate === null || row?.rate === undefined ? null : Number(row.rate);
}

/** Files that reached a status in [since, until), by status. */
export function fileStatusesBetween(db: Executor, since: Date, until: Date) {
  return db
    .selectFrom('files')
    .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
    .where('status_changed_at', '>=', since)
    .where('status_changed_at', '<', until)
    .groupBy('status')
    .execute();
}
