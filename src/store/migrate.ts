import type { Kysely } from 'kysely';
import { Migrator } from 'kysely/migration';
import { DomainError } from '../domain/errors.ts';
import { MIGRATION_NAMES, migrationProvider } from './migrations/index.ts';

export class MigrationError extends DomainError {
  readonly code = 'MIGRATION_FAILED';
}

export class SchemaBehindError extends DomainError {
  readonly code = 'SCHEMA_BEHIND';
}

export interface MigrationState {
  name: string;
  appliedAt: Date | undefined;
}

// Migrations work on any schema type: they are what creates it.
function migrator<T>(db: Kysely<T>): Migrator {
  return new Migrator({ db: db as unknown as Kysely<unknown>, provider: migrationProvider });
}

export function knownMigrations(): readonly string[] {
  return MIGRATION_NAMES;
}

/** Apply pending migrations; returns the names applied (empty when up to date). */
export function migrateToLatest<T>(db: Kysely<T>): Promise<string[]> {
  return applied(migrator(db).migrateToLatest());
}

/** Apply migrations up to and including `name` (a restore rebuilds the schema of its backup). */
export function migrateTo<T>(db: Kysely<T>, name: string): Promise<string[]> {
  return applied(migrator(db).migrateTo(name));
}

async function applied(run: ReturnType<Migrator['migrateToLatest']>): Promise<string[]> {
  const { error, results } = await run;
  if (error !== undefined) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName;
    throw new MigrationError(
      `database migration ${failed ?? ''} failed: ${(error as Error).message ?? String(error)}`.replace(
        '  ',
        ' ',
      ),
      'Nothing was changed (migrations run in one transaction). Fix the cause and run `perfrecon db migrate` again.',
    );
  }
  return (results ?? [])
    .filter((result) => result.status === 'Success')
    .map((result) => result.migrationName);
}

export async function migrationStatus<T>(db: Kysely<T>): Promise<MigrationState[]> {
  const migrations = await migrator(db).getMigrations();
  return migrations.map((m) => ({ name: m.name, appliedAt: m.executedAt }));
}

/** Refuse to work on a schema older than this version's, without changing it. */
export async function requireCurrentSchema<T>(db: Kysely<T>): Promise<void> {
  const pending = (await migrationStatus(db)).filter((m) => m.appliedAt === undefined).map((m) => m.name);
  if (pending.length === 0) return;
  throw new SchemaBehindError(
    `the database schema is behind this version of perfrecon (${pending.length} migration${pending.length === 1 ? '' : 's'} pending: ${pending.join(', ')}); this command only reads, and does not change the schema`,
    'Run `perfrecon db migrate` (or any command that writes, such as `perfrecon ingest`), then run this command again.',
  );
}
