// The one place that reads process.env. Everything else receives a typed AppConfig.
import path from 'node:path';
import { ConfigError } from '../domain/errors.ts';

export interface AppConfig {
  /** Home folder for the embedded database, the landing folder and run files. */
  home: string;
  /** A PostgreSQL server; undefined means the embedded PGlite in `home/db`. */
  databaseUrl: string | undefined;
  /** Redis for cache and rate limits; undefined means in-process stores. */
  redisUrl: string | undefined;
  /** Vendor configuration file (YAML); undefined means ./perfrecon.yaml when present. */
  vendorConfigPath: string | undefined;
  /** Largest file accepted at intake. */
  maxFileBytes: number;
  logLevel: string;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function positiveInteger(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new ConfigError(`${name}=${raw} is not a positive whole number`, `Set ${name} to e.g. ${fallback}.`);
  }
  return value;
}

export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError(
      `DATABASE_URL must be a postgres:// URL, got "${databaseUrl}"`,
      'Unset DATABASE_URL to use the embedded database, or set it to postgres://user@host:5432/db.',
    );
  }
  const redisUrl = env.REDIS_URL || undefined;
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) {
    throw new ConfigError(`REDIS_URL must be a redis:// URL, got "${redisUrl}"`, 'Unset REDIS_URL to use in-process stores.');
  }
  const logLevel = env.PERFRECON_LOG_LEVEL || 'warn';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`PERFRECON_LOG_LEVEL=${logLevel} is not one of ${LOG_LEVELS.join(', ')}`);
  }
  return {
    home: path.resolve(env.PERFRECON_HOME || '.perfrecon'),
    databaseUrl,
    redisUrl,
    vendorConfigPath: env.PERFRECON_CONFIG || undefined,
    maxFileBytes: positiveInteger('PERFRECON_MAX_FILE_MB', env.PERFRECON_MAX_FILE_MB, 512) * 1024 * 1024,
    logLevel,
  };
}
