// The one notification interface the pipeline and reconciliation emit through. Channels
// (log, webhook, e-mail) sit behind it (src/alert) and are routed by severity.
export type Severity = 'info' | 'warning' | 'critical';

export type AlertKind =
  | 'file_succeeded'
  | 'file_quarantined'
  | 'validation_failed'
  | 'dead_lettered'
  | 'tolerance_violation'
  | 'run_summary'
  | 'break_digest'
  | 'alarm';

export interface AlertEvent {
  kind: AlertKind;
  severity: Severity;
  title: string;
  details: Record<string, unknown>;
  /** Identical alerts (same key) within the de-duplication window are sent once. */
  dedupeKey?: string;
  /** Channels to send to instead of the severity's route (alarms add the pager; escalations have their own route). */
  route?: readonly string[];
}

export interface Notifier {
  notify(event: AlertEvent): Promise<void>;
}
