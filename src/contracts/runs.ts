// What the API returns for reconciliation runs.
import { type Static, Type } from 'typebox';
import { Nullable, StringEnum, Timestamp } from './common.ts';

export const RunItem = Type.Object({
  id: Type.Integer(),
  trigger: StringEnum(['manual', 'ingest', 'schedule'] as const),
  actor: Type.String(),
  status: StringEnum(['QUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'ABANDONED'] as const, {
    description:
      'QUEUED: waiting for a worker (perfrecon worker, or serve); ABANDONED: its process stopped beating (killed), marked so by the next worker or run',
  }),
  inputs: Type.Record(Type.String(), Type.Unknown(), {
    description: 'the range, vendor and accounts asked for',
  }),
  startedAt: Type.String({
    format: 'date-time',
    description: 'when a worker began it (while QUEUED: when it was queued)',
  }),
  finishedAt: Nullable(Timestamp),
  summary: Nullable(
    Type.Record(Type.String(), Type.Unknown(), {
      description: 'checks, passes, failures, pass rate, per vendor, worst breaks, breaks opened/cleared',
    }),
  ),
  error: Nullable(Type.String()),
});
export type RunItem = Static<typeof RunItem>;

export const RunStarted = Type.Object({
  runId: Type.Integer(),
  status: Type.Literal('QUEUED', { description: 'a worker takes it (perfrecon worker, or serve)' }),
  statusUrl: Type.String({ description: 'GET it to follow the run' }),
});
export type RunStarted = Static<typeof RunStarted>;
