// Gauges of the whole system, read at scrape time: the job queue (pg-boss) and what the
// monitoring service reads from the database. Registered once per process; every process that
// serves metrics shows them (Prometheus queries take max() across processes).
import type { Logger } from '../observe/logger.ts';
import type { GaugeSample, ProcessMetrics } from '../observe/metrics.ts';
import { systemState } from '../services/monitoring/system-state.ts';
import type { Database } from '../store/db/database.ts';
import { INGEST_DEAD_LETTER_QUEUE, INGEST_QUEUE, queueBacklog, RECONCILE_QUEUE } from './queues.ts';

const GAUGES = [
  {
    name: 'perfrecon_queue_depth',
    help: 'jobs waiting to be run (created or due for a retry)',
    labelNames: ['queue'],
  },
  {
    name: 'perfrecon_queue_oldest_job_age_seconds',
    help: 'age of the oldest job waiting to be run (0 when none waits)',
    labelNames: ['queue'],
  },
  { name: 'perfrecon_queue_active_jobs', help: 'jobs being run now', labelNames: ['queue'] },
  { name: 'perfrecon_dead_letters_open', help: 'dead letters neither replayed nor resolved' },
  {
    name: 'perfrecon_reconciliation_pass_rate',
    help: 'share of checks that passed in the latest completed reconciliation run (0-1)',
  },
  { name: 'perfrecon_breaks_open', help: 'active breaks by age bucket', labelNames: ['age'] },
  {
    name: 'perfrecon_file_error_ratio',
    help: 'files refused or failed over all files that reached an outcome in the last hour (0-1)',
  },
] as const;

export function registerSystemGauges(
  metrics: ProcessMetrics,
  host: { database: Database; logger: Logger },
): void {
  if (metrics.registry.getSingleMetric(GAUGES[0].name) !== undefined) return;
  metrics.addGaugeSource(GAUGES, async () => {
    try {
      const [state, ...queues] = await Promise.all([
        systemState(host),
        ...[INGEST_QUEUE, INGEST_DEAD_LETTER_QUEUE, RECONCILE_QUEUE].map(async (queue) => ({
          queue,
          ...(await queueBacklog(host.database, queue)),
        })),
      ]);
      const samples: GaugeSample[] = [];
      for (const { queue, waiting, active, oldestAgeSeconds } of queues) {
        samples.push({ name: 'perfrecon_queue_depth', labels: { queue }, value: waiting });
        samples.push({
          name: 'perfrecon_queue_oldest_job_age_seconds',
          labels: { queue },
          value: oldestAgeSeconds,
        });
        samples.push({ name: 'perfrecon_queue_active_jobs', labels: { queue }, value: active });
      }
      samples.push({ name: 'perfrecon_dead_letters_open', value: state.deadLetters });
      if (state.reconciliationPassRate !== null)
        samples.push({ name: 'perfrecon_reconciliation_pass_rate', value: state.reconciliationPassRate });
      for (const [age, value] of Object.entries(state.openBreaksByAge))
        samples.push({ name: 'perfrecon_breaks_open', labels: { age }, value });
      samples.push({ name: 'perfrecon_file_error_ratio', value: state.fileErrorRate ?? 0 });
      return samples;
    } catch (error) {
      host.logger.warn({ err: (error as Error).message }, 'metrics: could not read the system gauges');
      return [];
    }
  });
}
