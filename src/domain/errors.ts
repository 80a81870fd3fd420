// Typed domain errors. They know nothing of HTTP or exit codes; the CLI and the API map
// them once at their edge.

/** Where in a source file something was found. Row numbers are 1-based as a person sees them. */
export interface SourceLocation {
  file: string;
  sheet?: string;
  row?: number;
  column?: string;
  jsonPath?: string;
}

export function formatLocation(location: SourceLocation): string {
  const parts = [location.file];
  if (location.sheet !== undefined) parts.push(`sheet "${location.sheet}"`);
  if (location.row !== undefined) parts.push(`row ${location.row}`);
  if (location.column !== undefined) parts.push(`column "${location.column}"`);
  if (location.jsonPath !== undefined) parts.push(location.jsonPath);
  return parts.join(', ');
}

export abstract class DomainError extends Error {
  abstract readonly code: string;
  /** What a person should do about it. */
  readonly hint: string | undefined;
  constructor(message: string, hint?: string) {
    super(message);
    this.name = new.target.name;
    this.hint = hint;
  }
}

/** The whole file cannot be taken in: wrong format, unreadable, required columns missing. */
export class FileRejectedError extends DomainError {
  readonly code = 'FILE_REJECTED';
  readonly location: SourceLocation;
  constructor(message: string, location: SourceLocation, hint?: string) {
    super(`${formatLocation(location)}: ${message}`, hint);
    this.location = location;
  }
}

/** A configuration file or value is invalid. */
export class ConfigError extends DomainError {
  readonly code = 'CONFIG_INVALID';
}

/** Something asked for does not exist. */
export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
}

/** A request conflicts with the current state (e.g. resolving a break twice). */
export class ConflictError extends DomainError {
  readonly code = 'CONFLICT';
}

/** Input given by a person (CLI argument, API parameter) is invalid. */
export class InvalidInputError extends DomainError {
  readonly code = 'INVALID_INPUT';
}

/**
 * The job's lease ended (it expired, its heartbeat was lost, or the worker is shutting down):
 * pg-boss has already handed the job to a retry, so this attempt stops at its next boundary.
 * Transient by nature: the retry does the work.
 */
export class JobAbortedError extends Error {
  readonly transient = true;
  constructor(reason: unknown) {
    super(`the job was stopped: ${reason instanceof Error ? reason.message : String(reason ?? 'aborted')}`);
    this.name = 'JobAbortedError';
  }
}

/** Stop here when the job's signal says its lease is gone. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw new JobAbortedError(signal.reason);
}
