// Outputs of the HTTP API alone: errors, health, uploads and pages of files.
import { type Static, Type } from 'typebox';
import { Nullable, StringEnum } from './common.ts';
import { FileItem } from './files.ts';

export const ApiError = Type.Object(
  {
    statusCode: Type.Integer(),
    error: Type.String({ description: 'the HTTP status text' }),
    code: Type.String({ description: 'NOT_FOUND, INVALID_INPUT, CONFLICT, FILE_REJECTED, VALIDATION…' }),
    message: Type.String({ description: 'what was wrong; for a parameter, its name and what is allowed' }),
    hint: Type.Optional(Type.String({ description: 'what to do about it' })),
    requestId: Type.String({ description: 'quote it when reporting a server error' }),
  },
  { $id: 'ApiError', description: 'every error response' },
);
export type ApiError = Static<typeof ApiError>;

export const Health = Type.Object({ status: StringEnum(['ok'] as const) });

const Check = StringEnum(['ok', 'failing', 'not configured'] as const);
export const Readiness = Type.Object({
  status: StringEnum(['ready', 'degraded', 'not ready'] as const, {
    description:
      'not ready (503) without the database or the queue; degraded (200) without Redis, which is optional: requests are then served uncached',
  }),
  checks: Type.Object({ database: Check, queue: Check, redis: Check }),
});
export type Readiness = Static<typeof Readiness>;

export const UploadAccepted = Type.Object({
  jobId: Type.String({ description: 'the ingest job; the file gets its id when a worker records it' }),
  sha256: Type.String(),
  sizeBytes: Type.Integer(),
  originalName: Type.String({ description: 'the name as uploaded' }),
  storedName: Type.String({ description: 'the sanitised name the file is known by' }),
  statusUrl: Type.String({ description: 'GET it until the file is in a terminal status' }),
});
export type UploadAccepted = Static<typeof UploadAccepted>;

export const UploadStatus = Type.Object({
  jobId: Type.String(),
  job: StringEnum(['created', 'retry', 'active', 'completed', 'cancelled', 'failed', 'unknown'] as const, {
    description: 'the ingest job (failed: dead-lettered, see the file)',
  }),
  file: Nullable(FileItem),
});
export type UploadStatus = Static<typeof UploadStatus>;

export const FilePage = Type.Object({
  items: Type.Array(FileItem),
  nextCursor: Nullable(Type.String({ description: 'pass as `cursor` for the next page; null on the last' })),
});
export type FilePage = Static<typeof FilePage>;
