// Files and their processing log: every state change of every file, with time and counts.

import type { FileStatus } from '../domain/file-status.ts';
import type { Executor } from './db/database.ts';

export interface NewFile {
  sha256: string;
  name: string;
  sizeBytes: number;
  vendorCode: string | null;
  configVersion: string | null;
  storedPath: string | null;
}

export interface LogEntry {
  status: string;
  step: string;
  attempt?: number;
  worker?: string | null;
  rowsRead?: number | null;
  rowsStored?: number | null;
  rowsUpdated?: number | null;
  rowsQuarantined?: number | null;
  durationMs?: number | null;
  message?: string | null;
  error?: string | null;
}

export function findFileBySha(db: Executor, sha256: string) {
  return db.selectFrom('files').selectAll().where('sha256', '=', sha256).executeTakeFirst();
}

export function findFileById(db: Executor, id: number) {
  return db.selectFrom('files').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Record a received file, or return the existing record for the same bytes. */
export async function recordFile(db: Executor, file: NewFile): Promise<{ id: number; created: boolean }> {
  const inserted = await db
    .insertInto('files')
    .values({
      sha256: file.sha256,
      name: file.name,
      size_bytes: file.sizeBytes,
      vendor_code: file.vendorCode,
      config_version: file.configVersion,
      stored_path: file.storedPath,
      status: 'RECEIVED',
    })
    .onConflict((oc) => oc.column('sha256').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted !== undefined) return { id: inserted.id, created: true };
  const existing = await findFileBySha(db, file.sha256);
  if (existing === undefined) throw new Error(`file ${file.sha256} vanished while being recorded`);
  return { id: existing.id, created: false };
}

export async function appendLog(db: Executor, fileId: number, entry: LogEntry): Promise<void> {
  await db
    .insertInto('etl_processing_log')
    .values({
      file_id: fileId,
      status: entry.status,
      step: entry.step,
      attempt: entry.attempt ?? 1,
      worker: entry.worker ?? null,
      rows_read: entry.rowsRead ?? null,
      rows_stored: entry.rowsStored ?? null,
      rows_updated: entry.rowsUpdated ?? null,
      rows_quarantined: entry.rowsQuarantined ?? null,
      duration_ms: entry.durationMs ?? null,
      message: entry.message ?? null,
      error: entry.error ?? null,
    })
    .execute();
}

export interface StatusChange extends LogEntry {
  status: FileStatus;
  header?: string[] | null;
  sourceFormat?: string | null;
}

/** Change a file's status and log the transition in the same statement batch. */
export async function setFileStatus(db: Executor, fileId: number, change: StatusChange): Promise<void> {
  await db
    .updateTable('files')
    .set({
      status: change.status,
      status_changed_at: new Date(),
      error: change.error ?? null,
      ...(change.rowsRead != null ? { rows_read: change.rowsRead } : {}),
      ...(change.rowsStored != null ? { rows_stored: change.rowsStored } : {}),
      ...(change.rowsQuarantined != null ? { rows_quarantined: change.rowsQuarantined } : {}),
      ...(change.header != null ? { header: JSON.stringify(change.header) } : {}),
      ...(change.sourceFormat != null ? { source_format: change.sourceFormat } : {}),
    })
    .where('id', '=', fileId)
    .execute();
  await appendLog(db, fileId, change);
}

export function fileTimeline(db: Executor, fileId: number) {
  return db
    .selectFrom('etl_processing_log')
    .selectAll()
    .where('file_id', '=', fileId)
    .orderBy('id')
    .execute();
}

export interface FileFilter {
  status?: FileStatus;
  vendorCode?: string;
  /** Received at or after / before these instants. */
  receivedFrom?: string;
  receivedBefore?: string;
  /** Files with a smaller id only: the next page after the file with this id. */
  beforeId?: number;
  limit?: number;
}

/** Files, newest first. */
export function listFiles(db: Executor, filter: FileFilter) {
  let query = db
    .selectFrom('files')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(filter.limit ?? 100);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.vendorCode !== undefined) query = query.where('vendor_code', '=', filter.vendorCode);
  if (filter.receivedFrom !== undefined)
    query = query.where('received_at', '>=', new Date(filter.receivedFrom));
  if (filter.receivedBefore !== undefined)
    query = query.where('received_at', '<', new Date(filter.receivedBefore));
  if (filter.beforeId !== undefined) query = query.where('id', '<', filter.beforeId);
  return query.execute();
}

/** The header of the vendor's last file of this layout that was taken in, for schema-drift messages. */
export async function lastGoodHeader(
  db: Executor,
  vendorCode: string,
  sourceFormat: string,
): Promise<string[] | undefined> {
  const row = await db
    .selectFrom('files')
    .select('header')
    .where('vendor_code', '=', vendorCode)
    .where('source_format', '=', sourceFormat)
    .where('status', 'in', ['SUCCEEDED', 'QUARANTINED'])
    .where('header', 'is not', null)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row?.header ?? undefined;
}

export async function setStoredPath(db: Executor, fileId: number, storedPath: string): Promise<void> {
  await db.updateTable('files').set({ stored_path: storedPath }).where('id', '=', fileId).execute();
}

/** A constraint violation or refused value: rolled back, and recorded in the audit log with its details. */
export async function auditRefusedData(
  db: Executor,
  fileId: number,
  actor: string,
  details: Record<string, unknown>,
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      table_name: 'files',
      row_key: JSON.stringify({ id: fileId }),
      action: 'DATA_REFUSED',
      old_values: null,
      new_values: JSON.stringify(details),
      actor,
    })
    .execute();
}
