// The figure an alarm rule watches, read at `now` from the database (the whole system, not one
// process) over the rule's window. No reading means nothing to judge (no jobs, no files): not a
// breach.
import type { AlarmReading, AlarmRule } from '../../domain/alarm.ts';
import type { Database } from '../../store/db/database.ts';
import { countOpenDeadLetters } from '../../store/monitoring-repository.ts';
import { jobFigures, vendorBytesReceived, vendorCpuSeconds } from '../../store/usage-repository.ts';
import { fileErrorRate } from '../monitoring/system-state.ts';

type Deps = { database: Pick<Database, 'db'> };

const single = (value: number | null | undefined): AlarmReading[] =>
  value === null || value === undefined ? [] : [{ subject: '', value }];

export async function readSignal(deps: Deps, rule: AlarmRule, now: Date): Promise<AlarmReading[]> {
  const db = deps.database.db;
  const since = new Date(now.getTime() - rule.windowMinutes * 60_000);
  const midnight = new Date(`${now.toISOString().slice(0, 10)}T00:00:00Z`);
  switch (rule.metric) {
    case 'processing_time_seconds':
      return single((await jobFigures(db, since, now)).p95_wall_seconds);
    case 'queue_wait_seconds':
      return single((await jobFigures(db, since, now)).mean_wait_seconds);
    case 'memory_bytes': {
      // The largest worker at the end of a job in the window, or this (evaluating) process.
      const workers = (await jobFigures(db, since, now)).max_rss_bytes ?? 0;
      return single(Math.max(workers, process.memoryUsage.rss()));
    }
    case 'error_rate':
      return single(await fileErrorRate(deps, rule.windowMinutes, now));
    case 'dead_letters':
      return single(await countOpenDeadLetters(db));
    case 'vendor_cpu_seconds_today':
      return (await vendorCpuSeconds(db, midnight, now)).map((row) => ({
        subject: row.vendor,
        value: Number(row.value),
      }));
    case 'vendor_bytes_today':
      return (await vendorBytesReceived(db, midnight, now)).map((row) => ({
        subject: row.vendor,
        value: Number(row.value),
      }));
  }
}
