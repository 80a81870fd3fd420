// Alarms: a rule over a monitored figure (a metric over a window), and the life of one episode
// of it, OK → FIRING → (ACKNOWLEDGED) → RESOLVED, with escalation when nobody acknowledges a
// firing alarm in time. The transition is decided here, purely; services store and announce it.
import type { Severity } from './alert.ts';

/** The figures a rule can watch (services/alarms/signals.ts reads them). */
export const ALARM_METRICS = [
  'processing_time_seconds',
  'error_rate',
  'memory_bytes',
  'dead_letters',
  'queue_wait_seconds',
  'vendor_cpu_seconds_today',
  'vendor_bytes_today',
] as const;
export type AlarmMetric = (typeof ALARM_METRICS)[number];

export const ALARM_CONDITIONS = ['>', '>=', '<', '<='] as const;
export type AlarmCondition = (typeof ALARM_CONDITIONS)[number];

export const ALARM_STATES = ['FIRING', 'ACKNOWLEDGED', 'RESOLVED'] as const;
export type AlarmState = (typeof ALARM_STATES)[number];

export interface AlarmRule {
  name: string;
  metric: AlarmMetric;
  condition: AlarmCondition;
  threshold: number;
  /** The figure is taken over the last this many minutes (ignored by the `_today` metrics). */
  windowMinutes: number;
  severity: Severity;
  /** A firing alarm nobody acknowledged for this long goes to the escalation route. */
  escalationMinutes: number;
}

/** One reading of a rule's figure; `subject` tells readings of per-vendor metrics apart ('' otherwise). */
export interface AlarmReading {
  subject: string;
  value: number;
}

/** An episode that is not resolved yet, as the evaluation needs it. */
export interface ActiveAlarm {
  id: number;
  rule: string;
  subject: string;
  state: 'FIRING' | 'ACKNOWLEDGED';
  escalateAt: Date | null;
  escalatedAt: Date | null;
}

export type AlarmTransition =
  | { kind: 'fire'; value: number; escalateAt: Date }
  | { kind: 'escalate'; value: number }
  | { kind: 'resolve' }
  | { kind: 'update'; value: number }
  | { kind: 'none' };

export function breached(rule: Pick<AlarmRule, 'condition' | 'threshold'>, value: number): boolean {
  switch (rule.condition) {
    case '>':
      return value > rule.threshold;
    case '>=':
      return value >= rule.threshold;
    case '<':
      return value < rule.threshold;
    case '<=':
      return value <= rule.threshold;
  }
}

/**
 * What one evaluation does with a rule's reading (undefined: the figure has no value now, e.g. no
 * files in the window, which is not a breach) and its active episode, if any.
 */
export function alarmTransition(
  rule: AlarmRule,
  reading: number | undefined,
  active: ActiveAlarm | undefined,
  now: Date,
): AlarmTransition {
  const isBreached = reading !== undefined && breached(rule, reading);
  if (active === undefined) {
    return isBreached
      ? {
          kind: 'fire',
          value: reading,
          escalateAt: new Date(now.getTime() + rule.escalationMinutes * 60_000),
        }
      : { kind: 'none' };
  }
  if (!isBreached) return { kind: 'resolve' };
  const due = active.escalateAt !== null && active.escalateAt.getTime() <= now.getTime();
  if (active.state === 'FIRING' && active.escalatedAt === null && due)
    return { kind: 'escalate', value: reading };
  return { kind: 'update', value: reading };
}
