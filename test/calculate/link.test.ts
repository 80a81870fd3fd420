// Linking over consecutive periods only, and the cumulative series.
import { describe, expect, it } from 'vitest';
import {
  cumulativeSeries,
  type DatedReturn,
  linkConsecutive,
  linkReturns,
} from '../../src/calculate/index.ts';

const r = (
  periodStart: string,
  periodEnd: string,
  value: number | null,
  undefinedReason?: string,
): DatedReturn => ({
  periodStart,
  periodEnd,
  value,
  ...(undefinedReason === undefined ? {} : { undefinedReason }),
});

const quarter = [
  r('2023-12-31', '2024-01-31', 0.01),
  r('2024-01-31', '2024-02-29', -0.02),
  r('2024-02-29', '2024-03-31', 0.03),
];

describe('linkReturns', () => {
  it('links consecutive periods geometrically', () => {
    const result = linkReturns(quarter, '2023-12-31', '2024-03-31');
    expect(result.cumulativeReturn).toBeCloseTo(1.01 * 0.98 * 1.03 - 1, 15);
    expect(result).toMatchObject({
      periods: 3,
      days: 91,
      gaps: [],
      overlaps: [],
      undefinedReason: null,
      detail: null,
    });
  });

  it('takes the periods in any order', () => {
    const reversed = linkReturns([...quarter].reverse(), '2023-12-31', '2024-03-31');
    expect(reversed.cumulativeReturn).toBe(linkReturns(quarter, '2023-12-31', '2024-03-31').cumulativeReturn);
  });

  it('reports a gap in the middle with its dates and links nothing over it', () => {
    const result = linkReturns([quarter[0], quarter[2]] as DatedReturn[], '2023-12-31', '2024-03-31');
    expect(result.cumulativeReturn).toBeNull();
    expect(result.undefinedReason).toBe('GAP_IN_PERIODS');
    expect(result.gaps).toEqual([{ from: '2024-01-31', to: '2024-02-29' }]);
    expect(result.detail).toMatch(/2024-01-31 → 2024-02-29/);
  });

  it('reports uncovered stretches at both ends of the range as gaps', () => {
    const result = linkReturns([quarter[1]] as DatedReturn[], '2023-12-31', '2024-03-31');
    expect(result.gaps).toEqual([
      { from: '2023-12-31', to: '2024-01-31' },
      { from: '2024-02-29', to: '2024-03-31' },
    ]);
    expect(result.cumulativeReturn).toBeNull();
  });

  it('reports overlapping and duplicate periods', () => {
    const duplicate = linkReturns([...quarter, quarter[1] as DatedReturn], '2023-12-31', '2024-03-31');
    expect(duplicate.undefinedReason).toBe('OVERLAPPING_PERIODS');
    expect(duplicate.overlaps).toEqual([{ from: '2024-01-31', to: '2024-02-29' }]);
    const nested = linkReturns(
      [...quarter, r('2024-02-10', '2024-02-11', 0.001)],
      '2023-12-31',
      '2024-03-31',
    );
    expect(nested.overlaps).toEqual([{ from: '2024-02-10', to: '2024-02-11' }]);
    expect(nested.cumulativeReturn).toBeNull();
  });

  it('an undefined period return makes the cumulative undefined, naming the period and its reason', () => {
    const result = linkReturns(
      [quarter[0], r('2024-01-31', '2024-02-29', null, 'NO_INVESTED_CAPITAL'), quarter[2]] as DatedReturn[],
      '2023-12-31',
      '2024-03-31',
    );
    expect(result.cumulativeReturn).toBeNull();
    expect(result.undefinedReason).toBe('UNDEFINED_PERIOD_RETURN');
    expect(result.detail).toMatch(/2024-01-31 → 2024-02-29 is undefined \(NO_INVESTED_CAPITAL\)/);
  });

  it('treats NaN or Infinity handed in as undefined, never as a number', () => {
    const result = linkReturns([r('2023-12-31', '2024-01-31', Number.NaN)], '2023-12-31', '2024-01-31');
    expect(result.cumulativeReturn).toBeNull();
    expect(result.undefinedReason).toBe('UNDEFINED_PERIOD_RETURN');
  });

  it('links a total loss (-100%) to -100%, but not a return below -100%', () => {
    const totalLoss = linkReturns(
      [quarter[0], r('2024-01-31', '2024-02-29', -1), quarter[2]] as DatedReturn[],
      '2023-12-31',
      '2024-03-31',
    );
    expect(totalLoss.cumulativeReturn).toBe(-1);
    const below = linkReturns([r('2023-12-31', '2024-01-31', -1.5)], '2023-12-31', '2024-01-31');
    expect(below.cumulativeReturn).toBeNull();
    expect(below.undefinedReason).toBe('RETURN_BELOW_MINUS_100_PERCENT');
  });

  it('leaves out a period reaching outside the range, with a warning, and reports its stretch as a gap', () => {
    const result = linkReturns(quarter, '2024-01-15', '2024-03-31');
    expect(result.warnings).toEqual([expect.stringMatching(/2023-12-31 → 2024-01-31 reaches outside/)]);
    expect(result.gaps).toEqual([{ from: '2024-01-15', to: '2024-01-31' }]);
    expect(result.periods).toBe(2);
  });

  it('ignores periods wholly outside the range', () => {
    const result = linkReturns(quarter, '2024-01-31', '2024-02-29');
    expect(result.cumulativeReturn).toBeCloseTo(-0.02, 15);
    expect(result.warnings).toEqual([]);
  });

  it('says when no period lies in the range, and when the range itself is invalid', () => {
    expect(linkReturns(quarter, '2025-01-31', '2025-02-28').undefinedReason).toBe('NO_PERIODS');
    expect(linkReturns(quarter, '2024-03-31', '2023-12-31').undefinedReason).toBe('INVALID_RANGE');
    expect(linkReturns(quarter, '2024-03-31', '2024-03-31').undefinedReason).toBe('INVALID_RANGE');
    expect(linkReturns(quarter, '2024-02-30', '2024-03-31').undefinedReason).toBe('INVALID_RANGE');
  });

  it('warns about and leaves out a period with invalid dates', () => {
    const result = linkReturns([...quarter, r('2024-02-30', '2024-03-31', 0)], '2023-12-31', '2024-03-31');
    expect(result.warnings).toEqual([expect.stringMatching(/invalid dates/)]);
    expect(result.cumulativeReturn).not.toBeNull();
  });

  it('keeps the digits of a tiny cumulative return (no 1 + r rounding)', () => {
    const tiny = linkReturns(
      [r('2023-12-31', '2024-01-31', 1e-18), r('2024-01-31', '2024-02-29', 2e-18)],
      '2023-12-31',
      '2024-02-29',
    );
    expect(tiny.cumulativeReturn).toBeCloseTo(3e-18, 30);
    expect((tiny.cumulativeReturn as number) / 3e-18).toBeCloseTo(1, 12);
  });
});

