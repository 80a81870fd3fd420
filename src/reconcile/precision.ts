// The vendor's reported precision (SPEC §3): a vendor that prints 4.02% has rounded to half a
// unit of its last digit, 0.5 bp, and a difference that rounding explains is never a break.
//
// When the vendor's configuration states its precision (for the vendor, the file layout's return
// field, or one account: up to 18 decimals), that is used. Otherwise the precision
// is read from the digits the vendor sent ("0.0402" → four decimals of a fraction), but never
// coarser than four decimals of a fraction (0.01%): a vendor that happens to report exactly
// "0.04" must not widen the comparison to 50 bp.
import type { DecimalString } from '../domain/canonical.ts';
import { decimalPlaces } from '../domain/decimal.ts';
import type { ReconPeriod, ReportedPrecision, VendorReconSettings } from '../domain/reconciliation.ts';

/** The coarsest precision inferred from the digits alone: four decimals of a fraction. */
export const MIN_INFERRED_DECIMALS = 4;

const UNIT_DECIMALS: Record<ReportedPrecision['unit'], number> = { fraction: 0, percent: 2, bps: 4 };

export interface RoundingAllowance {
  /** Half a unit of the last reported digit, as a fraction. */
  halfUnit: number;
  /** Decimal places of a fraction the vendor reports. */
  fractionDecimals: number;
  source: 'configured' | 'inferred';
}

/** The precision a period's return was printed with: the account's, else its field's, else the vendor's. */
export function precisionFor(settings: VendorReconSettings, period: ReconPeriod): ReportedPrecision | null {
  return (
    (settings.accountPrecision !== undefined && Object.hasOwn(settings.accountPrecision, period.accountId)
      ? settings.accountPrecision[period.accountId]
      : undefined) ??
    settings.fieldPrecision?.(period.lineage.sourceLocation) ??
    settings.reportedPrecision
  );
}

export function fractionDecimals(precision: ReportedPrecision): number {
  return precision.decimals + UNIT_DECIMALS[precision.unit];
}

export function roundingAllowance(
  vendorReturn: DecimalString,
  configured: ReportedPrecision | null,
): RoundingAllowance {
  if (configured !== null) {
    const decimals = fractionDecimals(configured);
    return { halfUnit: 0.5 * 10 ** -decimals, fractionDecimals: decimals, source: 'configured' };
  }
  const decimals = Math.max(decimalPlaces(vendorReturn), MIN_INFERRED_DECIMALS);
  return { halfUnit: 0.5 * 10 ** -decimals, fractionDecimals: decimals, source: 'inferred' };
}

/** Round a fraction to `decimals` places, half away from zero, as a vendor prints it. */
export function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  // Correct for binary representation: 0.0402499999 from 0.04025 must round up.
  const scaled = Number((Math.abs(value) * factor).toPrecision(15));
  return (Math.sign(value) * Math.round(scaled)) / factor;
}

export function truncateTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  const scaled = Number((Math.abs(value) * factor).toPrecision(15));
  return (Math.sign(value) * Math.trunc(scaled)) / factor;
}

/** Numbers compared as returns are equal within this (far below any reported digit). */
export const RETURN_EPSILON = 1e-12;
