import type { Kysely } from 'kysely';
import { Migrator } from 'kysely/migration';
import { DomainError } from '../domain/errors.ts';
import { migrationProvider } from './migrations/index.ts';

export class MigrationError extends DomainError {
  readonly code = 'MIGRATION_FAILED';
}

export interface MigrationState {
  name: string;
  appliedAt: Date | undefined;
}

// Migrations work on any schema type: they are what creates it.
function migrator<T>(db: Kysely<T>): Migrator {
  return new Migrator({ db: db as unknown as Kysely<unknown>, provider: migrationProvider });
}

/** Apply pending migrations; returns the names applied (empty when up to date). */
export async function migrateToLatest<T>(db: Kysely<T>): Promise<string[]> {
  const { error, results } = await migrator(db).migrateToLatest();
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
