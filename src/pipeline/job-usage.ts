// What a job run cost, measured around it and recorded for `perfrecon usage` and the alarms.
// process.cpuUsage() is the whole process's: jobs running at once in one worker each count the
// CPU of the others too, so per-job CPU is an upper bound when the concurrency is above 1.
import { recordJobUsage } from '../services/usage/record.ts';
import type { JobDisposition, PipelineDeps } from './ingest-job.ts';

export interface MeasuredJob {
  id: string;
  retryCount: number;
  startAfter: Date;
  startedOn: Date;
}

export async function measureJob(
  deps: PipelineDeps,
  job: MeasuredJob,
  slots: number,
  run: () => Promise<JobDisposition>,
): Promise<JobDisposition> {
  const cpu = process.cpuUsage();
  const startedAt = new Date();
  const disposition = await run();
  const used = process.cpuUsage(cpu);
  const output = disposition.status === 'completed' ? disposition.output : undefined;
  await recordJobUsage(deps, {
    jobId: job.id,
    attempt: job.retryCount + 1,
    fileId: output?.fileId ?? null,
    vendor: output?.vendor ?? null,
    outcome: output?.outcome ?? disposition.status,
    worker: deps.worker,
    workerSlots: slots,
    // A job is due from its start-after time (creation, or the end of its retry delay). Both
    // times are the database's, so this worker's clock does not skew the wait.
    queuedAt: new Date(startedAt.getTime() - Math.max(0, job.startedOn.getTime() - job.startAfter.getTime())),
    startedAt,
    finishedAt: new Date(),
    cpuSeconds: (used.user + used.system) / 1e6,
    rssBytes: process.memoryUsage.rss(),
  }).catch((error: Error) =>
    deps.logger.warn({ err: error.message, job: job.id }, `could not record the usage of job ${job.id}`),
  );
  return disposition;
}
