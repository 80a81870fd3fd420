// Append-only: never edit a migration that has shipped; add a new file instead.
// The figures the alarm evaluator sampled at each of its turns (queue depth, oldest job age,
// error rate, processing time, cache hit ratio, memory, dead letters): the history /metrics,
// which shows only the current reading, lacks. Retention purges them by age.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE metric_samples (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at timestamptz NOT NULL,
      name text NOT NULL,
      value double precision NOT NULL
    );
    CREATE INDEX metric_samples_name_at ON metric_samples (name, at);
    CREATE INDEX metric_samples_at ON metric_samples (at);
  `.execute(db);
}
