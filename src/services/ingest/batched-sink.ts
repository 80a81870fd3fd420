// What an ingest finds row by row (quarantined rows, warnings) is written to the database in
// batches as it is found, so a file with many such rows holds no more of them than a batch —
// plus their count and the first few, shown to the person. They are written outside the file's
// merge transaction: visible while the file is PROCESSING, deleted again if the ingest fails,
// and a retry starts by deleting its predecessor's.
import type { Executor } from '../../store/db/database.ts';

const BATCH = 500;

export interface SinkTarget<T> {
  /** Write rows; `first` is the position (from 1) of the first of them among all the rows added. */
  write(db: Executor, rows: readonly T[], first: number): Promise<void>;
  discard(db: Executor): Promise<void>;
}

export interface BatchedSink<T, S> {
  add(row: T): Promise<void>;
  /** Write what is pending (through `db` when given: inside a transaction). */
  flush(db?: Executor): Promise<void>;
  /** Take back everything this ingest wrote (it failed, or stores nothing). */
  discard(): Promise<void>;
  readonly count: number;
  /** The first rows, described. */
  readonly sample: S[];
}

/** `target` null (a dry run): rows are counted and sampled, never written. */
export function batchedSink<T, S>(
  db: Executor,
  target: SinkTarget<T> | null,
  describe: (row: T) => S,
  sampleSize: number,
): BatchedSink<T, S> {
  let pending: T[] = [];
  let count = 0;
  let written = 0;
  const sample: S[] = [];
  const flush = async (through: Executor = db) => {
    if (target !== null && pending.length > 0) await target.write(through, pending, written + 1);
    written += pending.length;
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
      written = 0;
      if (target !== null) await target.discard(db);
    },
    get count() {
      return count;
    },
    sample,
  };
}
