// The database itself: where it is and which migrations have run.
import { type Database, ping } from '../store/db/database.ts';
import { databaseIdentity as readIdentity } from '../store/identity-repository.ts';
import { type MigrationState, migrateToLatest, migrationStatus } from '../store/migrate.ts';
import {
  addMonths,
  createMonthPartition,
  isPartitioned,
  monthOf,
  monthPartitions,
  monthsInDefault,
  TIME_PARTITIONED,
  type TimePartitionedTable,
} from '../store/partition-repository.ts';

export interface DatabaseStatus {
  mode: Database['mode'];
  /** A connection description without credentials. */
  connection: string;
  migrations: MigrationState[];
}

export interface MigrationOutcome {
  /** The migrations applied, in order. */
  applied: string[];
  /** The monthly partitions created ahead. */
  partitions: string[];
}

/**
 * Apply pending migrations, then create the months ahead: always (`db migrate`), or only when a
 * migration ran (`if-migrated`: every command that writes opens the database this way, and a
 * schema that is current already has its months — workers keep them ahead, see
 * runtime.ts, and so does every retention run).
 */
export async function migrateDatabase(
  deps: { database: Pick<Database, 'db'> },
  options: { partitions: 'always' | 'if-migrated' } = { partitions: 'always' },
): Promise<MigrationOutcome> {
  const applied = await migrateToLatest(deps.database.db);
  const prepare = options.partitions === 'always' || applied.length > 0;
  return { applied, partitions: prepare ? await preparePartitions(deps) : [] };
}

/** Months created ahead of the current one in every time-partitioned table. */
export const PARTITION_MONTHS_AHEAD = 2;

/**
 * The monthly partitions the coming rows need: the current month and the next
 * PARTITION_MONTHS_AHEAD in every time-partitioned table, and a month for the rows waiting in a
 * default partition (which are moved into it). Run at start and by every retention run; each
 * month is created once whoever runs it. Returns the partitions created.
 */
export async function preparePartitions(
  deps: { database: Pick<Database, 'db'> },
  now: Date = new Date(),
): Promise<string[]> {
  const { db } = deps.database;
  if (!(await isPartitioned(db))) return [];
  const created: string[] = [];
  for (const table of Object.keys(TIME_PARTITIONED) as TimePartitionedTable[]) {
    const existing = new Set((await monthPartitions(db, table)).map((partition) => partition.month));
    const wanted = new Set(await monthsInDefault(db, table));
    for (let n = 0; n <= PARTITION_MONTHS_AHEAD; n++) wanted.add(addMonths(monthOf(now), n));
    for (const month of [...wanted].sort()) {
      if (existing.has(month)) continue;
      const name = await createMonthPartition(db, table, month);
      if (name !== undefined) created.push(name);
    }
  }
  return created;
}

export async function databaseStatus(deps: { database: Database }): Promise<DatabaseStatus> {
  return {
    mode: deps.database.mode,
    connection: deps.database.connectionInfo,
    migrations: await migrationStatus(deps.database.db),
  };
}

/** Whether the database answers a query now (readiness probes). */
export async function databaseReachable(deps: { database: Database }): Promise<boolean> {
  return ping(deps.database.db).then(
    () => true,
    () => false,
  );
}

/**
 * The database's identity, to namespace what it shares with other databases (a Redis);
 * undefined while the database is not migrated far enough to have one.
 */
export function databaseIdentity(deps: { database: Database }): Promise<string | undefined> {
  return readIdentity(deps.database.db);
}
