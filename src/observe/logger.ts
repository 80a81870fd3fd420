import pino from 'pino';

export type Logger = pino.Logger;

/** Structured logs to stderr, so stdout stays for command output (tables, --json). */
export function createLogger(level: string, name = 'perfrecon'): Logger {
  return pino({ name, level }, pino.destination(2));
}
