// What `perfrecon breaks list|show|ack|resolve|approve --json` prints and the API returns.
import { type Static, Type } from 'typebox';
import { BREAK_STATUSES } from '../domain/reconciliation.ts';
import { Decimal, IsoDate, Nullable, StringEnum, Timestamp } from './common.ts';

const Actor = Type.String({ description: 'cli:<os user>, api:<token name>, worker:<host:pid>…' });

export const BreakView = Type.Object({
  id: Type.Integer(),
  accountId: Type.String(),
  check: Type.String({ description: 'RETURN_VS_VENDOR, CONTINUITY, MISSING_PERIOD, CROSS_VENDOR_RETURN…' }),
  vendorCode: Type.String(),
  counterparty: Type.String({ description: 'the other vendor of a cross-vendor check, else empty' }),
  periodStart: IsoDate,
  periodEnd: IsoDate,
  status: StringEnum(BREAK_STATUSES),
  ageDays: Type.Integer({ description: 'days open (until resolved or cleared)' }),
  ageBucket: Type.String(),
  openedAt: Timestamp,
  occurrences: Type.Integer({ description: 'runs that found it' }),
  varianceBps: Nullable(Type.Number()),
  varianceAmount: Nullable(Decimal),
  expected: Nullable(Decimal),
  observed: Nullable(Decimal),
  cause: Nullable(Type.String({ description: 'the most likely cause, or null when none fits' })),
  message: Type.String(),
  explanation: Nullable(Type.Record(Type.String(), Type.Unknown())),
  tolerance: Type.Record(Type.String(), Type.Unknown()),
  inputs: Type.Record(Type.String(), Type.Unknown(), { description: 'the figures checked, with lineage' }),
  acknowledged: Nullable(Type.Object({ by: Actor, at: Timestamp, comment: Nullable(Type.String()) })),
  resolved: Nullable(Type.Object({ by: Actor, at: Timestamp, comment: Nullable(Type.String()) })),
  approved: Nullable(Type.Object({ by: Actor, at: Timestamp })),
  reopened: Nullable(
    Type.Object(
      { by: Actor, at: Timestamp, comment: Nullable(Type.String()) },
      { description: 'the last reopening' },
    ),
  ),
  cleared: Nullable(Type.Object({ run: Type.Integer(), at: Timestamp })),
  openedRun: Type.Integer(),
  lastSeenRun: Type.Integer(),
});
export type BreakView = Static<typeof BreakView>;

export const BreakDetail = Type.Intersect([
  BreakView,
  Type.Object({
    history: Type.Array(
      Type.Object({
        action: Type.String(),
        actor: Actor,
        at: Timestamp,
        status: Nullable(Type.String()),
        comment: Nullable(Type.String()),
      }),
      { description: 'every audited change, oldest first' },
    ),
  }),
]);
export type BreakDetail = Static<typeof BreakDetail>;
