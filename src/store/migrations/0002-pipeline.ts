// Append-only: never edit a migration that has shipped; add a new file instead.
// The pipeline's dead letters: jobs that exhausted their retries (or failed for a reason a retry
// cannot fix), kept until an operator replays them. pg-boss keeps the jobs themselves in its own
// schema, which it installs and migrates on start.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE dead_letters (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      -- The job that failed and its copy in the dead-letter queue.
      job_id uuid NOT NULL UNIQUE,
      dead_letter_job_id uuid NOT NULL UNIQUE,
      queue text NOT NULL,
      file_id bigint REFERENCES files (id),
      sha256 text NOT NULL,
      file_name text NOT NULL,
      landing_name text NOT NULL,
      stored_path text,
      attempts integer NOT NULL,
      error text NOT NULL,
      payload jsonb NOT NULL,
      dead_lettered_at timestamptz NOT NULL DEFAULT now(),
      replayed_at timestamptz,
      replayed_by text,
      replay_job_id uuid,
      -- Closed without a replay: the same bytes were taken in by a later job.
      resolved_at timestamptz,
      resolution text
    );
    CREATE INDEX dead_letters_open_idx ON dead_letters (dead_lettered_at) WHERE replayed_at IS NULL AND resolved_at IS NULL;
    CREATE INDEX dead_letters_file_idx ON dead_letters (file_id);

    CREATE TRIGGER dead_letters_audit AFTER INSERT OR UPDATE OR DELETE ON dead_letters
      FOR EACH ROW EXECUTE FUNCTION audit_row('id');
  `.execute(db);
}
