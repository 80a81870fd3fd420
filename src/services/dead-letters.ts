// Dead letters: a job that exhausted its retries (or failed for a reason only an operator can
// fix) is recorded with its file; an operator lists them, reads one, and replays it once the
// cause is fixed. A replay queues a new job in the same transaction that records who asked.
import { randomUUID } from 'node:crypto';
import { type Cache, tags } from '../cache/index.ts';
import { optionalTimestamp, timestamp } from '../contracts/common.ts';
import type { DeadLetterDetail, DeadLetterItem, ReplayResult } from '../contracts/dead-letters.ts';
import { ConflictError, NotFoundError } from '../domain/errors.ts';
import { type FileStatus, isTerminal } from '../domain/file-status.ts';
import type { DeadLetterState, IngestJobData } from '../domain/job.ts';
import type { Database, Executor } from '../store/db/database.ts';
import {
  findDeadLetter,
  findDeadLetterByJob,
  recordDeadLetter as insertDeadLetter,
  listDeadLetters as listDeadLetterRows,
  lockDeadLetter,
  markReplayed,
  resolveDeadLettersOfFile as resolveOpenDeadLetters,
  setDeadLetterPath,
} from '../store/dead-letter-repository.ts';
import {
  appendLog,
  findFileById,
  findFileBySha,
  recordFile,
  setFileStatus,
  setStoredPath,
} from '../store/file-repository.ts';
import { setAuditActor } from '../store/vendor-repository.ts';
import { fileTimelineOf } from './file-timeline.ts';

/** Queues an ingest job inside the caller's transaction (the pipeline's queue implements it). */
export interface IngestJobSender {
  send(data: IngestJobData, options: { id: string; transaction: Executor }): Promise<void>;
}

export interface DeadLetterDeps {
  database: Database;
}

type DeadLetterRow = Awaited<ReturnType<typeof listDeadLetterRows>>[number];

export function deadLetterItem(row: DeadLetterRow): DeadLetterItem {
  return {
    id: row.id,
    state: row.replayed_at !== null ? 'replayed' : row.resolved_at !== null ? 'resolved' : 'open',
    fileId: row.file_id,
    fileName: row.file_name,
    fileStatus: row.file_status,
    sha256: row.sha256,
    jobId: row.job_id,
    queue: row.queue,
    attempts: row.attempts,
    error: row.error,
    deadLetteredAt: timestamp(row.dead_lettered_at),
    storedPath: row.stored_path,
    replayedAt: optionalTimestamp(row.replayed_at),
    replayedBy: row.replayed_by,
    replayJobId: row.replay_job_id,
    resolvedAt: optionalTimestamp(row.resolved_at),
    resolution: row.resolution,
  };
}

export async function listDeadLetters(
  deps: DeadLetterDeps,
  filter: { state: DeadLetterState | 'all'; limit: number },
): Promise<DeadLetterItem[]> {
  return (await listDeadLetterRows(deps.database.db, filter)).map(deadLetterItem);
}

export async function showDeadLetter(deps: DeadLetterDeps, id: number): Promise<DeadLetterDetail> {
  const letter = await findDeadLetter(deps.database.db, id);
  if (letter === undefined) {
    throw new NotFoundError(`there is no dead letter #${id}`, 'List them with: perfrecon dlq list --all');
  }
  return {
    deadLetter: deadLetterItem(letter),
    timeline: letter.file_id === null ? [] : await fileTimelineOf(deps, letter.file_id),
  };
}

/** The dead letter of a job, once the pipeline has recorded it. */
export async function deadLetterOfJob(
  deps: DeadLetterDeps,
  jobId: string,
): Promise<{ id: number; error: string } | undefined> {
  const letter = await findDeadLetterByJob(deps.database.db, jobId);
  return letter === undefined ? undefined : { id: letter.id, error: letter.error };
}

export interface FailedJob {
  /** The job that failed, and its copy in the dead-letter queue. */
  jobId: string;
  deadLetterJobId: string;
  queue: string;
  data: IngestJobData;
  attempts: number;
  error: string;
  /** Where the file lies if it was never recorded (failed before the file was). */
  landedPath: string;
  worker: string;
  actor: string;
}

export interface RecordedDeadLetter {
  id: number;
  fileId: number;
  fileStatus: FileStatus;
}

/**
 * Record a failed job once (a second call for the same job changes nothing): the file FAILED
 * with a message that names the replay, or, when its data was stored already and only a later
 * step failed, a line on its log.
 */
