import { describe, expect, it } from 'vitest';
import {
  ANY,
  type AppliedTolerance,
  checkReturn,
  ToleranceBook,
  type ToleranceRule,
  withinMarketValueTolerance,
} from '../../src/reconcile/index.ts';
import { period } from './builders.ts';

function rule(overrides: Partial<ToleranceRule>): ToleranceRule {
  return {
    accountId: ANY,
    vendorCode: ANY,
    effectiveFrom: '2000-01-01',
    effectiveTo: null,
    returnBps: null,
    marketValueAbs: null,
    marketValueRel: null,
    ...overrides,
  };
}

describe('tolerance resolution: account → vendor → global → 1 bp', () => {
  const rules = [
    rule({ returnBps: 3 }),
    rule({ vendorCode: 'admin', returnBps: 5, marketValueRel: 0.001 }),
    rule({ accountId: 'ACC-1', returnBps: 7 }),
    rule({ accountId: 'ACC-1', vendorCode: 'admin', returnBps: 9, effectiveFrom: '2024-03-01' }),
    rule({
      accountId: 'ACC-2',
      vendorCode: 'admin',
      returnBps: 2,
      effectiveFrom: '2024-01-01',
      effectiveTo: '2024-01-31',
    }),
  ];
  const book = new ToleranceBook(rules, (vendor) => (vendor === 'custodian' ? { returnBps: 4 } : {}));

  it('takes the most specific level that sets a value', () => {
    expect(book.resolve('ACC-1', 'admin', '2024-03-31')).toMatchObject({
      returnBps: 9,
      returnSource: 'account+vendor',
    });
    expect(book.resolve('ACC-1', 'admin', '2024-02-29')).toMatchObject({
      returnBps: 7,
      returnSource: 'account',
    });
    expect(book.resolve('ACC-9', 'admin', '2024-02-29')).toMatchObject({
      returnBps: 5,
      returnSource: 'vendor',
    });
    expect(book.resolve('ACC-9', 'custodian', '2024-02-29')).toMatchObject({
      returnBps: 4,
      returnSource: 'vendor-config',
    });
    expect(book.resolve('ACC-9', 'other', '2024-02-29')).toMatchObject({
      returnBps: 3,
      returnSource: 'global',
    });
  });

  it('falls back to 1 bp and one cent when nothing is configured', () => {
    expect(new ToleranceBook([], () => ({})).resolve('ACC-1', 'x', '2024-01-31')).toEqual({
      returnBps: 1,
      returnSource: 'default',
      marketValueAbs: '0.01',
      marketValueRel: null,
      marketValueSource: 'default',
    });
  });

  it('is effective-dated on the valuation date, with an inclusive end', () => {
    expect(book.resolve('ACC-2', 'admin', '2024-01-31').returnBps).toBe(2);
    expect(book.resolve('ACC-2', 'admin', '2024-02-01').returnBps).toBe(5);
    expect(book.resolve('ACC-2', 'admin', '2023-12-31').returnBps).toBe(5);
  });

  it('uses the latest rule in force within a level', () => {
    const dated = new ToleranceBook(
      [
        rule({ returnBps: 10, effectiveFrom: '2023-01-01' }),
        rule({ returnBps: 0.5, effectiveFrom: '2024-01-01' }),
      ],
      () => ({}),
    );
    expect(dated.resolve('A', 'v', '2023-12-31').returnBps).toBe(10);
    expect(dated.resolve('A', 'v', '2024-01-01').returnBps).toBe(0.5);
  });

  it('resolves the market-value tolerance as one unit, separately from the return', () => {
    const resolved = book.resolve('ACC-1', 'admin', '2024-03-31');
    // The account rule sets only a return tolerance; the vendor rule's relative value applies.
    expect(resolved).toMatchObject({
      marketValueAbs: null,
      marketValueRel: 0.001,
      marketValueSource: 'vendor',
    });
  });
});

describe('market-value tolerance', () => {
  const tolerance = (abs: string | null, rel: number | null): AppliedTolerance => ({
    returnBps: 1,
    returnSource: 'default',
    marketValueAbs: abs,
    marketValueRel: rel,
    marketValueSource: 'default',
  });

  it('compares an absolute tolerance exactly in decimal', () => {
    expect(withinMarketValueTolerance('0.01', '1000', tolerance('0.01', null))).toBe(true);
    expect(withinMarketValueTolerance('-0.011', '1000', tolerance('0.01', null))).toBe(false);
  });

  it('passes within either the absolute or the relative part', () => {
    // 1e-5 of 1,000,000 is 10.
    expect(withinMarketValueTolerance('9.99', '1000000', tolerance('0.01', 0.00001))).toBe(true);
    expect(withinMarketValueTolerance('10.01', '1000000', tolerance('0.01', 0.00001))).toBe(false);
  });
});

