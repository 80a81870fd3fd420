// What `perfrecon dlq … --json` prints and the API returns for dead letters.
import { type Static, Type } from 'typebox';
import { DEAD_LETTER_STATES } from '../domain/job.ts';
import { Nullable, StringEnum, Timestamp } from './common.ts';
import { TimelineEntry } from './timeline.ts';

export const DeadLetterItem = Type.Object({
  id: Type.Integer({ description: 'dead letter id' }),
  state: StringEnum(DEAD_LETTER_STATES, {
    description: 'open; replayed (a new job was queued); resolved (a later job took the file in)',
  }),
  fileId: Nullable(Type.Integer()),
  fileName: Type.String(),
  fileStatus: Nullable(Type.String()),
  sha256: Type.String(),
  jobId: Type.String({ description: 'the job that failed' }),
  queue: Type.String(),
  attempts: Type.Integer(),
  error: Type.String({ description: 'the last error' }),
  deadLetteredAt: Timestamp,
  storedPath: Nullable(Type.String({ description: 'where the file is kept for the replay' })),
  replayedAt: Nullable(Timestamp),
  replayedBy: Nullable(Type.String()),
  replayJobId: Nullable(Type.String()),
  resolvedAt: Nullable(Timestamp),
  resolution: Nullable(Type.String()),
});
export type DeadLetterItem = Static<typeof DeadLetterItem>;

export const DeadLetterDetail = Type.Object({
  deadLetter: DeadLetterItem,
  timeline: Type.Array(TimelineEntry, { description: "the file's processing log" }),
});
export type DeadLetterDetail = Static<typeof DeadLetterDetail>;

export const ReplayResult = Type.Object({
  deadLetter: Type.Integer(),
  file: Type.String(),
  status: StringEnum(['replayed', 'already-replayed', 'resolved'], {
    description: 'replayed now; replayed before (nothing done); resolved already (nothing done)',
  }),
  jobId: Nullable(Type.String({ description: 'the replay job' })),
  replayedAt: Nullable(Timestamp),
  replayedBy: Nullable(Type.String()),
  resolution: Nullable(Type.String()),
});
export type ReplayResult = Static<typeof ReplayResult>;
