// Annualization (only beyond one year, leap years, the Feb 29 anniversary) and standard spans.
import { describe, expect, it } from 'vitest';
import { annualize, isLongerThanOneYear, type Span, spanRange } from '../../src/calculate/index.ts';
import { InvalidInputError } from '../../src/domain/errors.ts';

describe('annualize', () => {
  it('does not annualize 2015-12-31 → 2016-12-31: one (leap) year of 366 days', () => {
    expect(annualize(0.1, '2015-12-31', '2016-12-31')).toBeNull();
    expect(isLongerThanOneYear('2015-12-31', '2016-12-31')).toBe(false);
  });

  it('does not annualize any span shorter than a year', () => {
    expect(annualize(0.05, '2024-01-31', '2024-07-31')).toBeNull();
    expect(annualize(0.05, '2024-06-30', '2025-06-29')).toBeNull();
  });

  it('annualizes from the day after the anniversary: (1 + R)^(365 / days) - 1', () => {
    // 2015-12-31 → 2017-01-01 is 367 days.
    expect(annualize(0.1, '2015-12-31', '2017-01-01')).toBeCloseTo(1.1 ** (365 / 367) - 1, 15);
  });

  it('counts the leap day: two years across 2016 are 731 days', () => {
    expect(annualize(0.21, '2015-12-31', '2017-12-31')).toBeCloseTo(1.21 ** (365 / 731) - 1, 15);
    expect(annualize(0.21, '2013-12-31', '2015-12-31')).toBeCloseTo(0.1, 15); // 730 days, no leap day
  });

  it('offers the 365.25-day year', () => {
    expect(annualize(0.21, '2015-12-31', '2017-12-31', 365.25)).toBeCloseTo(1.21 ** (365.25 / 731) - 1, 15);
  });

  it('takes the anniversary of Feb 29 to be Feb 28 (month-end rule)', () => {
    expect(annualize(0.1, '2024-02-29', '2025-02-28')).toBeNull();
    expect(annualize(0.1, '2024-02-29', '2025-03-01')).toBeCloseTo(1.1 ** (365 / 366) - 1, 15);
  });

  it('takes the anniversary of Feb 28 before a leap year to be Feb 29, so a 1Y month-end span is never annualized', () => {
    expect(annualize(0.1, '2023-02-28', '2024-02-29')).toBeNull();
    expect(annualize(0.1, '2023-02-28', '2024-03-01')).not.toBeNull();
    // A date that is not a month end keeps its day.
    expect(annualize(0.1, '2023-02-27', '2024-02-27')).toBeNull();
    expect(annualize(0.1, '2023-02-27', '2024-02-28')).not.toBeNull();
  });

  it('annualizes a total loss to -100% and refuses what is not a return', () => {
    expect(annualize(-1, '2015-12-31', '2018-12-31')).toBe(-1);
    expect(annualize(-1.2, '2015-12-31', '2018-12-31')).toBeNull();
    expect(annualize(Number.NaN, '2015-12-31', '2018-12-31')).toBeNull();
    expect(annualize(0.1, 'not a date', '2018-12-31')).toBeNull();
  });

  it('keeps the digits of a small return', () => {
    const annualized = annualize(1e-12, '2015-12-31', '2025-12-31') as number;
    expect(annualized / (1e-12 * (365 / 3653))).toBeCloseTo(1, 9);
  });
});

describe('spanRange', () => {
  const inception = '2010-06-30';
  const range = (span: Span, asOf: string, since = inception) => spanRange(span, asOf, since);

  it('MTD starts at the last day of the previous month (valuation-date convention)', () => {
    expect(range('MTD', '2024-05-15')).toEqual({ from: '2024-04-30', to: '2024-05-15' });
    expect(range('MTD', '2024-03-31')).toEqual({ from: '2024-02-29', to: '2024-03-31' });
    expect(range('MTD', '2024-01-10')).toEqual({ from: '2023-12-31', to: '2024-01-10' });
  });

  it('QTD starts at the last day of the previous quarter', () => {
    expect(range('QTD', '2024-05-15')).toEqual({ from: '2024-03-31', to: '2024-05-15' });
    expect(range('QTD', '2024-03-31')).toEqual({ from: '2023-12-31', to: '2024-03-31' });
    expect(range('QTD', '2024-10-01')).toEqual({ from: '2024-09-30', to: '2024-10-01' });
  });

  it('YTD starts at December 31 of the previous year', () => {
    expect(range('YTD', '2024-05-15')).toEqual({ from: '2023-12-31', to: '2024-05-15' });
    expect(range('YTD', '2024-12-31')).toEqual({ from: '2023-12-31', to: '2024-12-31' });
  });

  it('1Y, 3Y and 5Y go back whole years with the month-end rule', () => {
    expect(range('1Y', '2024-05-15')).toEqual({ from: '2023-05-15', to: '2024-05-15' });
    expect(range('3Y', '2024-04-30')).toEqual({ from: '2021-04-30', to: '2024-04-30' });
    expect(range('5Y', '2024-02-29')).toEqual({ from: '2019-02-28', to: '2024-02-29' });
    expect(range('1Y', '2025-02-28')).toEqual({ from: '2024-02-29', to: '2025-02-28' });
  });

  it('ITD starts at inception', () => {
    expect(range('ITD', '2024-05-15')).toEqual({ from: inception, to: '2024-05-15' });
  });

  it('MTD, QTD and YTD of a young account start at inception; 1Y to 5Y are never shortened', () => {
    expect(range('YTD', '2024-05-15', '2024-02-15')).toEqual({ from: '2024-02-15', to: '2024-05-15' });
    expect(range('MTD', '2024-05-15', '2024-05-03')).toEqual({ from: '2024-05-03', to: '2024-05-15' });
    expect(range('3Y', '2024-05-15', '2023-02-15')).toEqual({ from: '2021-05-15', to: '2024-05-15' });
  });

  it('a 1Y span is never annualized, whichever February it crosses', () => {
    for (const asOf of ['2024-02-29', '2025-02-28', '2024-03-31', '2024-12-31', '2025-01-15']) {
      const { from, to } = range('1Y', asOf);
      expect(annualize(0.1, from, to)).toBeNull();
      const three = range('3Y', asOf);
      expect(annualize(0.1, three.from, three.to)).not.toBeNull();
    }
  });

  it('rejects dates that are not dates and an as-of date not after inception', () => {
    expect(() => range('MTD', '2024-02-30')).toThrow(InvalidInputError);
    expect(() => range('MTD', '2024-05-15', 'yesterday')).toThrow(InvalidInputError);
    expect(() => range('ITD', '2010-06-30')).toThrow(/not after the inception/);
    expect(() => range('2Y' as Span, '2024-05-15')).toThrow(/span/);
  });
});
