// Append-only: never edit a migration that has shipped; add a new file instead.
// A resolved break can be reopened (the resolution proved wrong): who, when and why, audited
// with the status change that reopening is.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE reconciliation_breaks
      ADD COLUMN reopened_by text,
      ADD COLUMN reopened_at timestamptz,
      ADD COLUMN reopen_comment text;
  `.execute(db);
}
