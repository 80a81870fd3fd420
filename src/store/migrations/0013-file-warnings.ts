// Append-only: never edit a migration that has shipped; add a new file instead.
// Per-row warnings of a file (a value defaulted, a negative amount, a period repeated exactly…)
// are written as they are found, in batches, like quarantined rows: a file of many rows holds
// only their count and the first few in memory, and every one stays retrievable with its
// location (issue 10, item 18). File-level warnings (schema drift) have no location.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE file_warnings (
      file_id bigint NOT NULL REFERENCES files (id),
      seq integer NOT NULL,
      location jsonb,
      message text NOT NULL,
      PRIMARY KEY (file_id, seq)
    )`.execute(db);
}
