// The state of the whole system, read from the database (not from one process's counters): what
// /metrics shows as gauges at scrape time and what the alarms are evaluated against.
import { AGE_BUCKETS, type AgeBucket, ageBucket } from '../../reconcile/index.ts';
import type { Database } from '../../store/db/database.ts';
import {
  activeBreaksByDaysOpen,
  countOpenDeadLetters,
  fileStatusesBetween,
  latestPassRate,
} from '../../store/monitoring-repository.ts';

export interface SystemState {
  deadLetters: number;
  openBreaksByAge: Record<AgeBucket, number>;
  /** Pass rate of the latest completed reconciliation run (0…1); null before the first. */
  reconciliationPassRate: number | null;
  /** Files refused or failed over all files that reached a status in the window; null without any. */
  fileErrorRate: number | null;
}

type Deps = { database: Pick<Database, 'db'> };

const FAILED_STATUSES = new Set(['REJECTED', 'FAILED']);
const OUTCOME_STATUSES = new Set(['SUCCEEDED', 'QUARANTINED', 'REJECTED', 'FAILED']);

/** Refused or failed files over all that reached an outcome in the `windowMinutes` before `now`. */
export async function fileErrorRate(deps: Deps, windowMinutes: number, now: Date): Promise<number | null> {
  const since = new Date(now.getTime() - windowMinutes * 60_000);
  let failed = 0;
  let total = 0;
  for (const row of await fileStatusesBetween(deps.database.db, since, now)) {
    if (!OUTCOME_STATUSES.has(row.status)) continue;
    total += Number(row.n);
    if (FAILED_STATUSES.has(row.status)) failed += Number(row.n);
  }
  return total === 0 ? null : failed / total;
}

export async function systemState(deps: Deps, now = new Date()): Promise<SystemState> {
  const db = deps.database.db;
  const [deadLetters, byDays, passRate, errorRate] = await Promise.all([
    countOpenDeadLetters(db),
    activeBreaksByDaysOpen(db, now),
    latestPassRate(db),
    fileErrorRate(deps, 60, now),
  ]);
  const openBreaksByAge = Object.fromEntries(AGE_BUCKETS.map((bucket) => [bucket, 0])) as Record<
    AgeBucket,
    number
  >;
  for (const row of byDays) openBreaksByAge[ageBucket(Math.max(0, row.days))] += Number(row.n);
  return { deadLetters, openBreaksByAge, reconciliationPassRate: passRate, fileErrorRate: errorRate };
}
