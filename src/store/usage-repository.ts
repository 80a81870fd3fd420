// What jobs and files cost: one row per job run (job_usage), and sums of it and of files by
// vendor and day; the database's size by table; the figures of the job-based alarms.

import type { Insertable } from 'kysely';
import { sql } from 'kysely';
import type { Executor } from './db/database.ts';
import type { JobUsageTable } from './schema.ts';

export function insertJobUsage(db: Executor, usage: Insertable<JobUsageTable>) {
  return db.insertInto('job_usage').values(usage).execute();
}

const day = (column: string) => sql<string>`to_char(${sql.ref(column)} AT TIME ZONE 'UTC', 'YYYY-MM-DD')`;

/** Files received per UTC day and vendor in [from, until): counts, rows, bytes received and stored. */
export function filesByDayAndVendor(db: Executor, from: Date, until: Date) {
  return db
    .selectFrom('files')
    .select([
      day('received_at').as('day'),
      sql<string>`coalesce(vendor_code, '')`.as('vendor'),
      (eb) => eb.fn.countAll<string>().as('files'),
      sql<string>`coalesce(sum(rows_read), 0)`.as('rows_read'),
      sql<string>`coalesce(sum(rows_stored), 0)`.as('rows_stored'),
      sql<string>`coalesce(sum(rows_quarantined), 0)`.as('rows_quarantined'),
      sql<string>`coalesce(sum(size_bytes), 0)`.as('bytes_received'),
      sql<string>`coalesce(sum(size_bytes) FILTER (WHERE status IN ('SUCCEEDED', 'QUARANTINED')), 0)`.as(
        'bytes_stored',
      ),
    ])
    .where('received_at', '>=', from)
    .where('received_at', '<', until)
    .groupBy(['day', 'vendor'])
    .execute();
}

/** Job runs finished per UTC day and vendor in [from, until): CPU and wall seconds. */
export function jobsByDayAndVendor(db: Executor, from: Date, until: Date) {
  return db
    .selectFrom('job_usage')
    .select([
      day('finished_at').as('day'),
      sql<string>`coalesce(vendor_code, '')`.as('vendor'),
      (eb) => eb.fn.countAll<string>().as('jobs'),
      sql<number>`sum(cpu_seconds)`.as('cpu_seconds'),
      sql<number>`sum(wall_seconds)`.as('wall_seconds'),
    ])
    .where('finished_at', '>=', from)
    .where('finished_at', '<', until)
    .groupBy(['day', 'vendor'])
    .execute();
}

/** Job runs finished in [from, until): the p95 of wall time, mean queue wait, largest memory. */
export async function jobFigures(db: Executor, from: Date, until: Date) {
  return db
    .selectFrom('job_usage')
    .select([
      (eb) => eb.fn.countAll<string>().as('jobs'),
      sql<number | null>`percentile_cont(0.95) WITHIN GROUP (ORDER BY wall_seconds)`.as('p95_wall_seconds'),
      sql<number | null>`avg(extract(epoch FROM started_at - queued_at))::float8`.as('mean_wait_seconds'),
      sql<number | null>`max(rss_bytes)::float8`.as('max_rss_bytes'),
    ])
    .where('finished_at', '>', from)
    .where('finished_at', '<=', until)
    .executeTakeFirstOrThrow();
}

/** Per worker process over [from, until): its slots, busy seconds and jobs. */
export function workerUtilisation(db: Executor, from: Date, until: Date) {
  return db
    .selectFrom('job_usage')
    .select([
      'worker',
      sql<number>`max(worker_slots)`.as('slots'),
      sql<number>`sum(wall_seconds)`.as('busy_seconds'),
      sql<number>`sum(extract(epoch FROM started_at - queued_at))::float8`.as('wait_seconds'),
      (eb) => eb.fn.countAll<string>().as('jobs'),
    ])
    .where('finished_at', '>=', from)
    .where('finished_at', '<', until)
    .groupBy('worker')
    .execute();
}

/** Each vendor's CPU seconds of jobs finished in [from, until). */
export function vendorCpuSeconds(db: Executor, from: Date, until: Date) {
  return db
    .selectFrom('job_usage')
    .select([sql<string>`coalesce(vendor_code, '')`.as('vendor'), sql<number>`sum(cpu_seconds)`.as('value')])
    .where('finished_at', '>=', from)
    .where('finished_at', '<', until)
    .groupBy('vendor')
    .execute();
}

/** Each vendor's bytes of files received in [from, until). */
export function vendorBytesReceived(db: Executor, from: Date, until: Date) {
  return db
    .selectFrom('files')
    .select([sql<string>`coalesce(vendor_code, '')`.as('vendor'), sql<string>`sum(size_bytes)`.as('value')])
    .where('received_at', '>=', from)
    .where('received_at', '<', until)
    .groupBy('vendor')
    .execute();
}

/** The application's tables and the job queue's (each partition on its own), largest first, with indexes and TOAST. */
export async function tableSizes(db: Executor) {
  const { rows } = await sql<{ table: string; bytes: string; rows: string }>`
    SELECT n.nspname || '.' || c.relname AS table, pg_total_relation_size(c.oid) AS bytes,
           greatest(c.reltuples, 0)::bigint AS rows
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind = 'r' AND n.nspname IN ('public', 'pgboss')
     ORDER BY bytes DESC`.execute(db);
  return rows;
}
