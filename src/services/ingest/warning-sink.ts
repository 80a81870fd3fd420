// Warnings of one ingest (per row: a value defaulted, a negative amount, a period repeated
// exactly; per file: schema drift), streamed to the database in batches as they are found
// (issue 10, item 18). The summary keeps their count and the first few, as text.
import { formatLocation, type SourceLocation } from '../../domain/errors.ts';
import type { Executor } from '../../store/db/database.ts';
import { discardWarnings, insertWarnings } from '../../store/file-warning-repository.ts';
import { type BatchedSink, batchedSink } from './batched-sink.ts';

export interface IngestWarning {
  /** null: about the whole file. */
  location: SourceLocation | null;
  message: string;
}

export type WarningSink = BatchedSink<IngestWarning, string>;

export function describeWarning(warning: IngestWarning): string {
  return warning.location === null
    ? warning.message
    : `${formatLocation(warning.location)}: ${warning.message}`;
}

/** `fileId` null (a dry run): warnings are counted and sampled, never written. */
export function warningSink(db: Executor, fileId: number | null, sampleSize: number): WarningSink {
  return batchedSink(
    db,
    fileId === null
      ? null
      : {
          write: (through, warnings, first) =>
            insertWarnings(
              through,
              fileId,
              warnings.map((w, i) => ({ seq: first + i, location: w.location, message: w.message })),
            ),
          discard: (through) => discardWarnings(through, fileId),
        },
    describeWarning,
    sampleSize,
  );
}
