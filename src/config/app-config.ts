// The one place that reads process.env. Everything else receives a typed AppConfig.
import path from 'node:path';
import { ConfigError } from '../domain/errors.ts';
import { redactUrl } from '../domain/redact.ts';
import { type LandingSettings, landingFolderPath, loadLandingSettings } from './landing-config.ts';

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
  /** Landing folder, durable job queue, watcher and lineage events (the pipeline). */
  pipeline: PipelineConfig;
  /** Alert channels and their routing; the YAML file is read by src/config/alerts-config.ts. */
  alerts: AlertSettings;
  /** The break workflow. */
  breaks: BreakSettings;
  /** The HTTP API (perfrecon api / serve). */
  api: ApiSettings;
  /** Prefix of every Redis key (cache, rate limits), so deployments can share one Redis. */
  redisPrefix: string;
  /** What `perfrecon retention run` and the workers' scheduled run purge, and how often. */
  retention: RetentionSettings;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function positiveInteger(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new ConfigError(
      `${name}=${raw} is not a positive whole number`,
      `Set ${name} to e.g. ${fallback}.`,
    );
  }
  return value;
}

export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError(
      `DATABASE_URL must be a postgres:// URL, got "${redactUrl(databaseUrl)}"`,
      'Unset DATABASE_URL to use the embedded database, or set it to postgres://user@host:5432/db.',
    );
  }
  const redisUrl = env.REDIS_URL || undefined;
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) {
    throw new ConfigError(
      `REDIS_URL must be a redis:// URL, got "${redactUrl(redisUrl)}"`,
      'Unset REDIS_URL to use in-process stores.',
    );
  }
  const logLevel = env.PERFRECON_LOG_LEVEL || 'warn';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`PERFRECON_LOG_LEVEL=${logLevel} is not one of ${LOG_LEVELS.join(', ')}`);
  }
  const home = path.resolve(env.PERFRECON_HOME || '.perfrecon');
  const pipeline = loadPipelineConfig(env, home);
  const retention = loadRetentionSettings(env);
  // Refused at start rather than failing at the first scheduled run.
  if (retention.landingDays !== undefined)
    landingFolderPath(pipeline.landing, 'PERFRECON_RETENTION_LANDING_DAYS');
  return {
    home,
    databaseUrl,
    redisUrl,
    vendorConfigPath: env.PERFRECON_CONFIG || undefined,
    maxFileBytes: positiveInteger('PERFRECON_MAX_FILE_MB', env.PERFRECON_MAX_FILE_MB, 512) * 1024 * 1024,
    logLevel,
    pipeline,
    alerts: loadAlertSettings(env),
    breaks: { fourEyes: flag('PERFRECON_BREAKS_FOUR_EYES', env.PERFRECON_BREAKS_FOUR_EYES) },
    api: loadApiSettings(env),
    redisPrefix: env.PERFRECON_REDIS_PREFIX || 'perfrecon',
    retention,
  };
}

export interface ApiSettings {
  port: number;
  host: string;
  /** Requests per minute: per token by its role, per IP address without a token. */
  rateLimits: { anonymous: number; viewer: number; operator: number; admin: number };
  /** /metrics needs a token (any role) when true; open otherwise, for a Prometheus on the network. */
  metricsNeedToken: boolean;
}

function loadApiSettings(env: NodeJS.ProcessEnv): ApiSettings {
  const perMinute = (role: string, fallback: number) => {
    const name = `PERFRECON_API_RATE_LIMIT_${role.toUpperCase()}`;
    return positiveInteger(name, env[name], fallback);
  };
  // 0 asks the system for any free port (tests, several servers on one machine).
  const port =
    env.PERFRECON_API_PORT === '0' ? 0 : positiveInteger('PERFRECON_API_PORT', env.PERFRECON_API_PORT, 8080);
  if (port > 65535) throw new ConfigError(`PERFRECON_API_PORT=${port} is not a port (0-65535)`);
  return {
    port,
    host: env.PERFRECON_API_HOST || '127.0.0.1',
    rateLimits: {
      anonymous: perMinute('anonymous', 60),
      viewer: perMinute('viewer', 600),
      operator: perMinute('operator', 1200),
      admin: perMinute('admin', 1200),
    },
    metricsNeedToken: flag('PERFRECON_API_METRICS_TOKEN', env.PERFRECON_API_METRICS_TOKEN),
  };
}

