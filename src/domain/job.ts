// The payload of an ingest job: everything a worker needs to find and identify a landed file.
// It is stored with the job and with its dead letter, so its fields are a stored format: add
// optional fields only.
export interface IngestJobData {
  /** The file's name in the landing folder (`<received>-<random>--<original>`). */
  landingName: string;
  originalName: string;
  sha256: string;
  sizeBytes: number;
  receivedAt: string;
  vendorCode?: string;
  /** How the file arrived. */
  source: 'watch' | 'cli' | 'api' | 'recovery' | 'replay';
  /** For a replay: the dead letter replayed. */
  replayOf?: number;
}

/** A dead letter is open until it is replayed (a new job) or resolved (a later job took the file in). */
export const DEAD_LETTER_STATES = ['open', 'replayed', 'resolved'] as const;
export type DeadLetterState = (typeof DEAD_LETTER_STATES)[number];

/**
 * The payload of a reconciliation job: the run recorded (QUEUED) when it was asked for, and what
 * was asked. Stored with the job: add optional fields only.
 */
export interface ReconcileJobData {
  runId: number;
  request: {
    date?: string | undefined;
    from?: string | undefined;
    to?: string | undefined;
    vendorCode?: string | undefined;
    accountId?: string | undefined;
    trigger: 'manual' | 'ingest' | 'schedule';
    actor: string;
  };
}
