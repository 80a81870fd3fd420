// What `perfrecon alarms list --json` prints and the API returns for alarms: one episode of a
// rule (and subject) from firing to resolution.
import { type Static, Type } from 'typebox';
import { ALARM_CONDITIONS, ALARM_METRICS, ALARM_STATES } from '../domain/alarm.ts';
import { Nullable, StringEnum, Timestamp } from './common.ts';

export const AlarmItem = Type.Object({
  id: Type.Integer(),
  rule: Type.String({ description: 'the rule in the alarms: configuration' }),
  subject: Type.String({
    description: 'what the reading is of (a vendor for the daily use rules); empty otherwise',
  }),
  metric: StringEnum(ALARM_METRICS),
  condition: StringEnum(ALARM_CONDITIONS),
  threshold: Type.Number(),
  severity: StringEnum(['info', 'warning', 'critical'] as const),
  state: StringEnum(ALARM_STATES),
  value: Type.Number({
    description: 'the latest reading while active; the last breaching one once resolved',
  }),
  message: Type.String(),
  firedAt: Timestamp,
  escalateAt: Nullable(Timestamp),
  escalatedAt: Nullable(Timestamp),
  acknowledgedAt: Nullable(Timestamp),
  acknowledgedBy: Nullable(Type.String()),
  resolvedAt: Nullable(Timestamp),
});
export type AlarmItem = Static<typeof AlarmItem>;
