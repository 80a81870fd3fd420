// Alarm episodes and the turn-taking of their evaluation across processes.

import type { Insertable, Updateable } from 'kysely';
import { sql } from 'kysely';
import type { AlarmState } from '../domain/alarm.ts';
import type { Executor } from './db/database.ts';
import type { AlarmsTable } from './schema.ts';

/**
 * Take this minute's turn: true when no other process is evaluating (a transaction-scoped
 * advisory lock) and nobody evaluated within `minIntervalSeconds` before `now`. Call inside the
 * transaction that then evaluates.
 */
export async function takeEvaluationTurn(
  db: Executor,
  now: Date,
  minIntervalSeconds: number,
  by: string,
): Promise<boolean> {
  const { rows } = await sql<{ locked: boolean }>`
    SELECT pg_try_advisory_xact_lock(hashtext('perfrecon.alarms')) AS locked`.execute(db);
  if (rows[0]?.locked !== true) return false;
  const last = await db.selectFrom('alarm_evaluations').select('evaluated_at').executeTakeFirst();
  if (last !== undefined && last.evaluated_at.getTime() > now.getTime() - minIntervalSeconds * 1000)
    return false;
  await db
    .insertInto('alarm_evaluations')
    .values({ evaluated_at: now, evaluated_by: by })
    .onConflict((oc) => oc.column('singleton').doUpdateSet({ evaluated_at: now, evaluated_by: by }))
    .execute();
  return true;
}

export function activeAlarms(db: Executor) {
  return db.selectFrom('alarms').selectAll().where('state', '<>', 'RESOLVED').orderBy('id').execute();
}

export type AlarmRow = Awaited<ReturnType<typeof activeAlarms>>[number];

export function insertAlarm(db: Executor, alarm: Insertable<AlarmsTable>) {
  return db.insertInto('alarms').values(alarm).returningAll().executeTakeFirstOrThrow();
}

export function updateAlarm(db: Executor, id: number, change: Updateable<AlarmsTable>) {
  return db.updateTable('alarms').set(change).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

export function findAlarm(db: Executor, id: number, forUpdate = false) {
  const query = db.selectFrom('alarms').selectAll().where('id', '=', id);
  return (forUpdate ? query.forUpdate() : query).executeTakeFirst();
}

export function listAlarms(db: Executor, filter: { states: readonly AlarmState[]; limit: number }) {
  return db
    .selectFrom('alarms')
    .selectAll()
    .where('state', 'in', [...filter.states])
    .orderBy('id', 'desc')
    .limit(filter.limit)
    .execute();
}
