// The dashboard in one read: today's files by status, the daily pass rate, active breaks by
// vendor and age, open dead letters and active alarms, each counted in the database.
import type { Dashboard } from '../contracts/dashboard.ts';
import { AGE_BUCKETS, ageBucket } from '../reconcile/index.ts';
import {
  activeAlarmsByState,
  activeBreaksByVendorAndDaysOpen,
  checksPerDay,
  filesReceivedSinceByStatus,
} from '../store/dashboard-repository.ts';
import type { Database } from '../store/db/database.ts';
import { countOpenDeadLetters } from '../store/monitoring-repository.ts';

export interface DashboardQuery {
  /** Files received from this moment on (the reader's midnight). */
  since: Date;
  /** Days of pass-rate trend, ending with the reader's today. */
  days: number;
  /** The reader's offset from UTC in minutes (UTC+2 is 120): what "a day" means to them. */
  utcOffsetMinutes: number;
}

const DAY_MS = 86_400_000;

/** The reader's calendar date of an instant, as YYYY-MM-DD. */
function readerDay(instant: Date, utcOffsetMinutes: number): string {
  return new Date(instant.getTime() + utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
}

export async function dashboard(
  deps: { database: Pick<Database, 'db'> },
  query: DashboardQuery,
  now = new Date(),
): Promise<Dashboard> {
  const db = deps.database.db;
  const today = readerDay(now, query.utcOffsetMinutes);
  // The reader's midnight `days - 1` days before today, as an instant.
  const trendStart = new Date(
    Date.parse(today) - (query.days - 1) * DAY_MS - query.utcOffsetMinutes * 60_000,
  );
  const [files, checks, breaks, deadLetters, alarms] = await Promise.all([
    filesReceivedSinceByStatus(db, query.since),
    checksPerDay(db, trendStart, query.utcOffsetMinutes),
    activeBreaksByVendorAndDaysOpen(db, now),
    countOpenDeadLetters(db),
    activeAlarmsByState(db),
  ]);

  const checksByDay = new Map(checks.map((row) => [row.day, row]));
  const passRate = Array.from({ length: query.days }, (_, index) => {
    const day = readerDay(new Date(trendStart.getTime() + index * DAY_MS), query.utcOffsetMinutes);
    const row = checksByDay.get(day);
    const checked = Number(row?.checked ?? 0);
    const passed = Number(row?.passed ?? 0);
    return { day, checked, passed, rate: checked === 0 ? null : passed / checked };
  });

  const byVendorAndAge = new Map<string, { vendor: string; ageBucket: string; count: number }>();
  for (const row of breaks) {
    const bucket = ageBucket(row.days);
    const key = `${row.vendor_code}|${bucket}`;
    const cell = byVendorAndAge.get(key) ?? { vendor: row.vendor_code, ageBucket: bucket, count: 0 };
    cell.count += Number(row.n);
    byVendorAndAge.set(key, cell);
  }
  const bucketOrder: readonly string[] = AGE_BUCKETS;
  const alarmCount = (state: string) => Number(alarms.find((row) => row.state === state)?.n ?? 0);

  return {
    generatedAt: now.toISOString(),
    files: files.map((row) => ({ status: row.status, count: Number(row.n) })),
    passRate,
    breaks: {
      active: breaks.reduce((sum, row) => sum + Number(row.n), 0),
      byVendorAndAge: [...byVendorAndAge.values()].sort(
        (a, b) =>
          a.vendor.localeCompare(b.vendor) ||
          bucketOrder.indexOf(a.ageBucket) - bucketOrder.indexOf(b.ageBucket),
      ),
    },
    deadLetters: { open: deadLetters },
    alarms: { firing: alarmCount('FIRING'), acknowledged: alarmCount('ACKNOWLEDGED') },
  };
}