describe("the return check honours the vendor's reported precision", () => {
  const zeroBps: AppliedTolerance = {
    returnBps: 0,
    returnSource: 'account',
    marketValueAbs: '0.01',
    marketValueRel: null,
    marketValueSource: 'default',
  };
  const p = (vendorReturn: string, calculatedReturn: string) =>
    period({ periodStart: '2023-12-31', periodEnd: '2024-01-31', vendorReturn, calculatedReturn });

  it('does not call a break what rounding to 2 decimals of a percent explains', () => {
    // 4.0213% printed as 4.02%: 0.13 bp, within half a unit of 0.01% (0.5 bp) even at 0 bp tolerance.
    const outcome = checkReturn(p('0.0402', '0.040213'), zeroBps, { decimals: 2, unit: 'percent' });
    expect(outcome?.result.status).toBe('PASSED');
    expect(outcome?.result.varianceBps).toBeCloseTo(-0.13, 9);
    expect(outcome?.result.tolerance.roundingBps).toBe(0.5);
    expect(outcome?.result.message).toMatch(/explained by the vendor's rounding/);
  });

  it('fails a difference larger than the rounding', () => {
    // 4.03% vs 4.0213%: 0.87 bp > 0.5 bp.
    const outcome = checkReturn(p('0.0403', '0.040213'), zeroBps, { decimals: 2, unit: 'percent' });
    expect(outcome?.result.status).toBe('FAILED');
    expect(outcome?.result.varianceBps).toBeCloseTo(0.87, 9);
  });

  it('infers the precision from the digits when none is configured, never coarser than 0.01%', () => {
    expect(checkReturn(p('0.0402', '0.040213'), zeroBps, null)?.result.status).toBe('PASSED');
    // "0.04" is read as 0.0400 (0.5 bp), not as whole percent (50 bp): 3 bp is a break.
    expect(checkReturn(p('0.04', '0.0403'), zeroBps, null)?.result.status).toBe('FAILED');
    expect(checkReturn(p('0.04', '0.0403'), zeroBps, { decimals: 0, unit: 'percent' })?.result.status).toBe(
      'PASSED',
    );
  });

  it('states precision in bps units too', () => {
    // 402 bp printed with no decimals: half a bp.
    expect(checkReturn(p('0.0402', '0.04024'), zeroBps, { decimals: 0, unit: 'bps' })?.result.status).toBe(
      'PASSED',
    );
    expect(checkReturn(p('0.0402', '0.04026'), zeroBps, { decimals: 0, unit: 'bps' })?.result.status).toBe(
      'FAILED',
    );
  });

  it('adds the tolerance to the rounding and reports the variance as vendor minus ours', () => {
    const oneBp = { ...zeroBps, returnBps: 1 };
    const outcome = checkReturn(p('0.0415', '0.0413'), oneBp, { decimals: 2, unit: 'percent' });
    expect(outcome?.result.varianceBps).toBeCloseTo(2, 9);
    expect(outcome?.result.status).toBe('FAILED');
    expect(checkReturn(p('0.0414', '0.0413'), oneBp, null)?.result.status).toBe('PASSED');
  });

  it('skips a period without a vendor return and fails one whose return we cannot compute', () => {
    expect(
      checkReturn(period({ periodStart: '2023-12-31', periodEnd: '2024-01-31' }), zeroBps, null),
    ).toBeUndefined();
    const undefinedOurs = period({
      periodStart: '2023-12-31',
      periodEnd: '2024-01-31',
      vendorReturn: '0.01',
      calculatedReturn: null,
      returnUndefinedReason: 'NO_INVESTED_CAPITAL',
    });
    const outcome = checkReturn(undefinedOurs, zeroBps, null);
    expect(outcome?.result).toMatchObject({ status: 'FAILED', varianceBps: null });
    expect(outcome?.result.message).toMatch(/NO_INVESTED_CAPITAL/);
  });
});
