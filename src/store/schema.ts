// Kysely's view of the tables (see src/store/migrations). NUMERIC and DATE columns are read
// as strings (see db/database.ts).
import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { SourceLocation } from '../domain/errors.ts';
import type { FileStatus } from '../domain/file-status.ts';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Numeric = ColumnType<string, string | number, string | number>;
type NullableNumeric = ColumnType<string | null, string | number | null, string | number | null>;

export interface VendorsTable {
  code: string;
  name: string;
  created_at: Timestamp;
}

export interface VendorConfigVersionsTable {
  vendor_code: string;
  version: string;
  config: JSONColumnType<Record<string, unknown>>;
  created_at: Timestamp;
}

export interface FilesTable {
  id: Generated<number>;
  sha256: string;
  name: string;
  size_bytes: number;
  vendor_code: string | null;
  config_version: string | null;
  /** The vendor source layout the file was read as (csv, xlsx, json). */
  source_format: string | null;
  received_at: Timestamp;
  status: FileStatus;
  status_changed_at: Timestamp;
  rows_read: number | null;
  rows_stored: number | null;
  rows_quarantined: number | null;
  header: JSONColumnType<string[]> | null;
  stored_path: string | null;
  error: string | null;
}

export interface ProcessingLogTable {
  id: Generated<number>;
  file_id: number;
  at: Timestamp;
  status: string;
  step: string;
  attempt: number;
  worker: string | null;
  rows_read: number | null;
  rows_stored: number | null;
  rows_updated: number | null;
  rows_quarantined: number | null;
  duration_ms: number | null;
  message: string | null;
  error: string | null;
}

export interface AccountsTable {
  account_id: string;
  currency: string;
  first_seen_at: Timestamp;
}

export interface PerformancePeriodsTable {
  account_id: string;
  vendor_code: string;
  period_start: string;
  period_end: string;
  currency: string;
  begin_market_value: Numeric;
  end_market_value: Numeric;
  income: NullableNumeric;
  fees: NullableNumeric;
  vendor_return: NullableNumeric;
  return_basis: 'gross' | 'net';
  calculated_return: NullableNumeric;
  return_undefined_reason: string | null;
  calculation_method: string | null;
  calculation_conventions: JSONColumnType<Record<string, unknown>> | null;
  calculation_version: string | null;
  calculation_warnings: JSONColumnType<{ code: string; message: string }[]> | null;
  file_id: number;
  config_version: string;
  source_location: JSONColumnType<SourceLocation>;
  field_sources: JSONColumnType<Record<string, string>>;
  updated_at: Timestamp;
}

export interface PeriodFlowsTable {
  account_id: string;
  vendor_code: string;
  period_start: string;
  period_end: string;
  seq: number;
  flow_date: string;
  amount: Numeric;
  timing: 'end_of_day' | 'start_of_day';
}

export interface QuarantinedRowsTable {
  id: Generated<number>;
  file_id: number;
  location: JSONColumnType<SourceLocation>;
  raw: JSONColumnType<Record<string, unknown>>;
  problems: JSONColumnType<{ field?: string; column?: string; value?: string | null; reason: string }[]>;
  created_at: Timestamp;
}

/** A warning on a file, in the order found; location null for a warning about the whole file. */
export interface FileWarningsTable {
  file_id: number;
  seq: number;
  location: JSONColumnType<SourceLocation | null, string | null, string | null>;
  message: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  table_name: string;
  row_key: JSONColumnType<Record<string, unknown>>;
  action: string;
  old_values: JSONColumnType<Record<string, unknown>> | null;
  new_values: JSONColumnType<Record<string, unknown>> | null;
  actor: string;
  at: Timestamp;
}

export interface DeadLettersTable {
  id: Generated<number>;
  job_id: string;
  dead_letter_job_id: string;
  queue: string;
  file_id: number | null;
  sha256: string;
  file_name: string;
  landing_name: string;
  stored_path: string | null;
  attempts: number;
  error: string;
  payload: JSONColumnType<Record<string, unknown>>;
  dead_lettered_at: Timestamp;
  replayed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  replayed_by: string | null;
  replay_job_id: string | null;
  resolved_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  resolution: string | null;
}

type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface ReconciliationTolerancesTable {
  account_id: ColumnType<string, string | undefined, string>;
  vendor_code: ColumnType<string, string | undefined, string>;
  effective_from: string;
  effective_to: string | null;
  return_bps: NullableNumeric;
  market_value_abs: NullableNumeric;
  market_value_rel: NullableNumeric;
  comment: string | null;
  updated_by: string;
  updated_at: Timestamp;
}

export interface ReconciliationRunsTable {
  id: Generated<number>;
  trigger: 'manual' | 'ingest' | 'schedule';
  actor: string;
  inputs: JSONColumnType<Record<string, unknown>>;
  status: 'QUEUED' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'ABANDONED';
  /** When it was queued, then when a worker began it. */
  started_at: Timestamp;
  finished_at: NullableTimestamp;
  summary: JSONColumnType<Record<string, unknown>> | null;
  error: string | null;
  heartbeat_at: Timestamp;
  abandoned_by: string | null;
  abandoned_at: NullableTimestamp;
}

/** Rows arrive by bulk load; read through Kysely. */
export interface LandingClaimsTable {
  landing_name: string;
  claimed_by: string;
  claimed_at: Generated<Date>;
}

