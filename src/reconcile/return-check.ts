// Vendor-reported return vs our calculated return (SPEC §4). The variance is
// (vendor - calculated) in basis points. It passes when |variance| is within the tolerance
// widened by half a unit of the vendor's last reported digit: the part of a difference the
// vendor's rounding explains is never counted against it.

import type {
  AppliedTolerance,
  CheckResult,
  ReconPeriod,
  ReportedPrecision,
} from '../domain/reconciliation.ts';
import { RETURN_EPSILON, type RoundingAllowance, roundingAllowance } from './precision.ts';

/** The lineage of a checked period; the figures compared are the result's expected/observed. */
export function periodInputs(period: ReconPeriod): Record<string, unknown> {
  return {
    fileId: period.lineage.fileId,
    configVersion: period.lineage.configVersion,
    calculationVersion: period.lineage.calculationVersion,
    source: period.lineage.sourceLocation,
    beginMarketValue: period.beginMarketValue,
    endMarketValue: period.endMarketValue,
  };
}

export interface ReturnCheckOutcome {
  result: CheckResult;
  rounding: RoundingAllowance;
}

function bps(value: number): number {
  return Math.round(value * 1e4 * 1e6) / 1e6;
}

/** Check one period's reported return; undefined when the vendor reported none. */
export function checkReturn(
  period: ReconPeriod,
  tolerance: AppliedTolerance,
  precision: ReportedPrecision | null,
): ReturnCheckOutcome | undefined {
  if (period.vendorReturn === null) return undefined;
  const vendor = Number(period.vendorReturn);
  const rounding = roundingAllowance(period.vendorReturn, precision);
  // Half a unit of the last digit in bps, not rounded away (10 decimals: 0.0000005 bp).
  const roundingBps = Number((rounding.halfUnit * 1e4).toPrecision(12));
  const applied: AppliedTolerance = { ...tolerance, roundingBps, roundingSource: rounding.source };
  const base = {
    kind: 'RETURN' as const,
    accountId: period.accountId,
    vendorCode: period.vendorCode,
    counterparty: '',
    periodStart: period.periodStart,
    periodEnd: period.periodEnd,
    observed: period.vendorReturn,
    varianceAmount: null,
    tolerance: applied,
    fileId: period.lineage.fileId,
    inputs: periodInputs(period),
    explanation: null,
  };
  if (period.calculatedReturn === null) {
    return {
      rounding,
      result: {
        ...base,
        status: 'FAILED',
        expected: null,
        varianceBps: null,
        message: `the vendor reports ${period.vendorReturn} but our return is undefined: ${period.returnUndefinedReason ?? 'no reason recorded'}`,
      },
    };
  }
  const calculated = Number(period.calculatedReturn);
  const variance = vendor - calculated;
  const allowed = tolerance.returnBps * 1e-4 + rounding.halfUnit + RETURN_EPSILON;
  const passed = Math.abs(variance) <= allowed;
  const withinRoundingOnly = passed && Math.abs(variance) > tolerance.returnBps * 1e-4 + RETURN_EPSILON;
  const varianceBps = bps(variance);
  const limit = `${tolerance.returnBps} bp tolerance (${tolerance.returnSource}) + ${roundingBps} bp vendor rounding`;
  return {
    rounding,
    result: {
      ...base,
      status: passed ? 'PASSED' : 'FAILED',
      expected: period.calculatedReturn,
      varianceBps,
      message: passed
        ? withinRoundingOnly
          ? `variance ${varianceBps} bp is explained by the vendor's rounding (${limit})`
          : `variance ${varianceBps} bp within ${limit}`
        : `vendor ${period.vendorReturn} vs calculated ${calculated.toFixed(8)}: variance ${varianceBps} bp exceeds ${limit}`,
    },
  };
}
