// Append-only: never edit a migration that has shipped; add a new file instead.
// A reconciliation run started through the API is recorded at once as QUEUED and run by a worker
// (the reconcile queue), which marks it RUNNING when it takes it.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE reconciliation_runs
      DROP CONSTRAINT reconciliation_runs_status_check,
      ADD CONSTRAINT reconciliation_runs_status_check
        CHECK (status IN ('QUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'ABANDONED'));
  `.execute(db);
}
