// The alarm evaluation: every rule's figure read at `now`, each active episode moved on (fired,
// escalated, resolved), stored and audited in one transaction, announced after it commits. One
// process evaluates at a time, and at most once per interval across processes (the database
// keeps the turn); the others skip theirs. Each turn also samples the system's figures into the
// metrics history (monitoring/metric-history.ts).
import { hostname } from 'node:os';
import { type Cache, tags as cacheTags } from '../../cache/index.ts';
import type { AlarmsConfig } from '../../config/alarms-config.ts';
import { type ActiveAlarm, type AlarmRule, alarmTransition } from '../../domain/alarm.ts';
import type { Logger } from '../../observe/logger.ts';
import { activeAlarms, insertAlarm, takeEvaluationTurn, updateAlarm } from '../../store/alarm-repository.ts';
import { setAuditActor } from '../../store/vendor-repository.ts';
import { readProcessFigures, recordMetricSamples, type SampleSources } from '../monitoring/metric-history.ts';
import { type AlarmDeps, alarmItem } from './alarms.ts';
import { type AlarmChange, alarmEvent } from './announce.ts';
import { readSignal } from './signals.ts';

export interface EvaluationOptions {
  /** The rules to evaluate (default: the configuration's). */
  rules?: readonly AlarmRule[];
  /** The clock: readings' windows end here, and escalation times are measured from it. */
  now?: Date;
  /** Skip when any process evaluated less than this long before `now` (the schedule's interval). */
  minIntervalSeconds?: number;
}

export interface EvaluationResult {
  /** False when another process had the turn. */
  evaluated: boolean;
  changes: { alarm: number; rule: string; subject: string; change: AlarmChange }[];
}

const ACTOR = `alarms:${hostname()}:${process.pid}`;

function message(rule: AlarmRule, value: number): string {
  const window = rule.metric.endsWith('_today') ? 'today' : `over ${rule.windowMinutes} min`;
  return `${rule.metric} is ${Number(value.toPrecision(6))} ${window} (alarm when ${rule.condition} ${rule.threshold})`;
}

export async function evaluateAlarms(
  deps: AlarmDeps & {
    alarms: Pick<AlarmsConfig, 'rules' | 'escalation'>;
    cache: Pick<Cache, 'invalidate'>;
  } & SampleSources,
  options: EvaluationOptions = {},
): Promise<EvaluationResult> {
  const now = options.now ?? new Date();
  const rules = options.rules ?? deps.alarms.rules;
  const announcements: { item: ReturnType<typeof alarmItem>; change: AlarmChange }[] = [];
  const own = await readProcessFigures(deps);
  const evaluated = await deps.database.db.transaction().execute(async (trx) => {
    if (!(await takeEvaluationTurn(trx, now, options.minIntervalSeconds ?? 0, ACTOR))) return false;
    await setAuditActor(trx, ACTOR);
    // The turn's figures go into the metrics history whatever the rules watch.
    await recordMetricSamples(trx, own, now);
    const active = new Map((await activeAlarms(trx)).map((row) => [`${row.rule}|${row.subject}`, row]));
    const judged = new Set<string>();
    for (const rule of rules) {
      const readings = await readSignal({ database: { db: trx } }, rule, now);
      const subjects = new Set([
        ...readings.map((reading) => reading.subject),
        ...[...active.values()].filter((row) => row.rule === rule.name).map((row) => row.subject),
      ]);
      for (const subject of subjects) {
        const key = `${rule.name}|${subject}`;
        judged.add(key);
        const row = active.get(key);
        const current: ActiveAlarm | undefined =
          row === undefined
            ? undefined
            : {
                id: row.id,
                rule: row.rule,
                subject: row.subject,
                state: row.state as ActiveAlarm['state'],
                escalateAt: row.escalate_at,
                escalatedAt: row.escalated_at,
              };
        const value = readings.find((reading) => reading.subject === subject)?.value;
        const transition = alarmTransition(rule, value, current, now);
        if (transition.kind === 'fire') {
          const inserted = await insertAlarm(trx, {
            rule: rule.name,
            subject,
            metric: rule.metric,
            condition: rule.condition,
            threshold: rule.threshold,
            severity: rule.severity,
            state: 'FIRING',
            value: transition.value,
            message: message(rule, transition.value),
            fired_at: now,
            escalate_at: transition.escalateAt,
            updated_at: now,
          });
          announcements.push({ item: alarmItem(inserted), change: 'FIRING' });
        } else if (row !== undefined && transition.kind === 'escalate') {
          const updated = await updateAlarm(trx, row.id, {
            value: transition.value,
            escalated_at: now,
            updated_at: now,
          });
          announcements.push({ item: alarmItem(updated), change: 'ESCALATED' });
        } else if (row !== undefined && transition.kind === 'resolve') {
          const updated = await updateAlarm(trx, row.id, {
            state: 'RESOLVED',
            resolved_at: now,
            updated_at: now,
          });
          announcements.push({ item: alarmItem(updated), change: 'RESOLVED' });
        } else if (row !== undefined && transition.kind === 'update' && transition.value !== row.value) {
          await updateAlarm(trx, row.id, {
            value: transition.value,
            message: message(rule, transition.value),
            updated_at: now,
          });
        }
      }
    }
    // A rule taken out of the configuration leaves nobody to resolve its alarms: resolve them now.
    for (const [key, row] of active) {
      if (judged.has(key)) continue;
      const updated = await updateAlarm(trx, row.id, {
        state: 'RESOLVED',
        resolved_at: now,
        updated_at: now,
      });
      announcements.push({ item: alarmItem(updated), change: 'RESOLVED' });
    }
    return true;
  });
  // What reads alarms (the dashboard's counts) is cached: retire it once the changes are committed.
  if (announcements.length > 0) await deps.cache.invalidate([cacheTags.alarms]);
  for (const { item, change } of announcements) await deps.notifier.notify(alarmEvent(item, change, deps));
  return {
    evaluated,
    changes: announcements.map(({ item, change }) => ({
      alarm: item.id,
      rule: item.rule,
      subject: item.subject,
      change,
    })),
  };
}

/** Evaluate every `intervalSeconds` (first after one interval); returns a stop function. */
export function startAlarmSchedule(
  deps: Parameters<typeof evaluateAlarms>[0] & { logger?: Logger | undefined },
  intervalSeconds: number,
): () => void {
  const timer = setInterval(() => {
    // A little less than the interval: timers drift, and a process should not miss its turn by a hair.
    evaluateAlarms(deps, { minIntervalSeconds: intervalSeconds * 0.9 })
      .then((result) => {
        if (result.changes.length > 0) deps.logger?.info({ alarms: result.changes }, 'alarms changed');
      })
      .catch((error: Error) => deps.logger?.error({ err: error.message }, 'alarm evaluation failed'));
  }, intervalSeconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
