// Append-only: never edit a migration that has shipped; add a new file instead.
// The tables every run and every file append to are partitioned by month (native RANGE
// partitioning on a timestamp), so retention can drop a month whole where its rule allows and
// confine its deletes to old months elsewhere:
//  - audit_log and etl_processing_log by `at` (when the row was written);
//  - reconciliation_results by `run_started_at`, a new column: its run's start, kept equal to
//    reconciliation_runs.started_at by a foreign key (ON UPDATE CASCADE).
// A partition's key must be part of every unique constraint, so `at` / `run_started_at` join
// the primary keys (the old keys stay unique: `at` follows from `id`, the run's start from its
// id). Each table gets a partition per month its rows span, the current month and the next
// two, and a DEFAULT partition so that an insert never fails; the application creates the
// months ahead (at start and at every retention run) and moves rows that landed in DEFAULT
// into their month (store/partition-repository.ts, which uses the same names:
// `<table>_pYYYY_MM`, months in UTC, and `<table>_default`).
//
// Existing rows are copied into the new tables inside this migration's transaction: on a large
// database the upgrade holds the tables for as long as the copy takes (docs/RETENTION.md).
import { type Kysely, sql } from 'kysely';

/**
 * A partition of `parent` for every month `monthsQuery` returns (timestamps without time zone,
 * the first of a month in UTC) and for the current month and the next two, then the default one.
 */
function monthPartitions(parent: string, monthsQuery: string) {
  return sql.raw(`
    DO $$
    DECLARE
      m timestamp;
      this_month timestamp := date_trunc('month', now() AT TIME ZONE 'UTC');
    BEGIN
      FOR m IN ${monthsQuery}
        UNION SELECT generate_series(this_month, this_month + interval '2 months', interval '1 month')
        ORDER BY 1
      LOOP
        EXECUTE format('CREATE TABLE %I PARTITION OF ${parent} FOR VALUES FROM (%L) TO (%L)',
          '${parent}_p' || to_char(m, 'YYYY_MM'), to_char(m, 'YYYY-MM-DD"T00:00:00Z"'),
          to_char(m + interval '1 month', 'YYYY-MM-DD"T00:00:00Z"'));
      END LOOP;
    END $$;
    CREATE TABLE ${parent}_default PARTITION OF ${parent} DEFAULT;
  `);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  // The old tables step aside (with their indexes and identity sequences, whose names the new
  // tables take), the new ones are created and filled, the old ones dropped.
  await sql`
    ALTER TABLE audit_log RENAME TO audit_log_unpartitioned;
    ALTER INDEX audit_log_pkey RENAME TO audit_log_unpartitioned_pkey;
    ALTER INDEX audit_log_table_key_idx RENAME TO audit_log_unpartitioned_table_key_idx;
    ALTER SEQUENCE audit_log_id_seq RENAME TO audit_log_unpartitioned_id_seq;

    ALTER TABLE etl_processing_log RENAME TO etl_processing_log_unpartitioned;
    ALTER INDEX etl_processing_log_pkey RENAME TO etl_processing_log_unpartitioned_pkey;
    ALTER INDEX etl_processing_log_file_idx RENAME TO etl_processing_log_unpartitioned_file_idx;
    ALTER SEQUENCE etl_processing_log_id_seq RENAME TO etl_processing_log_unpartitioned_id_seq;

    ALTER TABLE reconciliation_results RENAME TO reconciliation_results_unpartitioned;
    ALTER INDEX reconciliation_results_pkey RENAME TO reconciliation_results_unpartitioned_pkey;
    ALTER INDEX reconciliation_results_run_idx RENAME TO reconciliation_results_unpartitioned_run_idx;

    -- The same columns, defaults, identities and checks; keys and foreign keys with the partition key.
    CREATE TABLE audit_log (
      LIKE audit_log_unpartitioned INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS,
      PRIMARY KEY (id, at)
    ) PARTITION BY RANGE (at);
    CREATE INDEX audit_log_table_key_idx ON audit_log (table_name, at);

    CREATE TABLE etl_processing_log (
      LIKE etl_processing_log_unpartitioned INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS,
      PRIMARY KEY (id, at),
      FOREIGN KEY (file_id) REFERENCES files (id)
    ) PARTITION BY RANGE (at);
    CREATE INDEX etl_processing_log_file_idx ON etl_processing_log (file_id, at);

    -- A result's run and that run's start, together: the partition key follows the run.
    ALTER TABLE reconciliation_runs ADD CONSTRAINT reconciliation_runs_id_started_key UNIQUE (id, started_at);
    CREATE TABLE reconciliation_results (
      LIKE reconciliation_results_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS,
      run_started_at timestamptz NOT NULL,
      PRIMARY KEY (account_id, run_id, check_kind, vendor_code, counterparty, period_start, period_end, run_started_at),
      FOREIGN KEY (run_id, run_started_at) REFERENCES reconciliation_runs (id, started_at) ON UPDATE CASCADE
    ) PARTITION BY RANGE (run_started_at);
    CREATE INDEX reconciliation_results_run_idx ON reconciliation_results (run_id, status);
  `.execute(db);

  await monthPartitions(
    'audit_log',
    `SELECT DISTINCT date_trunc('month', at AT TIME ZONE 'UTC') FROM audit_log_unpartitioned`,
  ).execute(db);
  await monthPartitions(
    'etl_processing_log',
    `SELECT DISTINCT date_trunc('month', at AT TIME ZONE 'UTC') FROM etl_processing_log_unpartitioned`,
  ).execute(db);
  await monthPartitions(
    'reconciliation_results',
    `SELECT DISTINCT date_trunc('month', started_at AT TIME ZONE 'UTC') FROM reconciliation_runs
      WHERE id IN (SELECT DISTINCT run_id FROM reconciliation_results_unpartitioned)`,
  ).execute(db);

  await sql`
    INSERT INTO audit_log OVERRIDING SYSTEM VALUE SELECT * FROM audit_log_unpartitioned;
    SELECT setval(pg_get_serial_sequence('audit_log', 'id'), last_value, is_called)
      FROM audit_log_unpartitioned_id_seq;

    INSERT INTO etl_processing_log OVERRIDING SYSTEM VALUE SELECT * FROM etl_processing_log_unpartitioned;
    SELECT setval(pg_get_serial_sequence('etl_processing_log', 'id'), last_value, is_called)
      FROM etl_processing_log_unpartitioned_id_seq;

    INSERT INTO reconciliation_results
      SELECT r.*, run.started_at
      FROM reconciliation_results_unpartitioned r JOIN reconciliation_runs run ON run.id = r.run_id;

    DROP TABLE audit_log_unpartitioned;
    DROP TABLE etl_processing_log_unpartitioned;
    DROP TABLE reconciliation_results_unpartitioned;
  `.execute(db);
}
