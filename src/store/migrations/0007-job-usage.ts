// Append-only: never edit a migration that has shipped; add a new file instead.
// What each run of an ingest job cost: wall time, CPU seconds of its process over the run,
// time the job waited in the queue, resident memory at its end, and the worker's slots
// (concurrency), from which utilisation and the right-sizing hint are derived.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE job_usage (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      job_id text NOT NULL,
      attempt integer NOT NULL,
      file_id bigint,
      vendor_code text,
      outcome text NOT NULL,
      worker text NOT NULL,
      worker_slots integer NOT NULL CHECK (worker_slots > 0),
      queued_at timestamptz NOT NULL,
      started_at timestamptz NOT NULL,
      finished_at timestamptz NOT NULL,
      wall_seconds double precision NOT NULL,
      cpu_seconds double precision NOT NULL,
      rss_bytes bigint NOT NULL
    );
    CREATE INDEX job_usage_finished_at ON job_usage (finished_at);
  `.execute(db);
}
