// Alert channels and routing, validated once at start-up: the `alerts:` section of a YAML file
// (PERFRECON_ALERTS_CONFIG, else the vendor configuration file when it has one), with the
// PERFRECON_ALERT_* environment settings taking precedence. A bad value stops start-up with a
// message naming the key.
//
//   alerts:
//     routes: { info: [log], warning: [log, webhook], critical: [log, webhook, email] }
//     webhook: { url: https://hooks.slack.com/services/..., timeout_ms: 5000, headers: {} }
//     email: { smtp_url: smtp://user:pass@mail:587, from: perfrecon@example.com, to: [ops@example.com] }
//     dedupe_window_seconds: 900
//     retry: { attempts: 3, initial_delay_ms: 1000, max_delay_ms: 30000 }
//     digest: { interval_minutes: 1440, severity: info }
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { Severity } from '../domain/alert.ts';
import { ConfigError } from '../domain/errors.ts';
import type { AlertSettings } from './app-config.ts';

/** Channels a severity may be routed to; the pager (alarms only) is configured under `alarms:`. */
export type ChannelName = 'log' | 'webhook' | 'email' | 'pager';
const CHANNELS: readonly ChannelName[] = ['log', 'webhook', 'email', 'pager'];
const SEVERITIES: readonly Severity[] = ['info', 'warning', 'critical'];

export interface AlertsConfig {
  routes: Record<Severity, ChannelName[]>;
  webhook: { url: string; timeoutMs: number; headers: Record<string, string> } | null;
  email: { smtpUrl: string; from: string; to: string[]; timeoutMs: number } | null;
  dedupeWindowSeconds: number;
  retry: { attempts: number; initialDelayMs: number; maxDelayMs: number };
  digest: { intervalMinutes: number | null; severity: Severity };
}

export const DEFAULT_ALERTS: AlertsConfig = {
  routes: { info: ['log'], warning: ['log', 'webhook'], critical: ['log', 'webhook', 'email'] },
  webhook: null,
  email: null,
  dedupeWindowSeconds: 900,
  retry: { attempts: 3, initialDelayMs: 1000, maxDelayMs: 30_000 },
  digest: { intervalMinutes: null, severity: 'info' },
};

type Raw = Record<string, unknown>;

function fail(file: string, key: string, message: string): never {
  throw new ConfigError(`${file}: alerts.${key} ${message}`, 'Fix that key in the alerts configuration.');
}

function object(value: unknown, file: string, key: string): Raw {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) fail(file, key, 'must be a map');
  return value as Raw;
}

function count(value: unknown, file: string, key: string, fallback: number, minimum = 0): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum) {
    fail(file, key, `must be a whole number of at least ${minimum}`);
  }
  return value;
}

function text(value: unknown, file: string, key: string): string {
  if (typeof value !== 'string' || value.trim() === '') fail(file, key, 'must be a non-empty text');
  return value;
}

/** Parse the `alerts:` section (an object) from `file`. */
export function parseAlertsSection(section: unknown, file: string): AlertsConfig {
  const raw = object(section, file, '');
  const known = ['routes', 'webhook', 'email', 'dedupe_window_seconds', 'retry', 'digest'];
  for (const key of Object.keys(raw))
    if (!known.includes(key)) fail(file, key, `is not known (known: ${known.join(', ')})`);
  const routes = { ...DEFAULT_ALERTS.routes };
  for (const [severity, channels] of Object.entries(object(raw.routes, file, 'routes'))) {
    if (!SEVERITIES.includes(severity as Severity))
      fail(file, `routes.${severity}`, `is not a severity (${SEVERITIES.join(', ')})`);
    if (!Array.isArray(channels) || channels.some((c) => !CHANNELS.includes(c as ChannelName))) {
      fail(file, `routes.${severity}`, `must be a list of channels (${CHANNELS.join(', ')})`);
    }
    routes[severity as Severity] = channels as ChannelName[];
  }
  let webhook: AlertsConfig['webhook'] = null;
  if (raw.webhook !== undefined) {
    const w = object(raw.webhook, file, 'webhook');
    const url = text(w.url, file, 'webhook.url');
    if (!/^https?:\/\//.test(url)) fail(file, 'webhook.url', 'must be an http(s):// URL');
    const headers = object(w.headers, file, 'webhook.headers');
    webhook = {
      url,
      timeoutMs: count(w.timeout_ms, file, 'webhook.timeout_ms', 5000, 1),
      headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, String(v)])),
    };
  }
  let email: AlertsConfig['email'] = null;
  if (raw.email !== undefined) {
    const e = object(raw.email, file, 'email');
    const smtpUrl = text(e.smtp_url, file, 'email.smtp_url');
    if (!/^smtps?:\/\//.test(smtpUrl)) fail(file, 'email.smtp_url', 'must be an smtp:// or smtps:// URL');
    const to = Array.isArray(e.to) ? e.to.map(String) : [text(e.to, file, 'email.to')];
    email = {
      smtpUrl,
      from: text(e.from, file, 'email.from'),
      to,
      timeoutMs: count(e.timeout_ms, file, 'email.timeout_ms', 10_000, 1),
    };
  }
  const retry = object(raw.retry, file, 'retry');
  const digest = object(raw.digest, file, 'digest');
  const digestSeverity = digest.severity ?? DEFAULT_ALERTS.digest.severity;
  if (!SEVERITIES.includes(digestSeverity as Severity))
    fail(file, 'digest.severity', `must be one of ${SEVERITIES.join(', ')}`);
  return {
    routes,
    webhook,
    email,
    dedupeWindowSeconds: count(
      raw.dedupe_window_seconds,
      file,
      'dedupe_window_seconds',
      DEFAULT_ALERTS.dedupeWindowSeconds,
    ),
    retry: {
      attempts: count(retry.attempts, file, 'retry.attempts', DEFAULT_ALERTS.retry.attempts, 1),
      initialDelayMs: count(
        retry.initial_delay_ms,
        file,
        'retry.initial_delay_ms',
        DEFAULT_ALERTS.retry.initialDelayMs,
      ),
      maxDelayMs: count(retry.max_delay_ms, file, 'retry.max_delay_ms', DEFAULT_ALERTS.retry.maxDelayMs),
    },
    digest: {
      intervalMinutes:
        digest.interval_minutes === undefined
          ? null
          : count(digest.interval_minutes, file, 'digest.interval_minutes', 0, 1),
      severity: digestSeverity as Severity,
    },
  };
}

