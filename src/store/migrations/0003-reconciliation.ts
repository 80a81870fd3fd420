// Append-only: never edit a migration that has shipped; add a new file instead.
// Reconciliation (SPEC §4): tolerances, runs, the result of every check in every run, and the
// breaks followed from run to run. Per-account tables carry account_id first in their primary
// key (SPEC §5: distributable by account).
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Effective-dated tolerances; '*' is any account / any vendor. A rule applies to periods
    -- ending from effective_from through effective_to.
    CREATE TABLE reconciliation_tolerances (
      account_id text NOT NULL DEFAULT '*',
      vendor_code text NOT NULL DEFAULT '*',
      effective_from date NOT NULL,
      effective_to date,
      return_bps numeric CHECK (return_bps >= 0),
      market_value_abs numeric CHECK (market_value_abs >= 0),
      market_value_rel numeric CHECK (market_value_rel >= 0),
      comment text,
      updated_by text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (account_id, vendor_code, effective_from),
      CHECK (effective_to IS NULL OR effective_to >= effective_from),
      CHECK (return_bps IS NOT NULL OR market_value_abs IS NOT NULL OR market_value_rel IS NOT NULL)
    );
    CREATE TRIGGER reconciliation_tolerances_audit AFTER INSERT OR UPDATE OR DELETE ON reconciliation_tolerances
      FOR EACH ROW EXECUTE FUNCTION audit_row('account_id', 'vendor_code', 'effective_from');

    CREATE TABLE reconciliation_runs (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      trigger text NOT NULL CHECK (trigger IN ('manual', 'ingest', 'schedule')),
      actor text NOT NULL,
      inputs jsonb NOT NULL,
      status text NOT NULL CHECK (status IN ('RUNNING', 'COMPLETED', 'FAILED')),
      started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      finished_at timestamptz,
      summary jsonb,
      error text
    );
    CREATE INDEX reconciliation_runs_started_idx ON reconciliation_runs (started_at);

    -- Every check of every run. The key is the check's identity within the run; it leads with
    -- account_id, which is how results are read (an account's latest status). A run writes a
    -- row per check, millions a day, so a row stays lean: a passed check keeps its figures, the
    -- tolerance it was judged against and the file its figures came from (file_id; the period's
    -- own lineage and its audit trail give the rest); a failed one also keeps in details the
    -- full tolerance, every input with its lineage, and the explanation. One index only.
    CREATE TABLE reconciliation_results (
      account_id text NOT NULL,
      run_id bigint NOT NULL REFERENCES reconciliation_runs (id),
      check_kind text NOT NULL,
      vendor_code text NOT NULL,
      counterparty text NOT NULL DEFAULT '',
      period_start date NOT NULL,
      period_end date NOT NULL,
      status text NOT NULL CHECK (status IN ('PASSED', 'FAILED')),
      expected numeric,
      observed numeric,
      variance_bps numeric,
      variance_amount numeric,
      tolerance_bps numeric,
      rounding_bps numeric,
      market_value_abs numeric,
      market_value_rel numeric,
      tolerance_source text NOT NULL,
      file_id bigint,
      message text NOT NULL,
      cause text,
      details jsonb,
      PRIMARY KEY (account_id, run_id, check_kind, vendor_code, counterparty, period_start, period_end)
    );
    CREATE INDEX reconciliation_results_run_idx ON reconciliation_results (run_id, status);

    -- A FAILED result followed over runs until it is resolved or a run clears it.
    CREATE TABLE reconciliation_breaks (
      account_id text NOT NULL,
      id bigint GENERATED ALWAYS AS IDENTITY,
      check_kind text NOT NULL,
      vendor_code text NOT NULL,
      counterparty text NOT NULL DEFAULT '',
      period_start date NOT NULL,
      period_end date NOT NULL,
      status text NOT NULL CHECK (status IN ('OPEN', 'ACKNOWLEDGED', 'PENDING_APPROVAL', 'RESOLVED', 'CLEARED')),
      opened_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      opened_run_id bigint NOT NULL REFERENCES reconciliation_runs (id),
      last_seen_run_id bigint NOT NULL REFERENCES reconciliation_runs (id),
      last_seen_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      occurrences integer NOT NULL DEFAULT 1,
      expected numeric,
      observed numeric,
      variance_bps numeric,
      variance_amount numeric,
      tolerance jsonb NOT NULL,
      message text NOT NULL,
      cause text,
      explanation jsonb,
      inputs jsonb NOT NULL,
      fingerprint text NOT NULL,
      acknowledged_by text,
      acknowledged_at timestamptz,
      acknowledge_comment text,
      resolved_by text,
      resolved_at timestamptz,
      resolution_comment text,
      approved_by text,
      approved_at timestamptz,
      cleared_run_id bigint REFERENCES reconciliation_runs (id),
      cleared_at timestamptz,
      PRIMARY KEY (account_id, id)
    );
    CREATE INDEX reconciliation_breaks_id_idx ON reconciliation_breaks (id);
    CREATE INDEX reconciliation_breaks_status_idx ON reconciliation_breaks (status, opened_at);
    -- One active break per check at a time.
    CREATE UNIQUE INDEX reconciliation_breaks_active_key ON reconciliation_breaks
      (account_id, check_kind, vendor_code, counterparty, period_start, period_end)
      WHERE status IN ('OPEN', 'ACKNOWLEDGED', 'PENDING_APPROVAL');
    -- Audited: every break opened and every change of its status or of who acted on it. A run
    -- seeing a break again only moves last_seen; that is in the run's results, not the audit log.
    CREATE TRIGGER reconciliation_breaks_audit_insert AFTER INSERT ON reconciliation_breaks
      FOR EACH ROW EXECUTE FUNCTION audit_row('account_id', 'id');
    CREATE TRIGGER reconciliation_breaks_audit_update
      AFTER UPDATE OF status, acknowledged_by, acknowledge_comment, resolved_by, resolution_comment, approved_by, cleared_run_id
      ON reconciliation_breaks
      FOR EACH ROW EXECUTE FUNCTION audit_row('account_id', 'id');
    CREATE TRIGGER reconciliation_breaks_audit_delete AFTER DELETE ON reconciliation_breaks
      FOR EACH ROW EXECUTE FUNCTION audit_row('account_id', 'id');
  `.execute(db);
}
