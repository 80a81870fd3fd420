// Files taken in: the list and one file's detail (timeline, quarantined rows, dead letters) for
// the CLI and the API, and the steps the pipeline records on a file as it moves it along.
import { timestamp } from '../contracts/common.ts';
import type { FileDetail, FileItem, FileWarningPage, QuarantinedRowItem } from '../contracts/files.ts';
import { NotFoundError } from '../domain/errors.ts';
import type { Database } from '../store/db/database.ts';
import { listDeadLetters } from '../store/dead-letter-repository.ts';
import {
  appendLog,
  auditRefusedData,
  type FileFilter,
  findFileById,
  findFileBySha,
  type LogEntry,
  listFiles as listFileRows,
  type StatusChange,
  setFileStatus,
  setStoredPath,
} from '../store/file-repository.ts';
import { countWarnings, fileWarnings } from '../store/file-warning-repository.ts';
import { quarantinedRows } from '../store/quarantine-repository.ts';
import { deadLetterItem } from './dead-letters.ts';
import { fileTimelineOf } from './file-timeline.ts';

export interface FilesDeps {
  database: Database;
}

export type FileRecord = NonNullable<Awaited<ReturnType<typeof findFileById>>>;

const QUARANTINE_SHOWN = 20;
const WARNINGS_SHOWN = 20;

export function fileItem(row: FileRecord): FileItem {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    sha256: row.sha256,
    vendor: row.vendor_code,
    configVersion: row.config_version,
    sizeBytes: row.size_bytes,
    receivedAt: timestamp(row.received_at),
    statusChangedAt: timestamp(row.status_changed_at),
    rowsRead: row.rows_read,
    rowsStored: row.rows_stored,
    rowsQuarantined: row.rows_quarantined,
    storedPath: row.stored_path,
    error: row.error,
  };
}

export async function listFiles(
  deps: FilesDeps,
  filter: FileFilter & { limit: number },
): Promise<FileItem[]> {
  return (await listFileRows(deps.database.db, filter)).map(fileItem);
}

/** The file taken in with these bytes, if a worker has recorded it yet. */
export async function fileWithContent(deps: FilesDeps, sha256: string): Promise<FileItem | null> {
  const row = await findFileBySha(deps.database.db, sha256);
  return row === undefined ? null : fileItem(row);
}

async function findFileOrFail(deps: FilesDeps, id: number): Promise<FileRecord> {
  const file = await findFileById(deps.database.db, id);
  if (file === undefined)
    throw new NotFoundError(`there is no file #${id}`, 'List files with: perfrecon files list');
  return file;
}

export async function showFile(deps: FilesDeps, id: number): Promise<FileDetail> {
  const db = deps.database.db;
  const file = await findFileOrFail(deps, id);
  const quarantined: QuarantinedRowItem[] = (await quarantinedRows(db, id, QUARANTINE_SHOWN)).map((q) => ({
    location: q.location,
    problems: q.problems,
    raw: q.raw,
  }));
  return {
    file: fileItem(file),
    timeline: await fileTimelineOf(deps, id),
    quarantined,
    warningCount: await countWarnings(db, id),
    warnings: await fileWarnings(db, id, { afterSeq: 0, limit: WARNINGS_SHOWN }),
    deadLetters: (await listDeadLetters(db, { state: 'all', fileId: id, limit: 1000 })).map(deadLetterItem),
  };
}

/** A page of a file's warnings, in the order found, after position `after` (0: from the first). */
export async function listFileWarnings(
  deps: FilesDeps,
  id: number,
  page: { after: number; limit: number },
): Promise<FileWarningPage> {
  await findFileOrFail(deps, id);
  const rows = await fileWarnings(deps.database.db, id, { afterSeq: page.after, limit: page.limit + 1 });
  const items = rows.slice(0, page.limit);
  return { items, nextCursor: rows.length > page.limit ? String(items.at(-1)?.seq) : null };
}

// The pipeline's steps on a file.

export function findFileByContent(deps: FilesDeps, sha256: string): Promise<FileRecord | undefined> {
  return findFileBySha(deps.database.db, sha256);
}

/** A line on the file's log that changes nothing else (a second arrival, a note). */
export async function noteOnFile(deps: FilesDeps, fileId: number, entry: LogEntry): Promise<void> {
  await appendLog(deps.database.db, fileId, entry);
}

/**
 * Where the landed copy lies now, with the log line saying so when given: together, so a rerun
 * that finds the file moved but not recorded records both.
 */
export async function recordFileLocation(
  deps: FilesDeps,
  fileId: number,
  storedPath: string,
  entry?: LogEntry,
): Promise<void> {
  await deps.database.db.transaction().execute(async (trx) => {
    await setStoredPath(trx, fileId, storedPath);
    if (entry !== undefined) await appendLog(trx, fileId, entry);
  });
}

/** The database refused the file's data: audited with the database's details, the file REJECTED. */
export async function rejectRefusedData(
  deps: FilesDeps,
  fileId: number,
  refusal: { actor: string; details: Record<string, unknown>; change: StatusChange },
): Promise<void> {
  await deps.database.db.transaction().execute(async (trx) => {
    await auditRefusedData(trx, fileId, refusal.actor, refusal.details);
    await setFileStatus(trx, fileId, refusal.change);
  });
}
