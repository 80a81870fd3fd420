// What `perfrecon lineage ACCOUNT PERIOD_END --json` prints and the API returns: a stored figure
// traced to its origin.
import { type Static, Type } from 'typebox';
import { Decimal, IsoDate, Nullable, SourceLocation, Timestamp } from './common.ts';

export const ReconciliationResultItem = Type.Object({
  runId: Type.Integer(),
  check: Type.String({ description: 'RETURN_VS_VENDOR, CONTINUITY, MISSING_PERIOD, CROSS_VENDOR_RETURN…' }),
  counterparty: Type.String({ description: 'the other vendor of a cross-vendor check, else empty' }),
  status: Type.String({ description: 'PASSED or FAILED' }),
  expected: Nullable(Decimal),
  observed: Nullable(Decimal),
  varianceBps: Nullable(Decimal),
  toleranceBps: Nullable(Decimal),
  cause: Nullable(Type.String()),
  message: Type.String(),
});
export type ReconciliationResultItem = Static<typeof ReconciliationResultItem>;

export const PeriodLineage = Type.Object({
  accountId: Type.String(),
  vendorCode: Type.String(),
  periodStart: IsoDate,
  periodEnd: IsoDate,
  figures: Type.Record(Type.String(), Nullable(Type.String()), {
    description: 'stored figures by canonical field (decimals as strings)',
  }),
  sourceLocation: SourceLocation,
  fieldSources: Type.Record(Type.String(), Type.String(), {
    description: 'canonical field → the source column or JSON path it was read from',
  }),
  flows: Type.Array(
    Type.Object({ seq: Type.Integer(), date: IsoDate, amount: Decimal, timing: Type.String() }),
  ),
  calculation: Type.Object({
    method: Nullable(Type.String()),
    version: Nullable(Type.String()),
    conventions: Nullable(Type.Record(Type.String(), Type.Unknown())),
    warnings: Type.Unknown(),
    undefinedReason: Nullable(Type.String()),
  }),
  file: Type.Object({
    id: Type.Integer(),
    sha256: Type.String(),
    name: Type.String(),
    receivedAt: Timestamp,
    vendorCode: Nullable(Type.String()),
    status: Type.String(),
    storedPath: Nullable(Type.String()),
  }),
  configuration: Type.Object({ version: Type.String(), recordedAt: Nullable(Timestamp) }),
  history: Type.Array(
    Type.Object({
      at: Timestamp,
      action: Type.String(),
      actor: Type.String(),
      fileId: Nullable(Type.Integer()),
      oldValues: Type.Record(Type.String(), Type.Unknown()),
    }),
    { description: 'earlier figures for the same key that a restatement replaced' },
  ),
  reconciliation: Type.Array(ReconciliationResultItem),
});
export type PeriodLineage = Static<typeof PeriodLineage>;
