// What a failed step means for its job, decided in one place. Transient causes are an
// allow-list; everything else is permanent, because retrying what nobody recognised only delays
// the dead letter (and hides a bug behind minutes of backoff):
//  - transient: the connection (refused, reset, timed out, name lookup, PostgreSQL class 08),
//    a serialization failure or deadlock (40001, 40P01), a lock or statement timeout (55P03,
//    57014), the server shutting down or restarting (57P01-03), exhausted resources (class 53,
//    ENOSPC, EMFILE, ENFILE), and the end of the job's lease. Retried with exponential backoff;
//    after the retry limit the job is dead-lettered.
//  - data: before the file's data is stored, the database refuses a value or a constraint
//    (class 22, 23). Retrying cannot help; the file is rejected with the reason. After the data
//    is stored, such an error belongs to a later step (reconciliation), never to the file: it is
//    permanent.
//  - permanent: everything else (configuration, schema, a bug, a value too large for an index),
//    with its message. Dead-lettered at once, to be replayed after the fix.
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

// SQLSTATEs (PostgreSQL appendix A).
const TRANSIENT_SQLSTATE_CLASSES = new Set(['08', '53']);
const TRANSIENT_SQLSTATES = new Set(['40001', '40P01', '55P03', '57014', '57P01', '57P02', '57P03']);
const DATA_SQLSTATE_CLASSES = new Set(['22', '23']);

const TRANSIENT_NODE_CODES = new Set([
  // The connection.
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  // Resources that free up.
  'ENOSPC',
  'EMFILE',
  'ENFILE',
]);

// node-postgres reports a lost connection without a code.
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

function isTransient(err: Error, code: string | undefined): boolean {
  // Errors that know they pass (a staging count race, the end of the job's lease).
  if ((err as { transient?: unknown }).transient === true || err.name === 'AbortError') return true;
  if (code !== undefined && (TRANSIENT_SQLSTATES.has(code) || TRANSIENT_NODE_CODES.has(code))) return true;
  if (code !== undefined && /^[0-9A-Z]{5}$/.test(code) && TRANSIENT_SQLSTATE_CLASSES.has(code.slice(0, 2))) {
    return true;
  }
  // A Unix socket that is gone (the embedded database's owner restarting) reads as ENOENT on connect.
  if (code === 'ENOENT' && (err as { syscall?: string }).syscall === 'connect') return true;
  return TRANSIENT_MESSAGES.some((pattern) => pattern.test(err.message));
}

/**
 * The kind of a failure. `stored`: the file's data had been committed when it happened, so a
 * refused value is no longer the file's fault.
 */
export function classifyFailure(error: unknown, options: { stored?: boolean } = {}): Failure {
  const err = error instanceof Error ? error : new Error(String(error));
  const rawCode = (err as { code?: unknown }).code;
  const code = typeof rawCode === 'string' ? rawCode : undefined;
  const message = err.message || err.name;
  if (err instanceof PermanentJobError) return { kind: 'permanent', message, code };
  if (isTransient(err, code)) return { kind: 'transient', message, code };
  const dataError =
    code !== undefined && /^[0-9A-Z]{5}$/.test(code) && DATA_SQLSTATE_CLASSES.has(code.slice(0, 2));
  if (dataError && options.stored !== true) return { kind: 'data', message, code };
  if (dataError) return { kind: 'permanent', message: `after the file's data was stored: ${message}`, code };
  return { kind: 'permanent', message, code };
}
