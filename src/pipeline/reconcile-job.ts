// The reconcile queue's handler: a run asked for through the API was recorded QUEUED with its job
// (queueReconciliation); a worker checks it to its end. The run records the outcome itself
// (COMPLETED, or FAILED with its error); a failure also fails the job, which is not retried.
import type { ReconcileJobData } from '../domain/job.ts';
import { type ReconcileDeps, runQueuedReconciliation } from '../services/reconciliation/index.ts';

export async function processReconcileJob(
  deps: ReconcileDeps,
  job: { id: string; data: ReconcileJobData; signal?: AbortSignal },
): Promise<void> {
  const { runId } = job.data;
  deps.logger?.info({ job: job.id, run: runId }, 'reconciliation run taken');
  const outcome = await runQueuedReconciliation(deps, job.data, job.signal);
  if (outcome === undefined) {
    deps.logger?.warn(
      { job: job.id, run: runId },
      'reconciliation run is not queued any more; nothing to do',
    );
    return;
  }
  deps.logger?.info(
    { job: job.id, run: runId, checked: outcome.summary.checked, failed: outcome.summary.failed },
    'reconciliation run finished',
  );
}
