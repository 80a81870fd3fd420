// The dead-letter queue: a job that exhausted its retries (or failed for a reason only an operator
// can fix) is copied by pg-boss into the dead-letter queue. Recording it here marks the file
// FAILED, keeps the landed file in error/ for a replay, and sends a critical alert. A replay puts
// a new job on the queue in the same transaction that records who asked for it.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fromKysely, type PgBoss } from 'pg-boss';
import { ConflictError, NotFoundError } from '../domain/errors.ts';
import {
  listDeadLetters,
  lockDeadLetter,
  markReplayed,
  recordDeadLetter,
  setDeadLetterPath,
  setStoredPath,
} from '../store/dead-letter-repository.ts';
import {
  appendLog,
  findFileById,
  findFileBySha,
  recordFile,
  setFileStatus,
} from '../store/file-repository.ts';
import type { FileStatus } from '../store/schema.ts';
import { setAuditActor } from '../store/vendor-repository.ts';
import { failpoint } from './failpoint.ts';
import type { PipelineDeps } from './ingest-job.ts';
import { destinationPath, locateLandedFile, moveNoClobber } from './landing.ts';
import { INGEST_QUEUE, type IngestJobData } from './queues.ts';

const TERMINAL: ReadonlySet<FileStatus> = new Set(['SUCCEEDED', 'QUARANTINED', 'REJECTED']);

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
  const db = deps.database.db;
  const attempts = (job.sourceRetryCount ?? 0) + 1;
  const error = errorText(job.sourceOutput);
  const failedJobId = job.sourceId ?? job.id;
  const { id, fileId, fileStatus } = await db.transaction().execute(async (trx) => {
    await setAuditActor(trx, deps.actor);
    let file = await findFileBySha(trx, data.sha256);
    if (file === undefined) {
      // Failed before the file was recorded (database down from the start): record it now, so
      // every dead letter has a file with a status and a log.
      const { id: newId } = await recordFile(trx, {
        sha256: data.sha256,
        name: data.originalName,
        sizeBytes: data.sizeBytes,
        vendorCode: null,
        configVersion: null,
        storedPath: path.join(deps.landing.processing, data.landingName),
      });
      file = await findFileById(trx, newId);
    }
    if (file === undefined)
      throw new Error(`file ${data.sha256} vanished while its dead letter was recorded`);
    const letter = await recordDeadLetter(trx, {
      jobId: failedJobId,
      deadLetterJobId: job.id,
      queue: job.sourceName ?? INGEST_QUEUE,
      fileId: file.id,
      sha256: data.sha256,
      fileName: data.originalName,
      landingName: data.landingName,
      storedPath: null,
      attempts,
      error,
      payload: { ...data },
    });
    if (letter.created) {
      if (TERMINAL.has(file.status)) {
        // The data was stored; what failed came after (filing the file away). A replay finishes it.
        await appendLog(trx, file.id, {
          status: file.status,
          step: 'dead-letter',
          attempt: attempts,
          worker: deps.worker,
          error: `job ${failedJobId} dead-lettered after the data was stored: ${error}; dead letter #${letter.id}`,
        });
      } else {
        await setFileStatus(trx, file.id, {
          status: 'FAILED',
          step: 'dead-letter',
          attempt: attempts,
          worker: deps.worker,
          error: `${error} — gave up after ${attempts} attempts (dead letter #${letter.id}). Fix the cause, then: perfrecon dlq replay ${letter.id}`,
        });
      }
    }
    return { id: letter.id, fileId: file.id, fileStatus: file.status };
  });

  failpoint(deps.failpoint, 'dlq:recorded');
  // Keep the bytes for the replay, out of processing/ (nothing there waits for a job).
  const located = await locateLandedFile(deps.landing, data.landingName);
  if (located !== undefined) {
    const storedPath =
      located.place === 'processing'
        ? await moveNoClobber(located.path, destinationPath(deps.landing, 'error', data.landingName))
        : located.path;
    await setDeadLetterPath(db, id, storedPath);
    if (!TERMINAL.has(fileStatus)) await setStoredPath(db, fileId, storedPath);
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

export interface ReplayContext {
  database: PipelineDeps['database'];
  boss: PgBoss;
  actor: string;
}

export type ReplayResult =
  | { deadLetter: number; status: 'replayed'; jobId: string; file: string }
  | {
      deadLetter: number;
      status: 'already-replayed';
      jobId: string | null;
      replayedAt: Date | null;
      replayedBy: string | null;
      file: string;
    }
  | { deadLetter: number; status: 'resolved'; resolution: string | null; file: string };

/**
 * Replay a dead letter: one new job for the same landed file, sent in the transaction that
 * records the replay (audited, and logged on the file). Replaying it again does nothing; and
 * should two jobs ever run, the file's SHA-256 makes the second a no-op.
 */
export async function replayDeadLetter(context: ReplayContext, id: number): Promise<ReplayResult> {
  return context.database.db.transaction().execute(async (trx) => {
    const letter = await lockDeadLetter(trx, id);
    if (letter === undefined) {
      throw new NotFoundError(`there is no dead letter #${id}`, 'List them with: perfrecon dlq list --all');
    }
    if (letter.replayed_at !== null) {
      return {
        deadLetter: id,
        status: 'already-replayed' as const,
        jobId: letter.replay_job_id,
        replayedAt: letter.replayed_at,
        replayedBy: letter.replayed_by,
        file: letter.file_name,
      };
    }
    if (letter.resolved_at !== null) {
      return {
        deadLetter: id,
        status: 'resolved' as const,
        resolution: letter.resolution,
        file: letter.file_name,
      };
    }
    const payload = letter.payload as unknown as IngestJobData;
    if (typeof payload.landingName !== 'string' || typeof payload.sha256 !== 'string') {
      throw new ConflictError(`dead letter #${id} does not hold an ingest job`, 'It cannot be replayed.');
    }
    const jobId = randomUUID();
    await setAuditActor(trx, context.actor);
    await markReplayed(trx, id, context.actor, jobId);
    if (letter.file_id !== null) {
      const file = await findFileById(trx, letter.file_id);
      const message = `replay of dead letter #${id} requested by ${context.actor}; job ${jobId}`;
      if (file !== undefined && file.status === 'FAILED') {
        await setFileStatus(trx, letter.file_id, {
          status: 'RECEIVED',
          step: 'replay',
          worker: context.actor,
          message,
        });
      } else if (file !== undefined) {
        await appendLog(trx, letter.file_id, {
          status: file.status,
          step: 'replay',
          worker: context.actor,
          message,
        });
      }
    }
    const data: IngestJobData = { ...payload, source: 'replay', replayOf: id };
    await context.boss.send(INGEST_QUEUE, data as unknown as object, {
      id: jobId,
      singletonKey: payload.sha256,
      db: fromKysely(trx),
    });
    return { deadLetter: id, status: 'replayed' as const, jobId, file: letter.file_name };
  });
}

export async function replayAllDeadLetters(context: ReplayContext): Promise<ReplayResult[]> {
  const open = await listDeadLetters(context.database.db, { state: 'open', limit: 10_000 });
  const results: ReplayResult[] = [];
  for (const letter of open.reverse()) results.push(await replayDeadLetter(context, letter.id));
  return results;
}
