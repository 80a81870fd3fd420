// How an alarm's change reaches people: firing and resolving through the severity's channels
// plus the pager; an acknowledgement to the log and the pager (the incident stops paging); an
// escalation through the escalation route.
import type { AlarmsConfig } from '../../config/alarms-config.ts';
import type { AlertsConfig } from '../../config/alerts-config.ts';
import type { AlarmItem } from '../../contracts/alarms.ts';
import type { AlertEvent } from '../../domain/alert.ts';

export type AlarmChange = 'FIRING' | 'ESCALATED' | 'ACKNOWLEDGED' | 'RESOLVED';

export function alarmEvent(
  alarm: AlarmItem,
  change: AlarmChange,
  config: { alerts: Pick<AlertsConfig, 'routes'>; alarms: Pick<AlarmsConfig, 'escalation'> },
): AlertEvent {
  const what = `${alarm.rule}${alarm.subject === '' ? '' : ` (${alarm.subject})`}`;
  const titles: Record<AlarmChange, string> = {
    FIRING: `Alarm ${what} firing: ${alarm.message}`,
    ESCALATED: `Alarm ${what} escalated: not acknowledged since ${alarm.firedAt}: ${alarm.message}`,
    ACKNOWLEDGED: `Alarm ${what} acknowledged by ${alarm.acknowledgedBy ?? 'someone'}`,
    RESOLVED: `Alarm ${what} resolved`,
  };
  const route: Record<AlarmChange, readonly string[]> = {
    FIRING: [...config.alerts.routes[alarm.severity], 'pager'],
    ESCALATED: config.alarms.escalation,
    ACKNOWLEDGED: ['log', 'pager'],
    RESOLVED: [...config.alerts.routes[alarm.severity], 'pager'],
  };
  return {
    kind: 'alarm',
    severity: change === 'ESCALATED' ? 'critical' : alarm.severity,
    title: titles[change],
    details: {
      alarm: alarm.id,
      state: change,
      rule: alarm.rule,
      subject: alarm.subject,
      metric: alarm.metric,
      value: alarm.value,
      condition: alarm.condition,
      threshold: alarm.threshold,
      firedAt: alarm.firedAt,
      escalated: alarm.escalatedAt !== null,
    },
    // Each change of each episode once, whichever process announces it.
    dedupeKey: `alarm:${alarm.id}:${change}`,
    route: [...new Set(route[change])],
  };
}
