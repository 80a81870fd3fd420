// Append-only: never edit a migration that has shipped; add a new file instead.
// Staged rows carry their position in the file: periods a file reports twice are found in SQL
// over the staged rows (the first row of a period is the one that stands), so ingest keeps no
// per-file structure that grows with the rows.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE staging_periods ADD COLUMN seq bigint`.execute(db);
}
