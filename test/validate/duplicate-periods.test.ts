// A file that reports one account and period twice: with other figures both rows are
// quarantined, each naming the other; with the same figures the period is stored once. The rows
// are found over the staged rows (store/period-repository.ts) and settled here, in file order.
import { describe, expect, it } from 'vitest';
import type { RepeatedPeriod } from '../../src/domain/read-row.ts';
import { settleRepeats } from '../../src/validate/quality.ts';

const KEY = { accountId: 'ACC-1', periodStart: '2024-01-31', periodEnd: '2024-02-29' };

const row = (seq: number, figures: string) => ({
  seq,
  location: { file: 'f.csv', row: seq },
  figures,
  record: { ...KEY, endMarketValue: figures },
});

const repeated = (...rows: ReturnType<typeof row>[]): RepeatedPeriod => ({ ...KEY, rows });

const reason = (others: string) =>
  `account ACC-1 period 2024-01-31..2024-02-29 is reported more than once with different figures (also at ${others}); a file may report a period once, so none of these rows is stored`;

describe('periods reported twice in one file', () => {
  it('quarantines both rows of a contradiction, each naming the other', () => {
    expect(settleRepeats([repeated(row(2, '110'), row(5, '111'))])).toEqual({
      unstage: [5, 2],
      warnings: [],
      quarantined: [
        {
          location: { file: 'f.csv', row: 5 },
          raw: { ...KEY, endMarketValue: '111' },
          problems: [{ reason: reason('f.csv, row 2') }],
        },
        { location: { file: 'f.csv', row: 2 }, raw: KEY, problems: [{ reason: reason('f.csv, row 5') }] },
      ],
    });
  });

  it('names every later row, and quarantines an exact repeat once the period is contradicted', () => {
    const settled = settleRepeats([repeated(row(2, '110'), row(5, '111'), row(7, '110'))]);
    expect(settled.unstage.sort()).toEqual([2, 5, 7]);
    expect(settled.quarantined.map((q) => [q.location.row, q.problems])).toEqual([
      [5, [{ reason: reason('f.csv, row 2') }]],
      [7, [{ reason: reason('f.csv, row 2') }]],
      [2, [{ reason: reason('f.csv, row 5 and row 7') }]],
    ]);
  });

  it('stores an exact repeat once, pointing at the first row', () => {
    expect(settleRepeats([repeated(row(2, '110'), row(4, '110'))])).toEqual({
      unstage: [4],
      warnings: [
        {
          location: { file: 'f.csv', row: 4 },
          message: 'repeats f.csv, row 2 exactly; the period is stored once',
        },
      ],
      quarantined: [],
    });
  });
});
