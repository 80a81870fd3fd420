// The database itself: where it is and which migrations have run.
import { type Database, ping } from '../store/db/database.ts';
import { type MigrationState, migrateToLatest, migrationStatus } from '../store/migrate.ts';

export interface DatabaseStatus {
  mode: Database['mode'];
  /** A connection description without credentials. */
  connection: string;
  migrations: MigrationState[];
}

/** Apply pending migrations; the names of those applied. */
export function migrateDatabase(deps: { database: Database }): Promise<string[]> {
  return migrateToLatest(deps.database.db);
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
