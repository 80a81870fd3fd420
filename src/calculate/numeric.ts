// NUMERIC POLICY of the return engine.
//
// Amounts arrive as decimal strings and are converted once to binary float64 (IEEE 754 double)
// by the caller; from then on the engine computes in float64 and never in decimal. The result
// is proved, by property tests against an exact BigInt rational reference
// (test/calculate/reference.ts), to agree with the exact computation on the same inputs to
// 1e-12 relative to 1 + R. It is accurate for three reasons:
//
// 1. Day counts are exact integers (calendar day numbers, src/calculate/dates.ts), so the
//    Modified Dietz weights are never rounded: both sides of the fraction are multiplied by
//    the calendar days CD, which turns the formula into two dot products with small integer
//    coefficients.
// 2. The two places where cancellation can happen — the gain `EMV - BMV - ΣF` and the
//    average capital `BMV + Σ w_i F_i` — are evaluated as compensated sums and dot products
//    (TwoSum, and TwoProduct by Veltkamp splitting; Ogita, Rump & Oishi 2005, "Accurate sum
//    and dot product", algorithms Sum2/Dot2). Each comes out as if computed in twice the
//    working precision and rounded once, so a small gain on a large portfolio keeps its
//    digits: the relative error of r is a few units of 2^-53 unless the average capital is
//    within about 1e-14 of the sum of the magnitudes of the amounts, where the engine reports
//    the return as undefined instead (see AVERAGE_CAPITAL_NOISE_FLOOR).
//    The accuracy is thus relative to R itself, and so to 1 + R as the issue requires, with one
//    caveat that no double can escape: near R = -100% a double's spacing is 1.1e-16, so the
//    error is measured against max(|1 + R|, |R|) (see agrees() in the reference).
// 3. Linking multiplies growth factors `1 + r_i` kept as double-double numbers (the factor
//    and the product each carry their rounding error), so 10 million linked periods lose no
//    more than a few units in the last place rather than n of them.
//
// Nothing here reads the clock, the environment or any I/O: it is arithmetic only.

/** 2^27 + 1: Veltkamp's constant that splits a double into two 26-bit halves. */
const SPLITTER = 134217729;

/** Unit roundoff of float64, 2^-53. */
export const UNIT_ROUNDOFF = 2 ** -53;

/**
 * Below this share of the sum of the magnitudes of the period's amounts (market values, flows,
 * fees), an average capital is indistinguishable from zero: decimal amounts such as 0.1 are not
 * exact in binary, so a capital that cancels to zero in decimal can come out as ±1e-17 here.
 * 64 units of roundoff. It also keeps every return below about 1.4e14 in size, hence finite.
 */
export const AVERAGE_CAPITAL_NOISE_FLOOR = 64 * UNIT_ROUNDOFF;

/** A double-double accumulator: the value is `hi + lo`, `lo` holding the rounding errors. */
export interface CompensatedSum {
  hi: number;
  lo: number;
  /** Σ|term|, to judge how much cancellation took place. */
  magnitude: number;
}

export function compensatedSum(): CompensatedSum {
  return { hi: 0, lo: 0, magnitude: 0 };
}

/** Add `x` exactly: TwoSum (Knuth) puts the rounding error of `hi + x` into `lo`. */
export function addTerm(sum: CompensatedSum, x: number): void {
  const s = sum.hi + x;
  const bv = s - sum.hi;
  sum.lo += sum.hi - (s - bv) + (x - bv);
  sum.hi = s;
  sum.magnitude += Math.abs(x);
}

/** Add `a * b` with the product's rounding error kept (TwoProduct by Veltkamp splitting). */
export function addProduct(sum: CompensatedSum, a: number, b: number): void {
  const p = a * b;
  let c = SPLITTER * a;
  const aHi = c - (c - a);
  const aLo = a - aHi;
  c = SPLITTER * b;
  const bHi = c - (c - b);
  const bLo = b - bHi;
  const productError = aHi * bHi - p + aHi * bLo + aLo * bHi + aLo * bLo;
  addTerm(sum, p);
  sum.lo += productError;
}

export function sumValue(sum: CompensatedSum): number {
  return sum.hi + sum.lo;
}

/** Largest magnitude an amount may have so that splitting cannot overflow. */
export const MAX_AMOUNT = 1e290;

export function isUsableAmount(x: number): boolean {
  return Number.isFinite(x) && Math.abs(x) <= MAX_AMOUNT;
}

/**
 * A running product of growth factors `Π(1 + r_i)` in double-double arithmetic.
 * Each factor is formed exactly as `1 + r` (hi, lo) and multiplied with TwoProduct, so the
 * relative error after n factors stays near 2^-53 instead of growing like n·2^-53.
 */
export interface GrowthProduct {
  hi: number;
  lo: number;
}

export function growthProduct(): GrowthProduct {
  return { hi: 1, lo: 0 };
}

export function multiplyGrowth(product: GrowthProduct, r: number): void {
  // factor = 1 + r exactly, as fHi + fLo (TwoSum).
  const fHi = 1 + r;
  const bv = fHi - 1;
  const fLo = 1 - (fHi - bv) + (r - bv);
  const pHi = product.hi;
  const p = pHi * fHi;
  let c = SPLITTER * pHi;
  const aHi = c - (c - pHi);
  const aLo = pHi - aHi;
  c = SPLITTER * fHi;
  const bHi = c - (c - fHi);
  const bLo = fHi - bHi;
  const err = aHi * bHi - p + aHi * bLo + aLo * bHi + aLo * bLo + (pHi * fLo + product.lo * fHi);
  // Renormalise so that |lo| stays below half an ulp of hi.
  const hi = p + err;
  product.lo = err - (hi - p);
  product.hi = hi;
}

/** `Π(1 + r_i) - 1`, subtracting the 1 before the low part so a small R keeps its digits. */
export function growthToReturn(product: GrowthProduct): number {
  return product.hi - 1 + product.lo + 0;
}

/** A number for a message: 15 significant digits, so sums print as 1234.56, not 1234.5600000000002. */
export function formatNumber(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(15))) : String(x);
}