describe('linkConsecutive', () => {
  it('links numbers and refuses a missing or impossible one', () => {
    expect(linkConsecutive([0.1, 0.1])).toBeCloseTo(0.21, 15);
    expect(linkConsecutive(new Float64Array([0.5, -0.5]))).toBeCloseTo(-0.25, 15);
    expect(linkConsecutive([])).toBe(0);
    expect(linkConsecutive([0.1, null])).toBeNull();
    expect(linkConsecutive([0.1, -1.01])).toBeNull();
    expect(linkConsecutive([Number.NaN])).toBeNull();
  });
});

describe('cumulativeSeries', () => {
  it('gives each period end its return and the linked return so far', () => {
    const series = cumulativeSeries(quarter);
    expect(series.map((point) => point.periodEnd)).toEqual(['2024-01-31', '2024-02-29', '2024-03-31']);
    expect(series[0]?.cumulativeReturn).toBeCloseTo(0.01, 15);
    expect(series[1]?.cumulativeReturn).toBeCloseTo(1.01 * 0.98 - 1, 15);
    expect(series[2]?.cumulativeReturn).toBeCloseTo(1.01 * 0.98 * 1.03 - 1, 15);
    expect(series[2]?.periodReturn).toBe(0.03);
  });

  it('sorts the periods by date', () => {
    expect(cumulativeSeries([...quarter].reverse())).toEqual(cumulativeSeries(quarter));
  });

  it('stops the cumulative at an undefined period and never links over it', () => {
    const series = cumulativeSeries([
      quarter[0],
      r('2024-01-31', '2024-02-29', null),
      quarter[2],
    ] as DatedReturn[]);
    expect(series.map((point) => point.cumulativeReturn === null)).toEqual([false, true, true]);
    expect(series[2]?.periodReturn).toBe(0.03);
  });

  it('stops the cumulative at a gap or an overlap', () => {
    const gap = cumulativeSeries([quarter[0], quarter[2]] as DatedReturn[]);
    expect(gap.map((point) => point.cumulativeReturn === null)).toEqual([false, true]);
    const overlap = cumulativeSeries([...quarter, r('2024-02-15', '2024-02-29', 0)]);
    expect(overlap.map((point) => point.cumulativeReturn === null)).toEqual([false, false, true, true]);
  });

  it('is empty for no periods', () => {
    expect(cumulativeSeries([])).toEqual([]);
  });
});