export interface ReconciliationResultsTable {
  account_id: string;
  run_id: number;
  check_kind: string;
  vendor_code: string;
  counterparty: string;
  period_start: string;
  period_end: string;
  status: 'PASSED' | 'FAILED';
  expected: NullableNumeric;
  observed: NullableNumeric;
  variance_bps: NullableNumeric;
  variance_amount: NullableNumeric;
  tolerance_bps: NullableNumeric;
  rounding_bps: NullableNumeric;
  market_value_abs: NullableNumeric;
  market_value_rel: NullableNumeric;
  tolerance_source: string;
  file_id: number | null;
  message: string;
  cause: string | null;
  /** Failed checks only: the full tolerance, the inputs with their lineage, the explanation. */
  details: JSONColumnType<{
    tolerance: Record<string, unknown>;
    inputs: Record<string, unknown>;
    explanation: Record<string, unknown> | null;
  }> | null;
  /** The run's start (its reconciliation_runs.started_at): the partition key. */
  run_started_at: Timestamp;
}

export type BreakStatusColumn = 'OPEN' | 'ACKNOWLEDGED' | 'PENDING_APPROVAL' | 'RESOLVED' | 'CLEARED';

export interface ReconciliationBreaksTable {
  account_id: string;
  id: Generated<number>;
  check_kind: string;
  vendor_code: string;
  counterparty: string;
  period_start: string;
  period_end: string;
  status: BreakStatusColumn;
  opened_at: Timestamp;
  opened_run_id: number;
  last_seen_run_id: number;
  last_seen_at: Timestamp;
  occurrences: ColumnType<number, number | undefined, number>;
  expected: NullableNumeric;
  observed: NullableNumeric;
  variance_bps: NullableNumeric;
  variance_amount: NullableNumeric;
  tolerance: JSONColumnType<Record<string, unknown>>;
  message: string;
  cause: string | null;
  explanation: JSONColumnType<Record<string, unknown>> | null;
  inputs: JSONColumnType<Record<string, unknown>>;
  fingerprint: string;
  acknowledged_by: string | null;
  acknowledged_at: NullableTimestamp;
  acknowledge_comment: string | null;
  resolved_by: string | null;
  resolved_at: NullableTimestamp;
  resolution_comment: string | null;
  approved_by: string | null;
  approved_at: NullableTimestamp;
  reopened_by: string | null;
  reopened_at: NullableTimestamp;
  reopen_comment: string | null;
  cleared_run_id: number | null;
  cleared_at: NullableTimestamp;
}

export interface ApiTokensTable {
  id: Generated<number>;
  name: string;
  role: 'viewer' | 'operator' | 'admin';
  token_sha256: string;
  created_by: string;
  created_at: Timestamp;
  revoked_by: string | null;
  revoked_at: NullableTimestamp;
}

/** Only load_id is read through Kysely; rows arrive by bulk load. */
export interface StagingPeriodsTable {
  load_id: string;
  job_id: string | null;
  /** The row's position in its file (data rows read before it, plus one). */
  seq: number | null;
  staged_at: Timestamp;
}

/** What many staged rows of a load share, staged once under an id (migration 0016). */
export interface StagingLineageTable {
  load_id: string;
  id: number;
  job_id: string | null;
  staged_at: Timestamp;
}

export interface DatabaseIdentityTable {
  singleton: Generated<boolean>;
  id: string;
  created_at: Generated<Date>;
}

export interface AlarmsTable {
  id: Generated<number>;
  rule: string;
  subject: ColumnType<string, string | undefined, string>;
  metric: string;
  condition: '>' | '>=' | '<' | '<=';
  threshold: number;
  severity: 'info' | 'warning' | 'critical';
  state: 'FIRING' | 'ACKNOWLEDGED' | 'RESOLVED';
  value: number;
  message: string;
  fired_at: Timestamp;
  escalate_at: NullableTimestamp;
  escalated_at: NullableTimestamp;
  acknowledged_at: NullableTimestamp;
  acknowledged_by: string | null;
  resolved_at: NullableTimestamp;
  updated_at: Timestamp;
}

export interface AlarmEvaluationsTable {
  singleton: ColumnType<boolean, boolean | undefined, boolean>;
  evaluated_at: Timestamp;
  evaluated_by: string;
}

export interface JobUsageTable {
  id: Generated<number>;
  job_id: string;
  attempt: number;
  file_id: number | null;
  vendor_code: string | null;
  outcome: string;
  worker: string;
  worker_slots: number;
  queued_at: Timestamp;
  started_at: Timestamp;
  finished_at: Timestamp;
  wall_seconds: number;
  cpu_seconds: number;
  rss_bytes: number;
}

export interface MetricSamplesTable {
  id: Generated<number>;
  at: Timestamp;
  name: string;
  value: number;
}

export interface DB {
  staging_periods: StagingPeriodsTable;
  staging_lineage: StagingLineageTable;
  vendors: VendorsTable;
  vendor_config_versions: VendorConfigVersionsTable;
  files: FilesTable;
  etl_processing_log: ProcessingLogTable;
  accounts: AccountsTable;
  performance_periods: PerformancePeriodsTable;
  period_flows: PeriodFlowsTable;
  quarantined_rows: QuarantinedRowsTable;
  file_warnings: FileWarningsTable;
  audit_log: AuditLogTable;
  dead_letters: DeadLettersTable;
  reconciliation_tolerances: ReconciliationTolerancesTable;
  reconciliation_runs: ReconciliationRunsTable;
  reconciliation_results: ReconciliationResultsTable;
  reconciliation_breaks: ReconciliationBreaksTable;
  api_tokens: ApiTokensTable;
  database_identity: DatabaseIdentityTable;
  alarms: AlarmsTable;
  alarm_evaluations: AlarmEvaluationsTable;
  job_usage: JobUsageTable;
  landing_claims: LandingClaimsTable;
  metric_samples: MetricSamplesTable;
}
