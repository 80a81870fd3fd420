// The alarm evaluator's samples of the system's figures, one row per figure and turn.
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
