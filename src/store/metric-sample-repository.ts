// The alarm evaluator's samples of the system's figures, one row per figure and turn.
import { sql } from 'kysely';
import type { Executor } from './db/database.ts';

export async function insertMetricSamples(
  db: Executor,
  at: Date,
  samples: readonly { name: string; value: number }[],
): Promise<void> {
  if (samples.length === 0) return;
  await db
    .insertInto('metric_samples')
    .values(samples.map((sample) => ({ at, name: sample.name, value: sample.value })))
    .execute();
}

/** Samples of these figures taken in [from, to], by figure then time. */
export function metricSamplesBetween(db: Executor, names: readonly string[], from: Date, to: Date) {
  return db
    .selectFrom('metric_samples')
    .select(['name', 'at', 'value'])
    .where('name', 'in', names)
    .where('at', '>=', from)
    .where('at', '<=', to)
    .orderBy('name')
    .orderBy('at')
    .execute();
}

/**
 * The mean of the samples of these figures in each step of `stepSeconds` from `from` (steps
 * start at `from`), by figure then time; a step without samples has no row.
 */
export function metricSampleMeans(
  db: Executor,
  names: readonly string[],
  from: Date,
  to: Date,
  stepSeconds: number,
) {
  return db
    .selectFrom('metric_samples')
    .select([
      'name',
      sql<Date>`date_bin(make_interval(secs => ${stepSeconds}), at, ${from}::timestamptz)`.as('at'),
      sql<number>`avg(value)::float8`.as('value'),
    ])
    .where('name', 'in', names)
    .where('at', '>=', from)
    .where('at', '<=', to)
    .groupBy(['name', sql`2`])
    .orderBy('name')
    .orderBy(sql`2`)
    .execute();
}
