// The account return report printed by `perfrecon returns ACCOUNT --json`, and calendar dates.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accountReturnReport, type PeriodInput } from '../../src/calculate/index.ts';
import { dayNumber, dayToIso, isIsoDate } from '../../src/domain/civil-date.ts';

const month = (
  periodStart: string,
  periodEnd: string,
  beginMarketValue: number,
  endMarketValue: number,
  fees: number | null = null,
): PeriodInput => ({
  periodStart,
  periodEnd,
  beginMarketValue,
  endMarketValue,
  flows: [],
  fees,
});

const history: PeriodInput[] = [
  month('2022-12-31', '2023-06-30', 1000, 1100, 5),
  month('2023-06-30', '2023-12-31', 1100, 1210, 5),
  month('2023-12-31', '2024-06-30', 1210, 1331, 5),
];

describe('accountReturnReport', () => {
  it('prints the agreed snake_case keys', () => {
    const report = accountReturnReport('ACC-1', history, '2022-12-31', '2024-06-30');
    expect(Object.keys(report)).toEqual([
      'account_id',
      'from',
      'to',
      'cumulative_return',
      'annualized_return',
      'periods',
      'days',
      'gaps',
      'warnings',
      'undefined_reason',
      'basis',
      'calculation_version',
    ]);
    expect(report).toMatchObject({
      account_id: 'ACC-1',
      from: '2022-12-31',
      to: '2024-06-30',
      periods: 3,
      days: 547,
    });
    expect(report.cumulative_return).toBeCloseTo(0.331, 14);
    expect(report.annualized_return).toBeCloseTo(1.331 ** (365 / 547) - 1, 14);
    expect(report.undefined_reason).toBeNull();
    expect(report.warnings).toEqual([]);
  });

  it('does not annualize a range of one year', () => {
    const report = accountReturnReport('ACC-1', history, '2022-12-31', '2023-12-31');
    expect(report.cumulative_return).toBeCloseTo(0.21, 14);
    expect(report.annualized_return).toBeNull();
  });

  it('computes the gross basis and says so', () => {
    const report = accountReturnReport('ACC-1', history.slice(0, 1), '2022-12-31', '2023-06-30', {
      conventions: { basis: 'gross' },
    });
    expect(report.cumulative_return).toBeCloseTo(0.105, 14);
    expect(report.basis).toBe('gross');
  });

  it('reports gaps, the reason and a sentence, with no cumulative or annualized figure', () => {
    const report = accountReturnReport(
      'ACC-1',
      [history[0], history[2]] as PeriodInput[],
      '2022-12-31',
      '2024-06-30',
    );
    expect(report.cumulative_return).toBeNull();
    expect(report.annualized_return).toBeNull();
    expect(report.gaps).toEqual([{ from: '2023-06-30', to: '2023-12-31' }]);
    expect(report.undefined_reason).toBe('GAP_IN_PERIODS');
    expect(report.warnings.at(-1)).toMatch(/No period return covers 2023-06-30 → 2023-12-31/);
  });

  it('passes on period warnings and undefined periods with their dates', () => {
    const broken: PeriodInput[] = [
      {
        ...month('2022-12-31', '2023-06-30', 1000, 1600),
        flows: [{ date: '2023-03-31', amount: 500, timing: 'end_of_day' }],
      },
      month('2023-06-30', '2023-12-31', 0, 0),
    ];
    const report = accountReturnReport('ACC-2', broken, '2022-12-31', '2023-12-31');
    expect(report.undefined_reason).toBe('UNDEFINED_PERIOD_RETURN');
    expect(report.warnings).toEqual([
      expect.stringMatching(/^2022-12-31 → 2023-06-30: LARGE_FLOW_NO_VALUATION: /),
      expect.stringMatching(/^2023-06-30 → 2023-12-31: NO_INVESTED_CAPITAL: /),
      expect.stringMatching(/undefined \(NO_INVESTED_CAPITAL\)/),
    ]);
  });

  it('uses the 365.25-day year when asked', () => {
    const report = accountReturnReport('ACC-1', history, '2022-12-31', '2024-06-30', { daysInYear: 365.25 });
    expect(report.annualized_return).toBeCloseTo(1.331 ** (365.25 / 547) - 1, 14);
  });
});

describe('calendar dates', () => {
  const utcDay = (year: number, month: number, day: number) => {
    const date = new Date(0);
    date.setUTCFullYear(year, month - 1, day);
    return Math.round(date.getTime() / 86_400_000);
  };

  it('counts days like Date.UTC for every date of years 1-9999, and prints them back', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9999 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        (year, month, day) => {
          const text = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
          const probe = new Date(0);
          probe.setUTCFullYear(year, month - 1, day);
          const real = probe.getUTCDate() === day;
          expect(isIsoDate(text)).toBe(real);
          if (real) {
            expect(dayNumber(text)).toBe(utcDay(year, month, day));
            expect(dayToIso(dayNumber(text))).toBe(text);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('rejects text that is not a date', () => {
    for (const text of [
      '2024-1-05',
      '2024/01/05',
      '20240105',
      '2023-02-29',
      '2024-00-10',
      '2024-04-31',
      '0000-01-01',
      ' 2024-01-05',
      'abcd-ef-gh',
    ]) {
      expect(dayNumber(text)).toBeNaN();
    }
    expect(dayNumber('2024-02-29')).toBe(19782);
  });
});
