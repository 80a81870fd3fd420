// A file's processing log in its public shape: the files and dead-letter views both show it.
import { timestamp } from '../contracts/common.ts';
import type { TimelineEntry } from '../contracts/timeline.ts';
import type { Database } from '../store/db/database.ts';
import { fileTimeline } from '../store/file-repository.ts';

export async function fileTimelineOf(deps: { database: Database }, fileId: number): Promise<TimelineEntry[]> {
  return (await fileTimeline(deps.database.db, fileId)).map((t) => ({
    at: timestamp(t.at),
    status: t.status,
    step: t.step,
    attempt: t.attempt,
    worker: t.worker,
    rowsRead: t.rows_read,
    rowsStored: t.rows_stored,
    rowsUpdated: t.rows_updated,
    rowsQuarantined: t.rows_quarantined,
    durationMs: t.duration_ms,
    message: t.message,
    error: t.error,
  }));
}
