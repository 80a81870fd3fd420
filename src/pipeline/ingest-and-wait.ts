// `perfrecon ingest FILE…` without --dry-run: the same intake as the watcher and the API (a copy
// in the landing folder and a durable job each), then, unless told not to wait, an in-process
// worker until every one of those jobs has settled: stored, rejected, or dead-lettered.
import { deadLetterOfJob } from '../services/dead-letters.ts';
import type { IngestJobOutput } from './ingest-job.ts';
import { type IntakeReceipt, intakeFile } from './intake.ts';
import { INGEST_QUEUE } from './queues.ts';
import { type PipelineHost, startPipeline } from './runtime.ts';

export type QueuedIngestResult =
  | { state: 'queued'; receipt: IntakeReceipt }
  | { state: 'completed'; receipt: IntakeReceipt; output: IngestJobOutput }
  | { state: 'failed'; receipt: IntakeReceipt; error: string; deadLetter: number | null };

export interface QueuedIngestOptions {
  vendorCode?: string;
  /** Process the jobs here and wait for them (default); false only queues them for the workers. */
  wait: boolean;
  onQueued?: (file: string, receipt: IntakeReceipt) => void;
}

const POLL_MS = 200;
/** After a job failed for good, how long to wait for its dead letter to be recorded. */
const DEAD_LETTER_WAIT_MS = 60_000;

export async function ingestViaQueue(
  app: PipelineHost,
  files: string[],
  options: QueuedIngestOptions,
): Promise<QueuedIngestResult[]> {
  const pipeline = await startPipeline(app, { supervise: options.wait });
  try {
    const receipts: IntakeReceipt[] = [];
    for (const file of files) {
      const receipt = await intakeFile(
        { landing: pipeline.landing, boss: pipeline.boss, logger: app.logger },
        { sourcePath: file, mode: 'copy', vendorCode: options.vendorCode, source: 'cli' },
      );
      options.onQueued?.(file, receipt);
      receipts.push(receipt);
    }
    if (!options.wait) return receipts.map((receipt) => ({ state: 'queued', receipt }));
    await pipeline.startWorkers(Math.min(app.config.pipeline.workerConcurrency, receipts.length));

    const results = new Map<string, QueuedIngestResult>();
    const failedAt = new Map<string, number>();
    while (results.size < receipts.length) {
      for (const receipt of receipts) {
        if (results.has(receipt.jobId)) continue;
        const [job] = await pipeline.boss.findJobs(INGEST_QUEUE, { id: receipt.jobId });
        if (job?.state === 'completed') {
          results.set(receipt.jobId, { state: 'completed', receipt, output: job.output as IngestJobOutput });
        } else if (job?.state === 'failed' || job?.state === 'cancelled' || job === undefined) {
          const letter = await deadLetterOfJob(app, receipt.jobId);
          const since = failedAt.get(receipt.jobId) ?? Date.now();
          failedAt.set(receipt.jobId, since);
          if (letter !== undefined || Date.now() - since > DEAD_LETTER_WAIT_MS) {
            const output = job?.output as { message?: string } | undefined;
            results.set(receipt.jobId, {
              state: 'failed',
              receipt,
              error: letter?.error ?? output?.message ?? `job ${receipt.jobId} ${job?.state ?? 'vanished'}`,
              deadLetter: letter?.id ?? null,
            });
          }
        }
      }
      if (results.size < receipts.length) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    return receipts.map((receipt) => results.get(receipt.jobId) as QueuedIngestResult);
  } finally {
    await pipeline.stop();
  }
}