export interface AlertSettings {
  /** YAML file with an `alerts:` section (PERFRECON_ALERTS_CONFIG); else the vendor file's `alerts:`. */
  configPath: string | undefined;
  /** Slack-compatible incoming webhook, or any HTTP endpoint taking JSON. */
  webhookUrl: string | undefined;
  /** SMTP server, smtp://user:password@host:port (smtps:// for TLS). */
  smtpUrl: string | undefined;
  emailFrom: string | undefined;
  emailTo: string[] | undefined;
  /** Identical alerts within this window are sent once. */
  dedupeWindowSeconds: number | undefined;
  /** How often a long-running process sends the digest of open breaks; undefined: not at all. */
  digestIntervalMinutes: number | undefined;
  /** A PagerDuty Events v2–compatible endpoint that alarms page (PERFRECON_ALERT_PAGER_URL). */
  pagerUrl: string | undefined;
  pagerRoutingKey: string | undefined;
  /** How often long-running processes evaluate the alarms (one of them at a time); undefined: never. */
  alarmIntervalSeconds: number | undefined;
}

export interface BreakSettings {
  /** A resolution must be approved by a second person (PERFRECON_BREAKS_FOUR_EYES=true). */
  fourEyes: boolean;
}

export interface RetentionSettings {
  /**
   * Passing reconciliation results from runs older than this many days are purged once a newer
   * result of the same check exists; the newest result of every check and every FAILED one stay.
   */
  resultsDays: number;
  /** Processing-log rows older than this are purged, except the latest row of each file. */
  processingLogDays: number;
  /** Audit rows older than this are purged; undefined keeps them forever (the default). */
  auditDays: number | undefined;
  /** Files in the landing folder's archive/ older than this are deleted; undefined keeps them (the default). */
  landingDays: number | undefined;
  /** The alarm evaluator's metric samples older than this are purged. */
  metricSamplesDays: number;
  /** How often worker processes run retention; undefined: never (run it from cron instead). */
  intervalMinutes: number | undefined;
}

function loadRetentionSettings(env: NodeJS.ProcessEnv): RetentionSettings {
  const interval = env.PERFRECON_RETENTION_INTERVAL_MINUTES;
  return {
    resultsDays: positiveInteger(
      'PERFRECON_RETENTION_RESULTS_DAYS',
      env.PERFRECON_RETENTION_RESULTS_DAYS,
      30,
    ),
    processingLogDays: positiveInteger('PERFRECON_RETENTION_LOG_DAYS', env.PERFRECON_RETENTION_LOG_DAYS, 365),
    auditDays: optionalPositive('PERFRECON_RETENTION_AUDIT_DAYS', env.PERFRECON_RETENTION_AUDIT_DAYS),
    landingDays: optionalPositive('PERFRECON_RETENTION_LANDING_DAYS', env.PERFRECON_RETENTION_LANDING_DAYS),
    metricSamplesDays: positiveInteger(
      'PERFRECON_RETENTION_METRIC_SAMPLES_DAYS',
      env.PERFRECON_RETENTION_METRIC_SAMPLES_DAYS,
      30,
    ),
    intervalMinutes:
      interval === 'off'
        ? undefined
        : positiveInteger('PERFRECON_RETENTION_INTERVAL_MINUTES', interval, 1440),
  };
}

function flag(name: string, raw: string | undefined): boolean {
  if (raw === undefined || raw === '') return false;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`${name}=${raw} is not true or false`, `Set ${name} to true or false.`);
}

function optionalPositive(name: string, raw: string | undefined): number | undefined {
  return raw === undefined || raw === '' ? undefined : positiveInteger(name, raw, 1);
}

