// The dead-letter queue's handler: a job that exhausted its retries (or failed for a reason only
// an operator can fix) is copied by pg-boss into the dead-letter queue. Its handler records it
// (the file FAILED), keeps the landed file in error/ for a replay, and sends a critical alert.
// The replay itself is a service (src/services/dead-letters.ts).
import type { IngestJobData } from '../domain/job.ts';
import { recordDeadLetter, recordDeadLetterLocation } from '../services/dead-letters.ts';
import { failpoint } from './failpoint.ts';
import type { PipelineDeps } from './ingest-job.ts';
import { INGEST_QUEUE } from './queues.ts';

export interface DeadLetteredJob {
  /** The copy's id in the dead-letter queue. */
  id: string;
  data: IngestJobData;
  /** The job that failed, its retries and its last error, as pg-boss recorded them. */
  sourceId: string | null;
  sourceName: string | null;
  sourceRetryCount: number | null;
  sourceOutput: object | null;
}

function errorText(output: object | null): string {
  if (output === null) return 'no error recorded';
  const message = (output as { message?: unknown }).message;
  return typeof message === 'string' ? message : JSON.stringify(output);
}

export async function recordDeadLetteredJob(deps: PipelineDeps, job: DeadLetteredJob): Promise<number> {
  const { data } = job;
  const attempts = (job.sourceRetryCount ?? 0) + 1;
  const error = errorText(job.sourceOutput);
  const failedJobId = job.sourceId ?? job.id;
  const letter = await recordDeadLetter(deps, {
    jobId: failedJobId,
    deadLetterJobId: job.id,
    queue: job.sourceName ?? INGEST_QUEUE,
    data,
    attempts,
    error,
    landedPath: deps.landing.destination('processing', data.landingName),
    worker: deps.worker,
    actor: deps.actor,
  });
  const { id, fileId } = letter;

  failpoint(deps.failpoint, 'dlq:recorded');
  // Keep the bytes for the replay, out of processing/ (nothing there waits for a job) — as they
  // are, even when they are not the ones taken in: that is for the operator to see.
  const located = await deps.landing.locate(data.landingName);
  if (located !== undefined) {
    const storedPath =
      located.place === 'processing'
        ? await deps.landing.move(located, 'error', data.landingName, undefined)
        : located.path;
    await recordDeadLetterLocation(deps, letter, storedPath);
  }

  await deps.notifier.notify({
    kind: 'dead_lettered',
    severity: 'critical',
    title: `File ${data.originalName} failed after ${attempts} attempts: dead letter #${id}`,
    details: {
      deadLetter: id,
      job: failedJobId,
      file: data.originalName,
      fileId,
      sha256: data.sha256,
      attempts,
      error,
      replay: `perfrecon dlq replay ${id}`,
    },
    dedupeKey: `dead-letter:${failedJobId}`,
  });
  deps.logger.error(
    { deadLetter: id, job: failedJobId, file: data.originalName, attempts, error },
    'job dead-lettered',
  );
  return id;
}
