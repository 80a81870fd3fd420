// Dead letters: jobs that failed for good, kept with their file for a replay.
import type { DeadLetterState } from '../domain/job.ts';
import type { Executor } from './db/database.ts';

export interface NewDeadLetter {
  jobId: string;
  deadLetterJobId: string;
  queue: string;
  fileId: number | null;
  sha256: string;
  fileName: string;
  landingName: string;
  storedPath: string | null;
  attempts: number;
  error: string;
  payload: Record<string, unknown>;
}

/** Record a dead letter once per failed job; returns its id and whether this call created it. */
export async function recordDeadLetter(
  db: Executor,
  letter: NewDeadLetter,
): Promise<{ id: number; created: boolean }> {
  const inserted = await db
    .insertInto('dead_letters')
    .values({
      job_id: letter.jobId,
      dead_letter_job_id: letter.deadLetterJobId,
      queue: letter.queue,
      file_id: letter.fileId,
      sha256: letter.sha256,
      file_name: letter.fileName,
      landing_name: letter.landingName,
      stored_path: letter.storedPath,
      attempts: letter.attempts,
      error: letter.error,
      payload: JSON.stringify(letter.payload),
    })
    .onConflict((oc) => oc.column('job_id').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted !== undefined) return { id: inserted.id, created: true };
  const existing = await db
    .selectFrom('dead_letters')
    .select('id')
    .where('job_id', '=', letter.jobId)
    .executeTakeFirstOrThrow();
  return { id: existing.id, created: false };
}

export async function setDeadLetterPath(db: Executor, id: number, storedPath: string): Promise<void> {
  await db.updateTable('dead_letters').set({ stored_path: storedPath }).where('id', '=', id).execute();
}

export function findDeadLetter(db: Executor, id: number) {
  return db
    .selectFrom('dead_letters')
    .leftJoin('files', 'files.id', 'dead_letters.file_id')
    .selectAll('dead_letters')
    .select('files.status as file_status')
    .where('dead_letters.id', '=', id)
    .executeTakeFirst();
}

/** The dead letter, locked for the rest of the caller's transaction (a replay decision). */
export function lockDeadLetter(db: Executor, id: number) {
  return db.selectFrom('dead_letters').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export function findDeadLetterByJob(db: Executor, jobId: string) {
  return db.selectFrom('dead_letters').selectAll().where('job_id', '=', jobId).executeTakeFirst();
}

export function listDeadLetters(
  db: Executor,
  filter: { state?: DeadLetterState | 'all'; fileId?: number; limit?: number },
) {
  let query = db
    .selectFrom('dead_letters')
    .leftJoin('files', 'files.id', 'dead_letters.file_id')
    .selectAll('dead_letters')
    .select('files.status as file_status')
    .orderBy('dead_letters.id', 'desc')
    .limit(filter.limit ?? 100);
  const state = filter.state ?? 'open';
  if (state === 'open') query = query.where('replayed_at', 'is', null).where('resolved_at', 'is', null);
  if (state === 'replayed') query = query.where('replayed_at', 'is not', null);
  if (state === 'resolved') query = query.where('resolved_at', 'is not', null);
  if (filter.fileId !== undefined) query = query.where('dead_letters.file_id', '=', filter.fileId);
  return query.execute();
}

export async function markReplayed(
  db: Executor,
  id: number,
  actor: string,
  replayJobId: string,
): Promise<void> {
  await db
    .updateTable('dead_letters')
    .set({ replayed_at: new Date(), replayed_by: actor, replay_job_id: replayJobId })
    .where('id', '=', id)
    .execute();
}

/** Close the open dead letters of a file that a later job has taken in after all. */
export async function resolveDeadLettersOfFile(
  db: Executor,
  fileId: number,
  resolution: string,
): Promise<number> {
  const result = await db
    .updateTable('dead_letters')
    .set({ resolved_at: new Date(), resolution })
    .where('file_id', '=', fileId)
    .where('replayed_at', 'is', null)
    .where('resolved_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