function loadAlertSettings(env: NodeJS.ProcessEnv): AlertSettings {
  const webhookUrl = env.PERFRECON_ALERT_WEBHOOK_URL || undefined;
  if (webhookUrl !== undefined && !/^https?:\/\//.test(webhookUrl)) {
    // Not echoed, not even redacted: the path of a webhook URL is its secret.
    throw new ConfigError('PERFRECON_ALERT_WEBHOOK_URL must be an http(s):// URL (its value is not shown)');
  }
  const smtpUrl = env.PERFRECON_ALERT_SMTP_URL || undefined;
  if (smtpUrl !== undefined && !/^smtps?:\/\//.test(smtpUrl)) {
    throw new ConfigError(
      `PERFRECON_ALERT_SMTP_URL must be an smtp:// or smtps:// URL, got "${redactUrl(smtpUrl)}"`,
      'e.g. smtp://alerts:secret@mail.example.com:587',
    );
  }
  const emailTo = env.PERFRECON_ALERT_EMAIL_TO
    ? env.PERFRECON_ALERT_EMAIL_TO.split(',')
        .map((address) => address.trim())
        .filter(Boolean)
    : undefined;
  const pagerUrl = env.PERFRECON_ALERT_PAGER_URL || undefined;
  if (pagerUrl !== undefined && !/^https?:\/\//.test(pagerUrl)) {
    throw new ConfigError('PERFRECON_ALERT_PAGER_URL must be an http(s):// URL (its value is not shown)');
  }
  const alarmInterval = env.PERFRECON_ALARM_INTERVAL_SECONDS;
  return {
    configPath: env.PERFRECON_ALERTS_CONFIG || undefined,
    pagerUrl,
    pagerRoutingKey: env.PERFRECON_ALERT_PAGER_ROUTING_KEY || undefined,
    alarmIntervalSeconds:
      alarmInterval === 'off'
        ? undefined
        : positiveInteger('PERFRECON_ALARM_INTERVAL_SECONDS', alarmInterval, 60),
    webhookUrl,
    smtpUrl,
    emailFrom: env.PERFRECON_ALERT_EMAIL_FROM || undefined,
    emailTo,
    dedupeWindowSeconds: optionalPositive(
      'PERFRECON_ALERT_DEDUPE_SECONDS',
      env.PERFRECON_ALERT_DEDUPE_SECONDS,
    ),
    digestIntervalMinutes: optionalPositive(
      'PERFRECON_BREAK_DIGEST_MINUTES',
      env.PERFRECON_BREAK_DIGEST_MINUTES,
    ),
  };
}

export interface PipelineConfig {
  /** Landing with inbox/, processing/, archive/, error/, quarantine/: a folder or a bucket (PERFRECON_LANDING). */
  landing: LandingSettings;
  /** Retries of a job that failed for a transient reason, before it is dead-lettered. */
  retryLimit: number;
  /** First retry delay; later ones double (exponential backoff with jitter), up to the maximum. */
  retryDelaySeconds: number;
  retryDelayMaxSeconds: number;
  /** A job running longer than this is failed and retried. */
  jobTimeoutSeconds: number;
  /** A worker that stops sending heartbeats (killed, frozen) loses its job after this long. */
  heartbeatSeconds: number;
  /** Jobs one worker process runs at the same time. */
  workerConcurrency: number;
  /** How often an idle worker looks for jobs. */
  pollIntervalSeconds: number;
  /** How often expired and heartbeat-less jobs are detected and retried. */
  superviseIntervalSeconds: number;
  /** How often the watcher looks into inbox/. */
  watchIntervalMs: number;
  /** A file written in place is taken once its size and mtime have not changed for this long. */
  watchStableMs: number;
  /** On SIGTERM, how long running jobs may take to finish before they are released for retry. */
  shutdownTimeoutSeconds: number;
  /** OpenLineage run events: POSTed to this URL when set ... */
  openLineageUrl: string | undefined;
  /** ... else appended (one JSON per line) to this file; undefined when turned off. */
  openLineageFile: string | undefined;
  /**
   * Crash testing only (PERFRECON_FAILPOINT): the process kills itself with SIGKILL when it
   * reaches this pipeline step, e.g. `job:stored` (see src/pipeline/failpoint.ts).
   */
  failpoint: string | undefined;
}

