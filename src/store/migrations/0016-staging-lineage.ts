// Append-only: never edit a migration that has shipped; add a new file instead.
// Narrow staged rows: what many rows of a load share — the columns each field came from, the
// calculation's conventions, method and version, the file (and sheet) — is staged once per load
// in staging_lineage under a small id, and each staged period carries that id and only what is
// its own (its row, column or JSON path; its calculation warnings). The merge joins them back,
// so the stored periods, their lineage and the audit log are as before. A staged row was ~900
// bytes for an 86-byte line of a canonical CSV, over half of it the same field sources on every
// row (BENCHMARKS.md, issue 12).
// Staged rows of loads in flight when this runs lose their columns: such a load fails its merge
// on the row count and is retried (staging is transient, see store/period-repository.ts).
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    DELETE FROM staging_periods;
    ALTER TABLE staging_periods
      DROP COLUMN calculation_method,
      DROP COLUMN calculation_conventions,
      DROP COLUMN calculation_version,
      DROP COLUMN field_sources,
      ADD COLUMN lineage_id integer NOT NULL;
    COMMENT ON COLUMN staging_periods.source_location IS
      'the part of the location that is the row''s own (row, column, JSON path); the rest is in staging_lineage';

    CREATE UNLOGGED TABLE staging_lineage (
      load_id text NOT NULL,
      id integer NOT NULL,
      job_id text,
      field_sources jsonb NOT NULL,
      calculation_method text,
      calculation_conventions jsonb,
      calculation_version text,
      -- The location's keys every row of this lineage shares (file, sheet).
      source_location jsonb NOT NULL,
      staged_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (load_id, id)
    );
  `.execute(db);
}