/** The file holding the `alerts:` and `alarms:` sections: PERFRECON_ALERTS_CONFIG, else the vendor file. */
export function monitoringFile(
  settings: Pick<AlertSettings, 'configPath'>,
  vendorConfigPath: string | undefined,
): { file: string; required: boolean } | undefined {
  if (settings.configPath !== undefined) return { file: settings.configPath, required: true };
  const file =
    vendorConfigPath ?? (existsSync('perfrecon.yaml') ? path.resolve('perfrecon.yaml') : undefined);
  return file !== undefined && existsSync(file) ? { file, required: false } : undefined;
}

/** The `name:` section of that file (undefined when it has none). */
export function sectionFrom(file: string, name: 'alerts' | 'alarms'): unknown {
  let data: unknown;
  try {
    data = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`cannot read the alerts configuration ${file}: ${(error as Error).message}`);
  }
  return data !== null && typeof data === 'object' ? (data as Raw)[name] : undefined;
}

/** The alerts configuration from its file (if any) with the environment's settings on top. */
export function loadAlertsConfig(
  settings: AlertSettings,
  vendorConfigPath: string | undefined,
): AlertsConfig {
  const source = monitoringFile(settings, vendorConfigPath);
  const section = source === undefined ? undefined : sectionFrom(source.file, 'alerts');
  if (section === undefined && source?.required) {
    throw new ConfigError(
      `${source.file} has no "alerts:" section`,
      'Add one, or unset PERFRECON_ALERTS_CONFIG.',
    );
  }
  const config =
    section === undefined || source === undefined
      ? structuredClone(DEFAULT_ALERTS)
      : parseAlertsSection(section, source.file);
  if (settings.webhookUrl !== undefined) {
    config.webhook = {
      url: settings.webhookUrl,
      timeoutMs: config.webhook?.timeoutMs ?? 5000,
      headers: config.webhook?.headers ?? {},
    };
  }
  if (settings.smtpUrl !== undefined || settings.emailTo !== undefined || settings.emailFrom !== undefined) {
    const smtpUrl = settings.smtpUrl ?? config.email?.smtpUrl;
    const to = settings.emailTo ?? config.email?.to;
    if (smtpUrl === undefined || to === undefined || to.length === 0) {
      throw new ConfigError(
        'e-mail alerts need both an SMTP server and recipients',
        'Set PERFRECON_ALERT_SMTP_URL and PERFRECON_ALERT_EMAIL_TO (or alerts.email in the configuration file).',
      );
    }
    config.email = {
      smtpUrl,
      to,
      from: settings.emailFrom ?? config.email?.from ?? 'perfrecon@localhost',
      timeoutMs: config.email?.timeoutMs ?? 10_000,
    };
  }
  if (settings.dedupeWindowSeconds !== undefined) config.dedupeWindowSeconds = settings.dedupeWindowSeconds;
  if (settings.digestIntervalMinutes !== undefined)
    config.digest.intervalMinutes = settings.digestIntervalMinutes;
  return config;
}
