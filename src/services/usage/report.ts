// Cost and usage for a self-hosted deployment: per vendor and day, files, rows, bytes, CPU and
// wall time of jobs; the database's size by table; and whether the workers are sized right.
import type { UsageDay, UsageReport } from '../../contracts/usage.ts';
import { InvalidInputError } from '../../domain/errors.ts';
import type { Database } from '../../store/db/database.ts';
import {
  filesByDayAndVendor,
  jobFigures,
  jobsByDayAndVendor,
  tableSizes,
  workerUtilisation,
} from '../../store/usage-repository.ts';
import { rightSizing } from './right-sizing.ts';

const DAY_MS = 86_400_000;
/** Without dates: the last week, today included. */
const DEFAULT_DAYS = 7;
const MAX_DAYS = 366;

const isoDay = (date: Date) => date.toISOString().slice(0, 10);

/** [from, to] as whole UTC days, to defaulting to today and from to a week before it. */
function period(from: string | undefined, to: string | undefined, now: Date) {
  const end = to ?? isoDay(now);
  const start = from ?? isoDay(new Date(Date.parse(`${end}T00:00:00Z`) - (DEFAULT_DAYS - 1) * DAY_MS));
  const since = new Date(`${start}T00:00:00Z`);
  const until = new Date(Date.parse(`${end}T00:00:00Z`) + DAY_MS);
  if (Number.isNaN(since.getTime()) || Number.isNaN(until.getTime()))
    throw new InvalidInputError(`the period ${start} to ${end} is not two dates (YYYY-MM-DD)`);
  if (since >= until) throw new InvalidInputError(`from (${start}) is after to (${end})`);
  if (until.getTime() - since.getTime() > MAX_DAYS * DAY_MS)
    throw new InvalidInputError(
      `the period is longer than ${MAX_DAYS} days`,
      'Ask for a year at most at a time.',
    );
  return { start, end, since, until };
}

export async function usageReport(
  deps: { database: Pick<Database, 'db'> },
  request: { from?: string | undefined; to?: string | undefined; now?: Date },
): Promise<UsageReport> {
  const now = request.now ?? new Date();
  const { start, end, since, until } = period(request.from, request.to, now);
  const db = deps.database.db;
  // Utilisation is measured up to now within the period, not over days still to come.
  const measuredUntil = until.getTime() < now.getTime() ? until : now;
  const [files, jobs, tables, workers, figures] = await Promise.all([
    filesByDayAndVendor(db, since, until),
    jobsByDayAndVendor(db, since, until),
    tableSizes(db),
    workerUtilisation(db, since, until),
    jobFigures(db, since, until),
  ]);
  const rows = new Map<string, UsageDay>();
  const entry = (day: string, vendor: string): UsageDay => {
    const key = `${day}|${vendor}`;
    let found = rows.get(key);
    if (found === undefined) {
      found = {
        day,
        vendor,
        files: 0,
        rowsRead: 0,
        rowsStored: 0,
        rowsQuarantined: 0,
        bytesReceived: 0,
        bytesStored: 0,
        jobs: 0,
        cpuSeconds: 0,
        wallSeconds: 0,
      };
      rows.set(key, found);
    }
    return found;
  };
  for (const f of files) {
    Object.assign(entry(f.day, f.vendor), {
      files: Number(f.files),
      rowsRead: Number(f.rows_read),
      rowsStored: Number(f.rows_stored),
      rowsQuarantined: Number(f.rows_quarantined),
      bytesReceived: Number(f.bytes_received),
      bytesStored: Number(f.bytes_stored),
    });
  }
  for (const j of jobs) {
    Object.assign(entry(j.day, j.vendor), {
      jobs: Number(j.jobs),
      cpuSeconds: round(j.cpu_seconds),
      wallSeconds: round(j.wall_seconds),
    });
  }
  const days = [...rows.values()].sort(
    (a, b) => a.day.localeCompare(b.day) || a.vendor.localeCompare(b.vendor),
  );
  const sum = (pick: (day: UsageDay) => number) => days.reduce((total, day) => total + pick(day), 0);
  const tableList = tables.map((t) => ({ table: t.table, bytes: Number(t.bytes), rows: Number(t.rows) }));
  return {
    from: start,
    to: end,
    days,
    totals: {
      files: sum((d) => d.files),
      rowsStored: sum((d) => d.rowsStored),
      bytesReceived: sum((d) => d.bytesReceived),
      cpuSeconds: round(sum((d) => d.cpuSeconds)),
      wallSeconds: round(sum((d) => d.wallSeconds)),
    },
    database: { bytes: tableList.reduce((total, t) => total + t.bytes, 0), tables: tableList },
    rightSizing: rightSizing(
      workers.map((w) => ({
        worker: w.worker,
        slots: w.slots,
        busySeconds: w.busy_seconds,
        jobs: Number(w.jobs),
      })),
      Math.max(0, (measuredUntil.getTime() - since.getTime()) / 1000),
      figures.mean_wait_seconds,
    ),
  };
}

const round = (seconds: number) => Math.round(seconds * 1000) / 1000;
