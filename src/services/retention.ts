// Retention: what grows with every run is purged by a configurable age, and what is evidence
// stays. Kept forever: the newest reconciliation result of every check (period and check) and
// every FAILED result (a run stores its failures and the passes that settle a known break; a
// check passing with no break on it is only counted in the run's summary, so a check without a
// stored result has never failed since it was last settled); each file's latest processing-log row; audit rows and archived landing
// files unless a retention is set for them. Purged: older passing results (a later run checked
// the same thing again), older processing-log rows, and — when configured — audit rows and
// archived landing files older than their retention; the alarm evaluator's metric samples older
// than their retention (30 days by default).
//
// `perfrecon retention run` runs it once; worker processes run it on a schedule. Only one run at
// a time on a database (an advisory lock: the others skip), and each statement covers one slice
// (a few accounts, a window of ids), so no transaction is long.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { RetentionSettings } from '../config/app-config.ts';
import type { RetentionReport } from '../contracts/retention.ts';
import type { Logger } from '../observe/logger.ts';
import type { Database } from '../store/db/database.ts';
import {
  dropMonthPartition,
  type MonthPartition,
  monthPartitions,
  partitionIsEmpty,
  partitionRows,
  type TimePartitionedTable,
} from '../store/partition-repository.ts';
import {
  type AgedTable,
  agedIdRange,
  auditRetention,
  forgetStoredPaths,
  nextResultAccounts,
  purgeAgedRows,
  purgeSupersededResults,
  releaseRetentionLock,
  tryRetentionLock,
} from '../store/retention-repository.ts';
import { preparePartitions } from './database.ts';

/** Accounts whose results one statement purges, and ids one statement of the logs covers. */
const ACCOUNTS_PER_STEP = 100;
const IDS_PER_STEP = 10_000;
const DAY_MS = 86_400_000;

export interface RetentionDeps {
  database: Pick<Database, 'db'>;
}

export interface RetentionOptions {
  settings: RetentionSettings;
  /**
   * The landing folder; its archive/YYYY/MM/DD/ is where archived files are. Undefined for a
   * bucket, whose own lifecycle rules purge them (the configuration refuses landing days there).
   */
  landingRoot: string | undefined;
  dryRun: boolean;
  actor: string;
  now?: Date;
}

const daysBefore = (now: Date, days: number | undefined) =>
  days === undefined ? null : new Date(now.getTime() - days * DAY_MS);

export async function runRetention(deps: RetentionDeps, options: RetentionOptions): Promise<RetentionReport> {
  const now = options.now ?? new Date();
  const { settings } = options;
  const cutoffs = {
    results: daysBefore(now, settings.resultsDays),
    processingLog: daysBefore(now, settings.processingLogDays),
    audit: daysBefore(now, settings.auditDays),
    landing: daysBefore(now, settings.landingDays),
    metricSamples: daysBefore(now, settings.metricSamplesDays),
  };
  const report: RetentionReport = {
    dryRun: options.dryRun,
    ran: false,
    results: { cutoff: cutoffs.results?.toISOString() ?? null, rows: 0 },
    processingLog: { cutoff: cutoffs.processingLog?.toISOString() ?? null, rows: 0 },
    audit: { cutoff: cutoffs.audit?.toISOString() ?? null, rows: 0 },
    metricSamples: { cutoff: cutoffs.metricSamples?.toISOString() ?? null, rows: 0 },
    landing: { cutoff: cutoffs.landing?.toISOString() ?? null, files: 0, bytes: 0 },
    partitions: { created: [], dropped: [] },
  };
  const { db } = deps.database;
  const dropped = report.partitions.dropped;
  await deps.database.db.connection().execute(async (connection) => {
    if (!(await tryRetentionLock(connection))) return;
    try {
      report.ran = true;
      const { dryRun } = options;
      if (!dryRun) report.partitions.created = await preparePartitions(deps, now);
      // Results and the processing log keep rows of every age (the newest result of a check, a
      // file's latest row): their old months are purged row by row, and dropped once empty.
      if (cutoffs.results !== null) {
        report.results.rows = await purgeResults(connection, cutoffs.results, dryRun);
        if (!dryRun) dropped.push(...(await dropEmptyMonths(db, 'reconciliation_results', cutoffs.results)));
      }
      if (cutoffs.processingLog !== null) {
        report.processingLog.rows = await purgeAged(
          connection,
          'etl_processing_log',
          cutoffs.processingLog,
          dryRun,
        );
        if (!dryRun)
          dropped.push(...(await dropEmptyMonths(db, 'etl_processing_log', cutoffs.processingLog)));
      }
      if (cutoffs.landing !== null && options.landingRoot !== undefined) {
        const removed = await purgeArchive(options.landingRoot, cutoffs.landing, dryRun);
        report.landing.files = removed.paths.length;
        report.landing.bytes = removed.bytes;
        if (!dryRun) await forgetStoredPaths(connection, removed.paths);
      }
      // Audit rows go by age alone: the months wholly before the cutoff are dropped whole, the
      // rest row by row.
      if (cutoffs.audit !== null) {
        const months = await dropMonthsBefore(db, 'audit_log', cutoffs.audit, dryRun);
        dropped.push(...months.names);
        report.audit.rows = months.rows + (await purgeAged(connection, 'audit_log', cutoffs.audit, dryRun));
      }
      if (cutoffs.metricSamples !== null)
        report.metricSamples.rows = await purgeAged(
          connection,
          'metric_samples',
          cutoffs.metricSamples,
          dryRun,
        );
      const removedAny =
        report.results.rows +
          report.processingLog.rows +
          report.audit.rows +
          report.metricSamples.rows +
          report.landing.files >
        0;
      if (!dryRun && removedAny) await auditRetention(connection, options.actor, report);
    } finally {
      await releaseRetentionLock(connection);
    }
  });
  return report;
}

