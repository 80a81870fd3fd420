// What `perfrecon files list|show --json` prints and the API returns for files taken in.
import { type Static, Type } from 'typebox';
import { FILE_STATUSES } from '../domain/file-status.ts';
import { Nullable, SourceLocation, StringEnum, Timestamp } from './common.ts';
import { DeadLetterItem } from './dead-letters.ts';
import { TimelineEntry } from './timeline.ts';

export const FileStatus = StringEnum(FILE_STATUSES, {
  description: 'RECEIVED → PROCESSING → SUCCEEDED | QUARANTINED | REJECTED, or FAILED (dead-lettered)',
});

export const FileItem = Type.Object({
  id: Type.Integer({ description: 'file id' }),
  name: Type.String({ description: 'the name the file arrived with' }),
  status: FileStatus,
  sha256: Type.String({ description: 'SHA-256 of the bytes, hex; the same bytes are taken in once' }),
  vendor: Nullable(Type.String({ description: 'vendor code, once resolved' })),
  configVersion: Nullable(Type.String({ description: 'vendor configuration version that read it' })),
  sizeBytes: Type.Integer(),
  receivedAt: Timestamp,
  statusChangedAt: Timestamp,
  rowsRead: Nullable(Type.Integer()),
  rowsStored: Nullable(Type.Integer()),
  rowsQuarantined: Nullable(Type.Integer()),
  storedPath: Nullable(Type.String({ description: 'where the landed copy lies now' })),
  error: Nullable(Type.String({ description: 'why the file was rejected or failed' })),
});
export type FileItem = Static<typeof FileItem>;

export const RowProblem = Type.Object({
  field: Type.Optional(Type.String({ description: 'canonical field' })),
  column: Type.Optional(Type.String({ description: 'source column or path' })),
  value: Type.Optional(Nullable(Type.String({ description: 'the value as written' }))),
  reason: Type.String(),
});

export const QuarantinedRowItem = Type.Object({
  location: SourceLocation,
  problems: Type.Array(RowProblem),
  raw: Type.Record(Type.String(), Type.Unknown(), { description: 'the row as read' }),
});
export type QuarantinedRowItem = Static<typeof QuarantinedRowItem>;

export const FileWarningItem = Type.Object({
  seq: Type.Integer({
    description: "position among the file's warnings, from 1 (the cursor of the next page)",
  }),
  location: Type.Union([SourceLocation, Type.Null()], {
    description: 'where in the file; null for a warning about the whole file',
  }),
  message: Type.String(),
});
export type FileWarningItem = Static<typeof FileWarningItem>;

export const FileWarningPage = Type.Object({
  items: Type.Array(FileWarningItem),
  nextCursor: Nullable(Type.String({ description: 'pass as `cursor` for the next page; null on the last' })),
});
export type FileWarningPage = Static<typeof FileWarningPage>;

export const FileDetail = Type.Object({
  file: FileItem,
  timeline: Type.Array(TimelineEntry, { description: 'every state change, oldest first' }),
  quarantined: Type.Array(QuarantinedRowItem, { description: 'the first quarantined rows' }),
  warningCount: Type.Integer({
    description: 'warnings stored with the file (values defaulted, rows repeated…)',
  }),
  warnings: Type.Array(FileWarningItem, {
    description: 'the first warnings; page through all of them with /warnings',
  }),
  deadLetters: Type.Array(DeadLetterItem),
});
export type FileDetail = Static<typeof FileDetail>;
