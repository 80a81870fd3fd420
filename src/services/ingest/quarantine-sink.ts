// Quarantined rows of one ingest, streamed to the database in batches as they are found, so a
// file with many bad rows holds no more of them than a batch (and the first few, shown to the
// person). They are written outside the file's merge transaction: visible while the file is
// PROCESSING, deleted again if the ingest fails, and a retry starts by deleting its predecessor's.
import { formatLocation } from '../../domain/errors.ts';
import type { QuarantinedRow } from '../../domain/read-row.ts';
import type { Executor } from '../../store/db/database.ts';
import { discardQuarantined, insertQuarantined } from '../../store/quarantine-repository.ts';

const BATCH = 500;

export interface QuarantineSink {
  add(row: QuarantinedRow): Promise<void>;
  /** Write what is pending. */
  flush(): Promise<void>;
  /** Take back everything this ingest wrote (it failed, or stores nothing). */
  discard(): Promise<void>;
  readonly count: number;
  /** The first rows, with their location and reasons. */
  readonly sample: { location: string; problems: string[] }[];
}

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
  let pending: QuarantinedRow[] = [];
  let count = 0;
  const sample: QuarantineSink['sample'] = [];
  const flush = async () => {
    if (fileId !== null && pending.length > 0) await insertQuarantined(db, fileId, pending);
    pending = [];
  };
  return {
    async add(row) {
      count++;
      if (sample.length < sampleSize) sample.push(describe(row));
      pending.push(row);
      if (pending.length >= BATCH) await flush();
    },
    flush,
    async discard() {
      pending = [];
      if (fileId !== null) await discardQuarantined(db, fileId);
    },
    get count() {
      return count;
    },
    sample,
  };
}
