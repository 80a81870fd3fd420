// Alarm rules, the paging channel and the escalation route: the `alarms:` section beside
// `alerts:` in the same file. The default rules watch processing time, error rate, memory use,
// dead letters and each vendor's daily use; a rule of the same name replaces a default, and
// `defaults: false` drops them all.
//
//   alarms:
//     pager: { url: https://events.example.com/v2/enqueue, routing_key: R1, escalation_routing_key: R2 }
//     escalation: [email, pager]
//     rules:
//       - { name: error-rate, metric: error_rate, condition: '>', threshold: 0.2, window_minutes: 60,
//           severity: critical, escalation_minutes: 15 }

import { ALARM_CONDITIONS, ALARM_METRICS, type AlarmRule } from '../domain/alarm.ts';
import type { Severity } from '../domain/alert.ts';
import { ConfigError } from '../domain/errors.ts';
import { monitoringFile, sectionFrom } from './alerts-config.ts';
import type { AlertSettings } from './app-config.ts';

export type EscalationChannel = 'log' | 'webhook' | 'email' | 'pager';
const ESCALATION_CHANNELS: readonly EscalationChannel[] = ['log', 'webhook', 'email', 'pager'];
const SEVERITIES: readonly Severity[] = ['info', 'warning', 'critical'];

export interface PagerConfig {
  /** A PagerDuty Events v2–compatible endpoint. */
  url: string;
  routingKey: string;
  /** Escalations page this routing key (another service or team); the first one when unset. */
  escalationRoutingKey: string;
  timeoutMs: number;
}

export interface AlarmsConfig {
  rules: AlarmRule[];
  pager: PagerConfig | null;
  /** The second route: where an alarm goes when nobody acknowledged it within its escalation time. */
  escalation: EscalationChannel[];
}

const GB = 2 ** 30;

export const DEFAULT_ALARM_RULES: readonly AlarmRule[] = [
  rule('processing-time', 'processing_time_seconds', 900, 60, 'warning', 30),
  rule('error-rate', 'error_rate', 0.25, 60, 'critical', 15),
  rule('memory-use', 'memory_bytes', 1.5 * GB, 5, 'warning', 30),
  rule('dead-letters', 'dead_letters', 0, 5, 'warning', 60),
  rule('vendor-cpu-today', 'vendor_cpu_seconds_today', 3600, 0, 'warning', 240),
  rule('vendor-bytes-today', 'vendor_bytes_today', 10 * GB, 0, 'warning', 240),
];

function rule(
  name: string,
  metric: AlarmRule['metric'],
  threshold: number,
  windowMinutes: number,
  severity: Severity,
  escalationMinutes: number,
): AlarmRule {
  return { name, metric, condition: '>', threshold, windowMinutes, severity, escalationMinutes };
}

type Raw = Record<string, unknown>;

function fail(file: string, key: string, message: string): never {
  throw new ConfigError(`${file}: alarms.${key} ${message}`, 'Fix that key in the alarms configuration.');
}

function map(value: unknown, file: string, key: string): Raw {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) fail(file, key, 'must be a map');
  return value as Raw;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], file: string, key: string): T {
  if (!allowed.includes(value as T)) fail(file, key, `must be one of ${allowed.join(', ')}`);
  return value as T;
}

function number(value: unknown, file: string, key: string, minimum: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < minimum)
    fail(file, key, `must be a number of at least ${minimum}`);
  return value;
}

