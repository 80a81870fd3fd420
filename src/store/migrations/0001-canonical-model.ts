// Append-only: never edit a migration that has shipped; add a new file instead.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE vendors (
      code text PRIMARY KEY,
      name text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE vendor_config_versions (
      vendor_code text NOT NULL REFERENCES vendors (code),
      version text NOT NULL,
      config jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (vendor_code, version)
    );

    CREATE TABLE files (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      sha256 text NOT NULL UNIQUE CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      name text NOT NULL,
      size_bytes bigint NOT NULL,
      vendor_code text REFERENCES vendors (code),
      config_version text,
      source_format text,
      received_at timestamptz NOT NULL DEFAULT now(),
      status text NOT NULL CHECK (status IN ('RECEIVED', 'PROCESSING', 'SUCCEEDED', 'QUARANTINED', 'REJECTED', 'FAILED')),
      status_changed_at timestamptz NOT NULL DEFAULT now(),
      rows_read integer,
      rows_stored integer,
      rows_quarantined integer,
      header jsonb,
      stored_path text,
      error text
    );
    CREATE INDEX files_status_idx ON files (status, received_at);
    CREATE INDEX files_vendor_idx ON files (vendor_code, received_at);

    CREATE TABLE etl_processing_log (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      file_id bigint NOT NULL REFERENCES files (id),
      at timestamptz NOT NULL DEFAULT clock_timestamp(),
      status text NOT NULL,
      step text NOT NULL,
      attempt integer NOT NULL DEFAULT 1,
      worker text,
      rows_read integer,
      rows_stored integer,
      rows_updated integer,
      rows_quarantined integer,
      duration_ms integer,
      message text,
      error text
    );
    CREATE INDEX etl_processing_log_file_idx ON etl_processing_log (file_id, at);

    CREATE TABLE accounts (
      account_id text PRIMARY KEY,
      currency text NOT NULL,
      first_seen_at timestamptz NOT NULL DEFAULT now()
    );

    -- One row per account, vendor and valuation period (SPEC §2). account_id leads the key so
    -- the table can be distributed by account (Citus) and partitioned by period later.
    CREATE TABLE performance_periods (
      account_id text NOT NULL REFERENCES accounts (account_id),
      vendor_code text NOT NULL REFERENCES vendors (code),
      period_start date NOT NULL,
      period_end date NOT NULL,
      currency char(3) NOT NULL,
      begin_market_value numeric NOT NULL,
      end_market_value numeric NOT NULL,
      income numeric,
      fees numeric,
      vendor_return numeric,
      return_basis text NOT NULL CHECK (return_basis IN ('gross', 'net')),
      calculated_return numeric,
      return_undefined_reason text,
      calculation_method text,
      calculation_conventions jsonb,
      calculation_version text,
      calculation_warnings jsonb,
      file_id bigint NOT NULL REFERENCES files (id),
      config_version text NOT NULL,
      source_location jsonb NOT NULL,
      field_sources jsonb NOT NULL DEFAULT '{}',
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (account_id, vendor_code, period_start, period_end),
      CHECK (period_end > period_start)
    );
    CREATE INDEX performance_periods_end_idx ON performance_periods (account_id, period_end);
    CREATE INDEX performance_periods_file_idx ON performance_periods (file_id);

    -- Flows as rows, one per dated external cash flow, kept in step with the period's flows.
    CREATE TABLE period_flows (
      account_id text NOT NULL,
      vendor_code text NOT NULL,
      period_start date NOT NULL,
      period_end date NOT NULL,
      seq integer NOT NULL,
      flow_date date NOT NULL,
      amount numeric NOT NULL,
      timing text NOT NULL CHECK (timing IN ('end_of_day', 'start_of_day')),
      PRIMARY KEY (account_id, vendor_code, period_start, period_end, seq),
      FOREIGN KEY (account_id, vendor_code, period_start, period_end)
        REFERENCES performance_periods (account_id, vendor_code, period_start, period_end) ON DELETE CASCADE
    );

    CREATE TABLE quarantined_rows (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      file_id bigint NOT NULL REFERENCES files (id),
      location jsonb NOT NULL,
      raw jsonb NOT NULL,
      problems jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX quarantined_rows_file_idx ON quarantined_rows (file_id);

    -- Staging for bulk loads: rows land here outside any transaction, keyed by load id, and
    -- one transaction merges them into performance_periods.
    CREATE UNLOGGED TABLE staging_periods (
      load_id text NOT NULL,
      account_id text NOT NULL,
      vendor_code text NOT NULL,
      period_start date NOT NULL,
      period_end date NOT NULL,
      currency text NOT NULL,
      begin_market_value numeric NOT NULL,
      end_market_value numeric NOT NULL,
      income numeric,
      fees numeric,
      vendor_return numeric,
      return_basis text NOT NULL,
      flows jsonb NOT NULL,
      calculated_return numeric,
      return_undefined_reason text,
      calculation_method text,
      calculation_conventions jsonb,
      calculation_version text,
      calculation_warnings jsonb,
      source_location jsonb NOT NULL,
      field_sources jsonb NOT NULL,
      staged_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX staging_periods_load_idx ON staging_periods (load_id);

    CREATE TABLE audit_log (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      table_name text NOT NULL,
      row_key jsonb NOT NULL,
      action text NOT NULL,
      old_values jsonb,
      new_values jsonb,
      actor text NOT NULL,
      at timestamptz NOT NULL DEFAULT clock_timestamp()
    );
    CREATE INDEX audit_log_table_key_idx ON audit_log (table_name, at);

    -- The actor is set per transaction with set_config('perfrecon.actor', ..., true).
    CREATE FUNCTION audit_row() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      key_columns text[] := TG_ARGV;
      source jsonb := CASE WHEN TG_OP = 'DELETE' THEN to_jsonb(OLD) ELSE to_jsonb(NEW) END;
      row_key jsonb := '{}';
      k text;
    BEGIN
      FOREACH k IN ARRAY key_columns LOOP
        row_key := row_key || jsonb_build_object(k, source -> k);
      END LOOP;
      INSERT INTO audit_log (table_name, row_key, action, old_values, new_values, actor)
      VALUES (
        TG_TABLE_NAME, row_key, TG_OP,
        CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE to_jsonb(OLD) END,
        CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE to_jsonb(NEW) END,
        coalesce(nullif(current_setting('perfrecon.actor', true), ''), session_user::text)
      );
      RETURN NULL;
    END $$;

    -- Periods: a first insert is traced by its file lineage; what the audit log must keep is
    -- every figure a restatement or deletion replaced.
    CREATE TRIGGER performance_periods_audit AFTER UPDATE OR DELETE ON performance_periods
      FOR EACH ROW EXECUTE FUNCTION audit_row('account_id', 'vendor_code', 'period_start', 'period_end');
    CREATE TRIGGER vendor_config_versions_audit AFTER INSERT OR UPDATE OR DELETE ON vendor_config_versions
      FOR EACH ROW EXECUTE FUNCTION audit_row('vendor_code', 'version');
    CREATE TRIGGER vendors_audit AFTER INSERT OR UPDATE OR DELETE ON vendors
      FOR EACH ROW EXECUTE FUNCTION audit_row('code');
  `.execute(db);
}