export async function recordDeadLetter(
  deps: DeadLetterDeps & { cache?: Pick<Cache, 'invalidate'> | undefined },
  job: FailedJob,
): Promise<RecordedDeadLetter> {
  const { data, attempts, error } = job;
  const recorded = await deps.database.db.transaction().execute(async (trx) => {
    await setAuditActor(trx, job.actor);
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
        storedPath: job.landedPath,
      });
      file = await findFileById(trx, newId);
    }
    if (file === undefined)
      throw new Error(`file ${data.sha256} vanished while its dead letter was recorded`);
    const letter = await insertDeadLetter(trx, {
      jobId: job.jobId,
      deadLetterJobId: job.deadLetterJobId,
      queue: job.queue,
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
      if (isTerminal(file.status)) {
        // The data was stored; what failed came after (filing the file away). A replay finishes it.
        await appendLog(trx, file.id, {
          status: file.status,
          step: 'dead-letter',
          attempt: attempts,
          worker: job.worker,
          error: `job ${job.jobId} dead-lettered after the data was stored: ${error}; dead letter #${letter.id}`,
        });
      } else {
        await setFileStatus(trx, file.id, {
          status: 'FAILED',
          step: 'dead-letter',
          attempt: attempts,
          worker: job.worker,
          error: `${error} — gave up after ${attempts} attempts (dead letter #${letter.id}). Fix the cause, then: perfrecon dlq replay ${letter.id}`,
        });
      }
    }
    return { id: letter.id, fileId: file.id, fileStatus: file.status };
  });
  // The dashboard's open count is cached: retire it once the letter is committed.
  await deps.cache?.invalidate([tags.deadLetters]);
  return recorded;
}

/** Where a dead letter's file is kept for the replay (and the file's own record, unless it is done). */
export async function recordDeadLetterLocation(
  deps: DeadLetterDeps,
  letter: RecordedDeadLetter,
  storedPath: string,
): Promise<void> {
  await deps.database.db.transaction().execute(async (trx) => {
    await setDeadLetterPath(trx, letter.id, storedPath);
    if (!isTerminal(letter.fileStatus)) await setStoredPath(trx, letter.fileId, storedPath);
  });
}

/** Close the open dead letters of a file that a later job has taken in after all. */
export async function resolveDeadLettersOfFile(
  deps: DeadLetterDeps,
  fileId: number,
  resolution: string,
): Promise<number> {
  return resolveOpenDeadLetters(deps.database.db, fileId, resolution);
}

export interface ReplayDeps extends DeadLetterDeps {
  jobs: IngestJobSender;
  /** A replay retires the cached reads that count open dead letters (the dashboard). */
  cache: Pick<Cache, 'invalidate'>;
  actor: string;
}

/**
 * Replay a dead letter: one new job for the same landed file, sent in the transaction that
 * records the replay (audited, and logged on the file). Replaying it again does nothing; and
 * should two jobs ever run, the file's SHA-256 makes the second a no-op.
 */
export async function replayDeadLetter(deps: ReplayDeps, id: number): Promise<ReplayResult> {
  const result = await deps.database.db.transaction().execute(async (trx): Promise<ReplayResult> => {
    const letter = await lockDeadLetter(trx, id);
    if (letter === undefined) {
      throw new NotFoundError(`there is no dead letter #${id}`, 'List them with: perfrecon dlq list --all');
    }
    const result = {
      deadLetter: id,
      file: letter.file_name,
      jobId: letter.replay_job_id,
      replayedAt: optionalTimestamp(letter.replayed_at),
      replayedBy: letter.replayed_by,
      resolution: letter.resolution,
    };
    if (letter.replayed_at !== null) return { ...result, status: 'already-replayed' };
    if (letter.resolved_at !== null) return { ...result, status: 'resolved' };
    const payload = letter.payload as unknown as IngestJobData;
    if (typeof payload.landingName !== 'string' || typeof payload.sha256 !== 'string') {
      throw new ConflictError(`dead letter #${id} does not hold an ingest job`, 'It cannot be replayed.');
    }
    const jobId = randomUUID();
    await setAuditActor(trx, deps.actor);
    await markReplayed(trx, id, deps.actor, jobId);
    if (letter.file_id !== null) {
      const file = await findFileById(trx, letter.file_id);
      const message = `replay of dead letter #${id} requested by ${deps.actor}; job ${jobId}`;
      if (file?.status === 'FAILED') {
        await setFileStatus(trx, letter.file_id, {
          status: 'RECEIVED',
          step: 'replay',
          worker: deps.actor,
          message,
        });
      } else if (file !== undefined) {
        await appendLog(trx, letter.file_id, {
          status: file.status,
          step: 'replay',
          worker: deps.actor,
          message,
        });
      }
    }
    await deps.jobs.send({ ...payload, source: 'replay', replayOf: id }, { id: jobId, transaction: trx });
    return { ...result, status: 'replayed', jobId, replayedAt: null, replayedBy: null };
  });
  if (result.status === 'replayed') await deps.cache.invalidate([tags.deadLetters]);
  return result;
}

export async function replayAllDeadLetters(deps: ReplayDeps): Promise<ReplayResult[]> {
  const open = await listDeadLetterRows(deps.database.db, { state: 'open', limit: 10_000 });
  const results: ReplayResult[] = [];
  for (const letter of open.reverse()) results.push(await replayDeadLetter(deps, letter.id));
  return results;
}
