import pino from 'pino';
import { humanLogLine } from './human-log.ts';

export type Logger = pino.Logger;

/** Fields that hold credentials, wherever they are logged (at the top or one level down). */
const CREDENTIALS = [
  'password',
  'token',
  'accessToken',
  'apiKey',
  'secret',
  'authorization',
  'cookie',
  'databaseUrl',
  'redisUrl',
  'smtpUrl',
  'webhookUrl',
];
const REDACT = [
  ...CREDENTIALS,
  ...CREDENTIALS.map((field) => `*.${field}`),
  'headers.authorization',
  'headers.cookie',
  '*.headers.authorization',
  '*.headers.cookie',
];

/**
 * Structured logs to stderr, so stdout stays for command output (tables, --json): JSON lines for
 * log collectors and files, human-readable lines when stderr is a person's terminal.
 */
export function createLogger(level: string, name = 'perfrecon'): Logger {
  const options = { name, level, redact: { paths: REDACT, censor: '[redacted]' } };
  if (process.stderr.isTTY) {
    return pino(options, { write: (line: string) => process.stderr.write(humanLogLine(line)) });
  }
  return pino(options, pino.destination(2));
}