function positiveNumber(name: string, raw: string | undefined, fallback: number, minimum: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < minimum) {
    throw new ConfigError(
      `${name}=${raw} is not a number of at least ${minimum}`,
      `Set ${name} to e.g. ${fallback}.`,
    );
  }
  return value;
}

function loadPipelineConfig(env: NodeJS.ProcessEnv, home: string): PipelineConfig {
  const retryLimitRaw = env.PERFRECON_RETRY_LIMIT;
  const retryLimit = retryLimitRaw === '0' ? 0 : positiveInteger('PERFRECON_RETRY_LIMIT', retryLimitRaw, 3);
  const heartbeatSeconds = positiveInteger(
    'PERFRECON_JOB_HEARTBEAT_SECONDS',
    env.PERFRECON_JOB_HEARTBEAT_SECONDS,
    30,
  );
  if (heartbeatSeconds < 10) {
    throw new ConfigError(
      `PERFRECON_JOB_HEARTBEAT_SECONDS=${heartbeatSeconds} is below 10`,
      'The job queue needs at least 10 s.',
    );
  }
  const jobTimeoutSeconds = positiveInteger(
    'PERFRECON_JOB_TIMEOUT_SECONDS',
    env.PERFRECON_JOB_TIMEOUT_SECONDS,
    3600,
  );
  if (jobTimeoutSeconds > 24 * 3600) {
    throw new ConfigError(
      `PERFRECON_JOB_TIMEOUT_SECONDS=${jobTimeoutSeconds} exceeds one day`,
      'Set it to 86400 or less.',
    );
  }
  const lineageFile = env.PERFRECON_OPENLINEAGE_FILE;
  const lineageUrl = env.PERFRECON_OPENLINEAGE_URL || undefined;
  if (lineageUrl !== undefined && !/^https?:\/\//.test(lineageUrl)) {
    throw new ConfigError(`PERFRECON_OPENLINEAGE_URL must be an http(s) URL, got "${redactUrl(lineageUrl)}"`);
  }
  return {
    landing: loadLandingSettings(env, home),
    retryLimit,
    retryDelaySeconds: positiveNumber(
      'PERFRECON_RETRY_DELAY_SECONDS',
      env.PERFRECON_RETRY_DELAY_SECONDS,
      10,
      1,
    ),
    retryDelayMaxSeconds: positiveNumber(
      'PERFRECON_RETRY_DELAY_MAX_SECONDS',
      env.PERFRECON_RETRY_DELAY_MAX_SECONDS,
      600,
      1,
    ),
    jobTimeoutSeconds,
    heartbeatSeconds,
    workerConcurrency: positiveInteger('PERFRECON_WORKER_CONCURRENCY', env.PERFRECON_WORKER_CONCURRENCY, 2),
    pollIntervalSeconds: positiveNumber(
      'PERFRECON_QUEUE_POLL_SECONDS',
      env.PERFRECON_QUEUE_POLL_SECONDS,
      1,
      0.5,
    ),
    superviseIntervalSeconds: positiveInteger(
      'PERFRECON_QUEUE_SUPERVISE_SECONDS',
      env.PERFRECON_QUEUE_SUPERVISE_SECONDS,
      15,
    ),
    watchIntervalMs: positiveInteger('PERFRECON_WATCH_INTERVAL_MS', env.PERFRECON_WATCH_INTERVAL_MS, 1000),
    watchStableMs: positiveNumber('PERFRECON_WATCH_STABLE_MS', env.PERFRECON_WATCH_STABLE_MS, 2000, 0),
    shutdownTimeoutSeconds: positiveInteger(
      'PERFRECON_SHUTDOWN_TIMEOUT_SECONDS',
      env.PERFRECON_SHUTDOWN_TIMEOUT_SECONDS,
      30,
    ),
    openLineageUrl: lineageUrl,
    openLineageFile:
      lineageFile === 'off'
        ? undefined
        : path.resolve(home, lineageFile || path.join('lineage', 'openlineage.ndjson')),
    failpoint: env.PERFRECON_FAILPOINT || undefined,
  };
}
