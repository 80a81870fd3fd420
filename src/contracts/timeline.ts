// A file's processing log, as every output that shows it prints it.
import { type Static, Type } from 'typebox';
import { Nullable, Timestamp } from './common.ts';

export const TimelineEntry = Type.Object({
  at: Timestamp,
  status: Type.String({ description: 'a file status, or DUPLICATE for a second arrival' }),
  step: Type.String({
    description: 'intake, validate, read, store, reconcile, archive, dead-letter, replay…',
  }),
  attempt: Type.Integer(),
  worker: Nullable(Type.String()),
  rowsRead: Nullable(Type.Integer()),
  rowsStored: Nullable(Type.Integer()),
  rowsUpdated: Nullable(Type.Integer()),
  rowsQuarantined: Nullable(Type.Integer()),
  durationMs: Nullable(Type.Integer()),
  message: Nullable(Type.String()),
  error: Nullable(Type.String()),
});
export type TimelineEntry = Static<typeof TimelineEntry>;
