// Quarantined rows of one ingest, streamed to the database in batches as they are found.
import { formatLocation } from '../../domain/errors.ts';
import type { QuarantinedRow } from '../../domain/read-row.ts';
import type { Executor } from '../../store/db/database.ts';
import { discardQuarantined, insertQuarantined } from '../../store/quarantine-repository.ts';
import { type BatchedSink, batchedSink } from './batched-sink.ts';

export type QuarantineSink = BatchedSink<QuarantinedRow, { location: string; problems: string[] }>;

function describe(row: QuarantinedRow) {
  return {
    location: formatLocation(row.location),
    problems: row.problems.map((p) =>
      [p.column ?? p.field, p.value != null ? `"${p.value}"` : undefined, p.reason]
        .filter(Boolean)
        .join(': '),
    ),
  };
}

/** `fileId` null (a dry run): rows are counted and sampled, never written. */
export function quarantineSink(db: Executor, fileId: number | null, sampleSize: number): QuarantineSink {
  return batchedSink(
    db,
    fileId === null
      ? null
      : {
          write: (through, rows) => insertQuarantined(through, fileId, rows),
          discard: (through) => discardQuarantined(through, fileId),
        },
    describe,
    sampleSize,
  );
}
