// Append-only: never edit a migration that has shipped; add a new file instead.
// Integrity under concurrency and crashes: reconciliation runs carry a heartbeat so a run whose
// process died is marked ABANDONED (with who noticed and when) instead of staying RUNNING;
// staged rows name the job that staged them, so a worker can drop the staging of jobs that are
// no longer active; the database gets an identity of its own to namespace a shared Redis.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE reconciliation_runs
      ADD COLUMN heartbeat_at timestamptz,
      ADD COLUMN abandoned_by text,
      ADD COLUMN abandoned_at timestamptz;
    UPDATE reconciliation_runs SET heartbeat_at = coalesce(finished_at, started_at);
    ALTER TABLE reconciliation_runs
      ALTER COLUMN heartbeat_at SET DEFAULT clock_timestamp(),
      ALTER COLUMN heartbeat_at SET NOT NULL,
      DROP CONSTRAINT reconciliation_runs_status_check,
      ADD CONSTRAINT reconciliation_runs_status_check
        CHECK (status IN ('RUNNING', 'COMPLETED', 'FAILED', 'ABANDONED'));
    CREATE INDEX reconciliation_runs_running_idx ON reconciliation_runs (heartbeat_at) WHERE status = 'RUNNING';

    -- The pg-boss job whose attempt staged the row (null for a load outside a job).
    ALTER TABLE staging_periods ADD COLUMN job_id text;

    -- One row: a random id created the first time the application opens this database (not
    -- here, so that databases created from a migrated template each get their own).
    CREATE TABLE database_identity (
      singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
      id text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
  `.execute(db);
}
