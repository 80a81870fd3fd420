// What an ingest job tells Prometheus as it runs: step times by vendor, rows, the file's outcome
// and the job's result. The deps may have no metrics (a one-off `perfrecon ingest`).
import type { ProcessMetrics } from '../observe/metrics.ts';

export type PipelineStep = 'ingest' | 'reconcile' | 'archive' | 'job';

/** The vendor label: files refused before their vendor was known count as `unknown`. */
const vendorLabel = (vendor: string | null) => vendor ?? 'unknown';

export function observeStep(
  metrics: ProcessMetrics | undefined,
  step: PipelineStep,
  vendor: string | null,
  milliseconds: number,
): void {
  metrics?.stepSeconds.observe({ step, vendor: vendorLabel(vendor) }, milliseconds / 1000);
}

/** Time `work` as `step` of a file of `vendor`. */
export async function timeStep<T>(
  metrics: ProcessMetrics | undefined,
  step: PipelineStep,
  vendor: string | null,
  work: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    observeStep(metrics, step, vendor, performance.now() - started);
  }
}

export function countCompletedJob(
  metrics: ProcessMetrics | undefined,
  output: {
    vendor: string | null;
    outcome: string;
    rowsRead: number;
    rowsStored: number;
    rowsQuarantined: number;
    durationMs: number;
  },
): void {
  if (metrics === undefined) return;
  const vendor = vendorLabel(output.vendor);
  metrics.jobs.inc({ result: 'completed' });
  metrics.fileOutcomes.inc({ outcome: output.outcome, vendor });
  // A second arrival of stored bytes reads nothing new: its rows were counted the first time.
  if (output.outcome !== 'ALREADY_INGESTED') {
    metrics.rows.inc({ kind: 'read', vendor }, output.rowsRead);
    metrics.rows.inc({ kind: 'stored', vendor }, output.rowsStored);
    metrics.rows.inc({ kind: 'quarantined', vendor }, output.rowsQuarantined);
  }
  observeStep(metrics, 'job', output.vendor, output.durationMs);
}

export function countFailedJob(metrics: ProcessMetrics | undefined, result: 'failed' | 'deadletter'): void {
  metrics?.jobs.inc({ result });
}