function parseRule(raw: unknown, file: string, index: number): AlarmRule {
  const key = `rules[${index}]`;
  const r = map(raw, file, key);
  const known = [
    'name',
    'metric',
    'condition',
    'threshold',
    'window_minutes',
    'severity',
    'escalation_minutes',
  ];
  for (const k of Object.keys(r))
    if (!known.includes(k)) fail(file, `${key}.${k}`, `is not known (known: ${known.join(', ')})`);
  if (typeof r.name !== 'string' || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(r.name))
    fail(file, `${key}.name`, 'must be 1 to 63 lower-case letters, digits or "-"');
  return {
    name: r.name,
    metric: oneOf(r.metric, ALARM_METRICS, file, `${key}.metric`),
    condition: oneOf(r.condition ?? '>', ALARM_CONDITIONS, file, `${key}.condition`),
    threshold: number(r.threshold, file, `${key}.threshold`, Number.NEGATIVE_INFINITY),
    windowMinutes: number(r.window_minutes ?? 5, file, `${key}.window_minutes`, 1),
    severity: oneOf(r.severity ?? 'warning', SEVERITIES, file, `${key}.severity`),
    escalationMinutes: number(r.escalation_minutes ?? 30, file, `${key}.escalation_minutes`, 1),
  };
}

function parsePager(raw: unknown, file: string): PagerConfig | null {
  if (raw === undefined) return null;
  const p = map(raw, file, 'pager');
  if (typeof p.url !== 'string' || !/^https?:\/\//.test(p.url))
    fail(file, 'pager.url', 'must be an http(s):// URL');
  if (typeof p.routing_key !== 'string' || p.routing_key === '')
    fail(file, 'pager.routing_key', 'must be a text');
  const escalation = p.escalation_routing_key ?? p.routing_key;
  if (typeof escalation !== 'string') fail(file, 'pager.escalation_routing_key', 'must be a text');
  return {
    url: p.url,
    routingKey: p.routing_key,
    escalationRoutingKey: escalation,
    timeoutMs: number(p.timeout_ms ?? 5000, file, 'pager.timeout_ms', 1),
  };
}

/** The `alarms:` section (undefined: the defaults) of `file`, with the environment's pager on top. */
export function parseAlarmsSection(
  section: unknown,
  file: string,
  env: Pick<AlertSettings, 'pagerUrl' | 'pagerRoutingKey'>,
): AlarmsConfig {
  const raw = map(section, file, '');
  const known = ['rules', 'pager', 'escalation', 'defaults'];
  for (const k of Object.keys(raw))
    if (!known.includes(k)) fail(file, k, `is not known (known: ${known.join(', ')})`);
  if (raw.rules !== undefined && !Array.isArray(raw.rules)) fail(file, 'rules', 'must be a list');
  const own = ((raw.rules as unknown[] | undefined) ?? []).map((r, i) => parseRule(r, file, i));
  const names = new Set(own.map((r) => r.name));
  if (names.size !== own.length) fail(file, 'rules', 'has two rules of the same name');
  const defaults = raw.defaults === false ? [] : DEFAULT_ALARM_RULES.filter((r) => !names.has(r.name));
  let pager = parsePager(raw.pager, file);
  if (env.pagerUrl !== undefined) {
    const routingKey = env.pagerRoutingKey ?? pager?.routingKey ?? 'perfrecon';
    pager = {
      url: env.pagerUrl,
      routingKey,
      escalationRoutingKey: pager?.escalationRoutingKey ?? routingKey,
      timeoutMs: pager?.timeoutMs ?? 5000,
    };
  }
  const escalation = raw.escalation ?? ['log', 'webhook', 'email', 'pager'];
  if (!Array.isArray(escalation)) fail(file, 'escalation', 'must be a list of channels');
  return {
    rules: [...defaults, ...own],
    pager,
    escalation: escalation.map((c, i) => oneOf(c, ESCALATION_CHANNELS, file, `escalation[${i}]`)),
  };
}

/** The alarms from the monitoring file (if any) with PERFRECON_ALERT_PAGER_* on top. */
export function loadAlarmsConfig(
  settings: AlertSettings,
  vendorConfigPath: string | undefined,
): AlarmsConfig {
  const source = monitoringFile(settings, vendorConfigPath);
  const section = source === undefined ? undefined : sectionFrom(source.file, 'alarms');
  return parseAlarmsSection(section, source?.file ?? 'alarms', settings);
}
