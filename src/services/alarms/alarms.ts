// Alarm episodes as the API and the CLI show them, and the one thing a person does to an
// alarm: acknowledge it (someone is on it: the pager stops and it will not escalate).
import { type Cache, tags as cacheTags } from '../../cache/index.ts';
import type { AlarmsConfig } from '../../config/alarms-config.ts';
import type { AlertsConfig } from '../../config/alerts-config.ts';
import type { AlarmItem } from '../../contracts/alarms.ts';
import { optionalTimestamp, timestamp } from '../../contracts/common.ts';
import { ALARM_STATES, type AlarmState } from '../../domain/alarm.ts';
import type { Notifier } from '../../domain/alert.ts';
import { ConflictError, NotFoundError } from '../../domain/errors.ts';
import {
  type AlarmRow,
  findAlarm,
  listAlarms as listAlarmRows,
  updateAlarm,
} from '../../store/alarm-repository.ts';
import type { Database } from '../../store/db/database.ts';
import { setAuditActor } from '../../store/vendor-repository.ts';
import { alarmEvent } from './announce.ts';

export interface AlarmDeps {
  database: Pick<Database, 'db'>;
  notifier: Notifier;
  alerts: Pick<AlertsConfig, 'routes'>;
  alarms: Pick<AlarmsConfig, 'escalation'>;
}

export function alarmItem(row: AlarmRow): AlarmItem {
  return {
    id: row.id,
    rule: row.rule,
    subject: row.subject,
    metric: row.metric as AlarmItem['metric'],
    condition: row.condition,
    threshold: row.threshold,
    severity: row.severity,
    state: row.state,
    value: row.value,
    message: row.message,
    firedAt: timestamp(row.fired_at),
    escalateAt: optionalTimestamp(row.escalate_at),
    escalatedAt: optionalTimestamp(row.escalated_at),
    acknowledgedAt: optionalTimestamp(row.acknowledged_at),
    acknowledgedBy: row.acknowledged_by,
    resolvedAt: optionalTimestamp(row.resolved_at),
  };
}

/** Alarms in these states (default: the active ones), newest first. */
export async function listAlarms(
  deps: { database: Pick<Database, 'db'> },
  filter: { states?: readonly AlarmState[]; limit?: number } = {},
): Promise<AlarmItem[]> {
  const rows = await listAlarmRows(deps.database.db, {
    states: filter.states ?? ALARM_STATES.filter((state) => state !== 'RESOLVED'),
    limit: filter.limit ?? 100,
  });
  return rows.map(alarmItem);
}

export async function acknowledgeAlarm(
  deps: AlarmDeps & { cache: Pick<Cache, 'invalidate'> },
  id: number,
  actor: string,
  now = new Date(),
): Promise<AlarmItem> {
  const row = await deps.database.db.transaction().execute(async (trx) => {
    await setAuditActor(trx, actor);
    const alarm = await findAlarm(trx, id, true);
    if (alarm === undefined)
      throw new NotFoundError(`there is no alarm #${id}`, 'List them with: perfrecon alarms list');
    if (alarm.state !== 'FIRING') {
      throw new ConflictError(
        `alarm #${id} is ${alarm.state.toLowerCase()}${alarm.acknowledged_by ? ` (by ${alarm.acknowledged_by})` : ''}; only a firing alarm can be acknowledged`,
      );
    }
    return updateAlarm(trx, id, {
      state: 'ACKNOWLEDGED',
      acknowledged_at: now,
      acknowledged_by: actor,
      updated_at: now,
    });
  });
  // The dashboard counts alarms by state: its cached answer is out of date.
  await deps.cache.invalidate([cacheTags.alarms]);
  const item = alarmItem(row);
  await deps.notifier.notify(alarmEvent(item, 'ACKNOWLEDGED', deps));
  return item;
}
