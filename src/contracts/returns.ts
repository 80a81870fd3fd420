// What `perfrecon returns ACCOUNT --json` prints and the API returns: the linked time-weighted
// return of an account between two valuation dates. These ten keys, in this order, are a
// contract (issue #2): add a key only as a new, optional one at the end.
import { type Static, Type } from 'typebox';
import { IsoDate, Nullable } from './common.ts';

const DateRange = Type.Object({ from: IsoDate, to: IsoDate });

export const SeriesPoint = Type.Object({
  periodEnd: IsoDate,
  periodReturn: Nullable(Type.Number({ description: "the period's return, a fraction" })),
  cumulativeReturn: Nullable(
    Type.Number({ description: 'linked from the first period; null after a gap or an undefined period' }),
  ),
  vendorReturn: Type.Optional(
    Nullable(Type.Number({ description: 'the return the vendor reported for the period, a fraction' })),
  ),
  vendorCumulativeReturn: Type.Optional(
    Nullable(
      Type.Number({
        description:
          "the vendor's reported returns linked the same way; null from a period it reported none for",
      }),
    ),
  ),
});
export type SeriesPoint = Static<typeof SeriesPoint>;

export const ReturnsReport = Type.Object({
  account_id: Type.String(),
  from: Type.String({ description: 'start valuation date: the begin market value of the span' }),
  to: Type.String({ description: 'end valuation date' }),
  cumulative_return: Nullable(Type.Number({ description: 'linked return over the span, a fraction' })),
  annualized_return: Nullable(
    Type.Number({ description: '(1+R)^(365/days) − 1, only for spans longer than one year' }),
  ),
  periods: Type.Integer({ description: 'stored periods linked' }),
  days: Type.Integer({ description: 'calendar days from `from` to `to`' }),
  gaps: Type.Array(DateRange, { description: 'ranges no stored period covers (never linked over)' }),
  warnings: Type.Array(Type.String()),
  undefined_reason: Nullable(Type.String({ description: 'why there is no return (named, never NaN)' })),
  series: Type.Optional(Type.Array(SeriesPoint, { description: 'with --series: period by period' })),
});
export type ReturnsReport = Static<typeof ReturnsReport>;
