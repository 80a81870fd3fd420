// What `perfrecon tolerances list --json` prints and the API returns for stored tolerance rules.
import { type Static, Type } from 'typebox';
import { Decimal, IsoDate, Nullable, Timestamp } from './common.ts';

export const ToleranceItem = Type.Object({
  accountId: Type.String({ description: "an account, or '*' for any" }),
  vendorCode: Type.String({ description: "a vendor, or '*' for any" }),
  effectiveFrom: IsoDate,
  effectiveTo: Nullable(IsoDate),
  returnBps: Nullable(Type.Number({ description: 'return tolerance in basis points' })),
  marketValueAbs: Nullable(Decimal),
  marketValueRel: Nullable(Type.Number({ description: 'a fraction of the value (0.0001 = 1 bp)' })),
  comment: Nullable(Type.String()),
  updatedBy: Type.String(),
  updatedAt: Timestamp,
});
export type ToleranceItem = Static<typeof ToleranceItem>;
