// What the API returns for accounts and their stored periods.
import { type Static, Type } from 'typebox';
import { Decimal, IsoDate, Nullable, Timestamp } from './common.ts';

export const AccountItem = Type.Object({
  accountId: Type.String(),
  currency: Type.String(),
  firstSeenAt: Timestamp,
  vendors: Type.Array(
    Type.Object({
      vendorCode: Type.String(),
      firstDate: IsoDate,
      lastDate: IsoDate,
      periods: Type.Integer(),
    }),
    { description: 'who reports the account, and over which dates' },
  ),
});
export type AccountItem = Static<typeof AccountItem>;

export const AccountPage = Type.Object({
  items: Type.Array(AccountItem),
  nextCursor: Nullable(Type.String({ description: 'pass as `cursor` for the next page; null on the last' })),
});
export type AccountPage = Static<typeof AccountPage>;

export const PeriodItem = Type.Object({
  vendorCode: Type.String(),
  periodStart: IsoDate,
  periodEnd: IsoDate,
  currency: Type.String(),
  beginMarketValue: Decimal,
  endMarketValue: Decimal,
  income: Nullable(Decimal),
  fees: Nullable(Decimal),
  vendorReturn: Nullable(Decimal),
  returnBasis: Type.String({ description: 'gross or net of fees' }),
  calculatedReturn: Nullable(Decimal),
  undefinedReason: Nullable(Type.String({ description: 'why there is no calculated return' })),
  calculationVersion: Nullable(Type.String()),
  fileId: Type.Integer({ description: 'the file the figures came from' }),
});
export type PeriodItem = Static<typeof PeriodItem>;