type Connection = Parameters<typeof purgeAgedRows>[0];

/** Superseded passing results, a few accounts at a time, in account order. */
async function purgeResults(db: Connection, cutoff: Date, dryRun: boolean): Promise<number> {
  let total = 0;
  let after: string | null = null;
  for (;;) {
    const accounts = await nextResultAccounts(db, after, ACCOUNTS_PER_STEP);
    if (accounts.length === 0) return total;
    total += await purgeSupersededResults(db, accounts, cutoff, dryRun);
    after = accounts[accounts.length - 1] ?? null;
  }
}

type Pool = RetentionDeps['database']['db'];

/** Drop a month; false when that would wait for a lock (left to the next run; rows are deleted meanwhile). */
const tryDrop = (db: Pool, partition: MonthPartition) =>
  dropMonthPartition(db, partition).then(
    () => true,
    (error: unknown) => ((error as { code?: string }).code === '55P03' ? false : Promise.reject(error)),
  );

/**
 * The months of `table` that end before the cutoff, dropped with their rows (counted first). A
 * dry run names them and counts nothing: its row-by-row count covers their rows as well.
 */
async function dropMonthsBefore(
  db: Pool,
  table: TimePartitionedTable,
  cutoff: Date,
  dryRun: boolean,
): Promise<{ names: string[]; rows: number }> {
  const done = { names: [] as string[], rows: 0 };
  for (const partition of await monthPartitions(db, table)) {
    if (partition.to > cutoff) break;
    if (dryRun) {
      done.names.push(partition.name);
      continue;
    }
    const rows = await partitionRows(db, partition);
    if (!(await tryDrop(db, partition))) continue;
    done.names.push(partition.name);
    done.rows += rows;
  }
  return done;
}

/** The months of `table` that end before the cutoff and hold no row any more, dropped. */
async function dropEmptyMonths(db: Pool, table: TimePartitionedTable, cutoff: Date): Promise<string[]> {
  const names: string[] = [];
  for (const partition of await monthPartitions(db, table)) {
    if (partition.to > cutoff) break;
    if ((await partitionIsEmpty(db, partition)) && (await tryDrop(db, partition))) names.push(partition.name);
  }
  return names;
}

/** Rows older than the cutoff, one window of ids at a time. */
async function purgeAged(db: Connection, table: AgedTable, cutoff: Date, dryRun: boolean): Promise<number> {
  const range = await agedIdRange(db, table, cutoff);
  if (range === undefined) return 0;
  let total = 0;
  for (let from = range.first; from <= range.last; from += IDS_PER_STEP) {
    total += await purgeAgedRows(db, table, { from, to: from + IDS_PER_STEP }, cutoff, dryRun);
  }
  return total;
}

/** Archived files in day folders (archive/YYYY/MM/DD, the day received, UTC) before the cutoff's day. */
async function purgeArchive(
  landingRoot: string,
  cutoff: Date,
  dryRun: boolean,
): Promise<{ paths: string[]; bytes: number }> {
  const archive = path.join(landingRoot, 'archive');
  const cutoffDay = cutoff.toISOString().slice(0, 10);
  const paths: string[] = [];
  let bytes = 0;
  for (const dayFolder of await dayFolders(archive)) {
    if (dayFolder.day >= cutoffDay) continue;
    for (const entry of await fs.readdir(dayFolder.path, { withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const file = path.join(dayFolder.path, entry.name);
      bytes += (await fs.stat(file)).size;
      if (!dryRun) await fs.rm(file);
      paths.push(file);
    }
    if (!dryRun) await removeEmptyUpTo(dayFolder.path, archive);
  }
  return { paths, bytes };
}

async function dayFolders(archive: string): Promise<{ day: string; path: string }[]> {
  const list = async (folder: string) =>
    (await fs.readdir(folder, { withFileTypes: true }).catch(() => []))
      .filter((entry) => entry.isDirectory() && /^\d+$/.test(entry.name))
      .map((entry) => entry.name)
      .sort();
  const found: { day: string; path: string }[] = [];
  for (const year of await list(archive))
    for (const month of await list(path.join(archive, year)))
      for (const day of await list(path.join(archive, year, month)))
        found.push({ day: `${year}-${month}-${day}`, path: path.join(archive, year, month, day) });
  return found;
}

/** Remove a folder and its parents below `root` while they are empty (never `root` itself). */
async function removeEmptyUpTo(folder: string, root: string): Promise<void> {
  for (let current = folder; current !== root && current.startsWith(root); current = path.dirname(current)) {
    if ((await fs.readdir(current)).length > 0) return;
    await fs.rmdir(current);
  }
}

/** Run retention every `intervalMinutes` (the first run one interval after start); returns a stop function. */
export function startRetentionSchedule(
  deps: RetentionDeps & { logger?: Logger | undefined },
  options: Omit<RetentionOptions, 'dryRun' | 'now'> & { intervalMinutes: number },
): () => void {
  const timer = setInterval(() => {
    runRetention(deps, { ...options, dryRun: false })
      .then((report) => deps.logger?.info({ retention: report }, 'retention run'))
      .catch((error: Error) => deps.logger?.error({ err: error.message }, 'retention run failed'));
  }, options.intervalMinutes * 60_000);
  timer.unref();
  return () => clearInterval(timer);
}
