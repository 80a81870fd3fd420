// The monthly partitions of the tables that grow with every run and every file (migration 0011):
// `<table>_pYYYY_MM` holds the rows whose partition key falls in that month (UTC) and
// `<table>_default` whatever has no month yet, so an insert never fails. Months are created
// ahead; a month's rows that landed in the default partition are moved into their own month
// when it is created (a month cannot be attached while the default holds rows of it). Old months
// are dropped whole by retention, never emptied row by row here.
import { type Kysely, sql } from 'kysely';
import type { Executor } from './db/database.ts';
import type { DB } from './schema.ts';

/** Each partitioned table and its partition key. */
export const TIME_PARTITIONED = {
  audit_log: 'at',
  etl_processing_log: 'at',
  reconciliation_results: 'run_started_at',
} as const;
export type TimePartitionedTable = keyof typeof TIME_PARTITIONED;

export interface MonthPartition {
  name: string;
  /** YYYY-MM */
  month: string;
  /** The month's first instant (inclusive) and the next month's (exclusive), UTC. */
  from: Date;
  to: Date;
}

const monthStart = (month: string) => new Date(`${month}-01T00:00:00Z`);
const nextMonth = (month: string) => {
  const start = monthStart(month);
  return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
};
/** The month (YYYY-MM, UTC) of an instant. */
export const monthOf = (at: Date) => at.toISOString().slice(0, 7);
/** The month `n` months after `month`. */
export function addMonths(month: string, n: number): string {
  const start = monthStart(month);
  return monthOf(new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + n, 1)));
}

const partitionName = (table: TimePartitionedTable, month: string) => `${table}_p${month.replace('-', '_')}`;
const defaultName = (table: TimePartitionedTable) => `${table}_default`;

/** The table's month partitions, oldest first (the default partition is not one of them). */
export async function monthPartitions(db: Executor, table: TimePartitionedTable): Promise<MonthPartition[]> {
  const { rows } = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = to_regclass(${table})`.execute(db);
  const pattern = new RegExp(`^${table}_p(\\d{4})_(\\d{2})$`);
  return rows
    .flatMap((row) => {
      const match = pattern.exec(row.name);
      if (match === null) return [];
      const month = `${match[1]}-${match[2]}`;
      return [{ name: row.name, month, from: monthStart(month), to: nextMonth(month) }];
    })
    .sort((a, b) => a.month.localeCompare(b.month));
}

/** True once migration 0011 has run (the tables are partitioned). */
export async function isPartitioned(db: Executor): Promise<boolean> {
  const { rows } = await sql<{ partitioned: boolean }>`
    SELECT EXISTS (SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass('audit_log')) AS partitioned`.execute(
    db,
  );
  return rows[0]?.partitioned === true;
}

/** The months (YYYY-MM) of the rows that wait in the default partition for a month of their own. */
export async function monthsInDefault(db: Executor, table: TimePartitionedTable): Promise<string[]> {
  const column = sql.ref(TIME_PARTITIONED[table]);
  const { rows } = await sql<{ month: string }>`
    SELECT DISTINCT to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM') AS month
    FROM ${sql.table(defaultName(table))} ORDER BY 1`.execute(db);
  return rows.map((row) => row.month);
}

/**
 * Create the month's partition unless it exists, moving the rows of that month out of the
 * default partition. The table is made on its own, filled, then attached (attaching locks the
 * parent only against schema changes, not against inserts); one process at a time per
 * database. Returns the partition's name, or undefined when it existed.
 */
export async function createMonthPartition(
  db: Kysely<DB>,
  table: TimePartitionedTable,
  month: string,
): Promise<string | undefined> {
  const name = partitionName(table, month);
  const column = sql.ref(TIME_PARTITIONED[table]);
  const from = monthStart(month).toISOString();
  const to = nextMonth(month).toISOString();
  return db.transaction().execute(async (trx) => {
    // Waits behind a long query rather than queueing every writer behind itself.
    await sql`SET LOCAL lock_timeout = '10s'`.execute(trx);
    await sql`SELECT pg_advisory_xact_lock(hashtext('perfrecon.partitions'))`.execute(trx);
    const { rows } = await sql<{
      exists: boolean;
    }>`SELECT to_regclass(${name}) IS NOT NULL AS exists`.execute(trx);
    if (rows[0]?.exists) return undefined;
    await sql`CREATE TABLE ${sql.table(name)} (LIKE ${sql.table(table)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`.execute(
      trx,
    );
    await sql`WITH moved AS (
        DELETE FROM ${sql.table(defaultName(table))} WHERE ${column} >= ${from}::timestamptz AND ${column} < ${to}::timestamptz
        RETURNING *)
      INSERT INTO ${sql.table(name)} SELECT * FROM moved`.execute(trx);
    await sql`ALTER TABLE ${sql.table(table)} ATTACH PARTITION ${sql.table(name)}
      FOR VALUES FROM (${sql.lit(from)}) TO (${sql.lit(to)})`.execute(trx);
    return name;
  });
}

/** Rows in a partition (a month about to be dropped is counted for the report). */
export async function partitionRows(db: Executor, partition: MonthPartition): Promise<number> {
  const { rows } = await sql<{
    n: string;
  }>`SELECT count(*)::text AS n FROM ${sql.table(partition.name)}`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/** Whether a partition holds no row (read without counting them all). */
export async function partitionIsEmpty(db: Executor, partition: MonthPartition): Promise<boolean> {
  const { rows } = await sql<{ any: boolean }>`
    SELECT EXISTS (SELECT 1 FROM ${sql.table(partition.name)}) AS any`.execute(db);
  return rows[0]?.any !== true;
}

/** Drop a month whole: its rows go with it, in one statement, with nothing left to vacuum. */
export async function dropMonthPartition(db: Kysely<DB>, partition: MonthPartition): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`SET LOCAL lock_timeout = '10s'`.execute(trx);
    await sql`DROP TABLE ${sql.table(partition.name)}`.execute(trx);
  });
}
