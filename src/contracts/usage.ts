// What `perfrecon usage --json` prints and GET /api/v1/usage returns: use per vendor and day,
// the database's size by table and the right-sizing hint.
import { type Static, Type } from 'typebox';
import { IsoDate, Nullable } from './common.ts';

export const UsageDay = Type.Object({
  day: IsoDate,
  vendor: Type.String({ description: 'vendor code; empty for files refused before their vendor was known' }),
  files: Type.Integer({ description: 'files received' }),
  rowsRead: Type.Integer(),
  rowsStored: Type.Integer(),
  rowsQuarantined: Type.Integer(),
  bytesReceived: Type.Integer({ description: 'bytes of the files received' }),
  bytesStored: Type.Integer({ description: 'bytes of the files whose data was stored' }),
  jobs: Type.Integer({ description: 'job runs finished (retries count again)' }),
  cpuSeconds: Type.Number({
    description:
      "CPU seconds of the worker process during its jobs (jobs running at once share their process's)",
  }),
  wallSeconds: Type.Number({ description: 'wall time of the jobs' }),
});
export type UsageDay = Static<typeof UsageDay>;

export const TableSize = Type.Object({
  table: Type.String({ description: 'schema.table' }),
  bytes: Type.Integer({ description: 'with indexes and TOAST' }),
  rows: Type.Integer({ description: 'estimated by the planner' }),
});

export const RightSizing = Type.Object({
  workers: Type.Integer({ description: 'worker processes that ran jobs in the period' }),
  busyShare: Nullable(Type.Number({ description: 'busy share of their job slots (0-1)' })),
  meanWaitSeconds: Nullable(Type.Number({ description: 'mean time a job waited for a worker' })),
  suggestedWorkers: Nullable(Type.Integer()),
  hint: Type.String(),
});

export const UsageReport = Type.Object({
  from: IsoDate,
  to: IsoDate,
  days: Type.Array(UsageDay, { description: 'per day (UTC) and vendor, oldest first' }),
  totals: Type.Object({
    files: Type.Integer(),
    rowsStored: Type.Integer(),
    bytesReceived: Type.Integer(),
    cpuSeconds: Type.Number(),
    wallSeconds: Type.Number(),
  }),
  database: Type.Object({ bytes: Type.Integer(), tables: Type.Array(TableSize) }),
  rightSizing: RightSizing,
});
export type UsageReport = Static<typeof UsageReport>;
