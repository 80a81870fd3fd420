// A file's warnings (one row each, in the order found), written in batches during its ingest.
import type { SourceLocation } from '../domain/errors.ts';
import type { Executor } from './db/database.ts';

export interface FileWarning {
  /** Position among the file's warnings, from 1. */
  seq: number;
  /** Where in the file; null for a warning about the whole file. */
  location: SourceLocation | null;
  message: string;
}

const BATCH = 1000;

export async function insertWarnings(
  db: Executor,
  fileId: number,
  warnings: readonly FileWarning[],
): Promise<void> {
  for (let i = 0; i < warnings.length; i += BATCH) {
    await db
      .insertInto('file_warnings')
      .values(
        warnings.slice(i, i + BATCH).map((w) => ({
          file_id: fileId,
          seq: w.seq,
          location: w.location === null ? null : JSON.stringify(w.location),
          message: w.message,
        })),
      )
      .execute();
  }
}

/** A page of a file's warnings after position `afterSeq`, in order. */
export async function fileWarnings(
  db: Executor,
  fileId: number,
  page: { afterSeq: number; limit: number },
): Promise<FileWarning[]> {
  const rows = await db
    .selectFrom('file_warnings')
    .select(['seq', 'location', 'message'])
    .where('file_id', '=', fileId)
    .where('seq', '>', page.afterSeq)
    .orderBy('seq')
    .limit(page.limit)
    .execute();
  return rows.map((row) => ({ seq: row.seq, location: row.location, message: row.message }));
}

export async function countWarnings(db: Executor, fileId: number): Promise<number> {
  const row = await db
    .selectFrom('file_warnings')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('file_id', '=', fileId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Delete a file's warnings: those of an attempt that failed, or of an earlier attempt. */
export async function discardWarnings(db: Executor, fileId: number): Promise<void> {
  await db.deleteFrom('file_warnings').where('file_id', '=', fileId).execute();
}
