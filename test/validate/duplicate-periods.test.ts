// A file that reports one account and period twice: with other figures both rows are
// quarantined, each naming the other; with the same figures the period is stored once.
import { describe, expect, it } from 'vitest';
import type { CanonicalPeriod } from '../../src/domain/canonical.ts';
import type { MappedPeriod } from '../../src/domain/read-row.ts';
import { createQualityCheck } from '../../src/validate/quality.ts';

const period = (row: number, endMarketValue: string, accountId = 'ACC-1'): MappedPeriod => {
  const record: CanonicalPeriod = {
    accountId,
    periodStart: '2024-01-31',
    periodEnd: '2024-02-29',
    currency: 'USD',
    beginMarketValue: '100',
    endMarketValue,
    flows: [],
    income: null,
    fees: null,
    vendorReturn: null,
    returnBasis: 'gross',
  };
  return { ok: true, record, location: { file: 'f.csv', row }, fieldSources: {}, warnings: [] };
};

const reason = (others: string) =>
  `account ACC-1 period 2024-01-31..2024-02-29 is reported more than once with different figures (also at ${others}); a file may report a period once, so none of these rows is stored`;

describe('periods reported twice in one file', () => {
  it('quarantines both rows of a contradiction, each naming the other', () => {
    const quality = createQualityCheck();
    expect(quality.check(period(2, '110'))).toEqual({ problems: [] });
    expect(quality.check(period(3, '120', 'ACC-2'))).toEqual({ problems: [] });
    expect(quality.check(period(5, '111'))).toEqual({ problems: [{ reason: reason('f.csv, row 2') }] });
    expect(quality.withdrawn()).toEqual([
      {
        key: { accountId: 'ACC-1', periodStart: '2024-01-31', periodEnd: '2024-02-29' },
        location: { file: 'f.csv', row: 2 },
        problems: [{ reason: reason('f.csv, row 5') }],
      },
    ]);
  });

  it('names every later row, and quarantines an exact repeat once the period is contradicted', () => {
    const quality = createQualityCheck();
    quality.check(period(2, '110'));
    quality.check(period(5, '111'));
    expect(quality.check(period(7, '110'))).toEqual({ problems: [{ reason: reason('f.csv, row 2') }] });
    expect(quality.withdrawn()[0]?.problems).toEqual([{ reason: reason('f.csv, row 5 and row 7') }]);
  });

  it('stores an exact repeat once, pointing at the first row', () => {
    const quality = createQualityCheck();
    quality.check(period(2, '110'));
    expect(quality.check(period(4, '110'))).toEqual({ problems: [], repeatOf: 'f.csv, row 2' });
    expect(quality.withdrawn()).toEqual([]);
  });
});
