// What a failed step means for its job, decided in one place:
//  - transient: the database was unavailable, a lock or statement timed out, I/O failed. Retried
//    with exponential backoff; after the retry limit the job is dead-lettered.
//  - data: the data itself cannot be stored (a constraint or a value the database refuses).
//    Retrying cannot help; the file is rejected with the reason, like a validation failure.
//  - permanent: something only an operator can fix (configuration, schema, a missing landed
//    file). Dead-lettered at once, to be replayed after the fix.
// An error nobody recognises counts as transient: it is retried, then dead-lettered, and kept.
import { DomainError } from '../domain/errors.ts';

export type FailureKind = 'transient' | 'data' | 'permanent';

export interface Failure {
  kind: FailureKind;
  message: string;
  /** SQLSTATE or Node.js error code, when there is one. */
  code: string | undefined;
}

/** A failure that needs an operator: dead-lettered without retries. */
export class PermanentJobError extends DomainError {
  readonly code = 'JOB_PERMANENT_FAILURE';
}

// SQLSTATE classes (PostgreSQL appendix A).
const TRANSIENT_SQLSTATE_CLASSES = ['08', '40', '53', '57', '58'];
const TRANSIENT_SQLSTATES = ['55P03', '55006', 'XX000'];
const DATA_SQLSTATE_CLASSES = ['22', '23'];

const TRANSIENT_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EIO',
  'EBUSY',
  'EAGAIN',
  'EMFILE',
  'ENFILE',
  'ENOSPC',
]);

const TRANSIENT_MESSAGES = [
  /connection terminated/i,
  /connection (was )?(closed|ended|lost)/i,
  /timeout exceeded when trying to connect/i,
  /not queryable/i,
  /terminating connection/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
  /socket hang up/i,
  /Cannot use a pool after calling end/i,
];

export function classifyFailure(error: unknown): Failure {
  const err = error instanceof Error ? error : new Error(String(error));
  const rawCode = (err as { code?: unknown }).code;
  const code = typeof rawCode === 'string' ? rawCode : undefined;
  const message = err.message || err.name;
  const kind = (k: FailureKind): Failure => ({ kind: k, message, code });

  if ((err as { transient?: unknown }).transient === true) return kind('transient');
  if (err instanceof PermanentJobError) return kind('permanent');
  if (code !== undefined && /^[0-9A-Z]{5}$/.test(code)) {
    if (TRANSIENT_SQLSTATES.includes(code) || TRANSIENT_SQLSTATE_CLASSES.includes(code.slice(0, 2))) {
      return kind('transient');
    }
    if (DATA_SQLSTATE_CLASSES.includes(code.slice(0, 2))) return kind('data');
    // Syntax, undefined table or column, privileges: the code or the schema needs fixing.
    if (code.startsWith('42') || code.startsWith('28')) return kind('permanent');
  }
  if (code !== undefined && TRANSIENT_NODE_CODES.has(code)) return kind('transient');
  // A Unix socket that is gone (the embedded database's owner restarting) reads as ENOENT on connect.
  if (code === 'ENOENT' && (err as { syscall?: string }).syscall === 'connect') return kind('transient');
  if (TRANSIENT_MESSAGES.some((pattern) => pattern.test(message))) return kind('transient');
  // Domain errors (configuration, a vendor that does not exist) are not fixed by waiting.
  if (err instanceof DomainError) return kind('permanent');
  return kind('transient');
}
