import type { QuarantinedRow } from '../domain/read-row.ts';
import type { Executor } from './db/database.ts';

const BATCH = 500;

export async function insertQuarantined(
  db: Executor,
  fileId: number,
  rows: readonly QuarantinedRow[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) {
    await db
      .insertInto('quarantined_rows')
      .values(
        rows.slice(i, i + BATCH).map((row) => ({
          file_id: fileId,
          location: JSON.stringify(row.location),
          raw: JSON.stringify(row.raw),
          problems: JSON.stringify(row.problems),
        })),
      )
      .execute();
  }
}

export function quarantinedRows(db: Executor, fileId: number, limit = 1000) {
  return db
    .selectFrom('quarantined_rows')
    .selectAll()
    .where('file_id', '=', fileId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Delete a file's quarantined rows: those of an attempt that failed, or of an earlier attempt. */
export async function discardQuarantined(db: Executor, fileId: number): Promise<void> {
  await db.deleteFrom('quarantined_rows').where('file_id', '=', fileId).execute();
}
