// The calculate step: a mapped canonical period (decimal strings) to the figures stored with
// it. The conversion to numbers happens here, once; the engine's numeric policy is in
// src/calculate.
import {
  CALCULATION_VERSION,
  type PeriodInput,
  periodReturn,
  type ReturnConventions,
} from '../calculate/index.ts';
import type { VendorConfig } from '../config/vendor-types.ts';
import type { CanonicalPeriod } from '../domain/canonical.ts';
import type { CalculatedFigures } from '../store/period-repository.ts';

type PeriodFigures = Pick<
  CanonicalPeriod,
  'periodStart' | 'periodEnd' | 'beginMarketValue' | 'endMarketValue' | 'flows' | 'fees'
>;

export function toPeriodInput(period: PeriodFigures): PeriodInput {
  return {
    periodStart: period.periodStart,
    periodEnd: period.periodEnd,
    beginMarketValue: Number(period.beginMarketValue),
    endMarketValue: Number(period.endMarketValue),
    flows: period.flows.map((flow) => ({
      date: flow.date,
      amount: Number(flow.amount),
      timing: flow.timing,
    })),
    fees: period.fees === null ? null : Number(period.fees),
  };
}

export function conventionsFor(
  vendor: VendorConfig,
  record: Pick<CanonicalPeriod, 'returnBasis'>,
): ReturnConventions {
  return { basis: record.returnBasis, largeFlowThreshold: vendor.largeFlowThreshold };
}

export function calculatePeriod(
  vendor: VendorConfig,
  record: PeriodFigures & Pick<CanonicalPeriod, 'returnBasis'>,
): CalculatedFigures {
  const conventions = conventionsFor(vendor, record);
  const result = periodReturn(toPeriodInput(record), conventions);
  return {
    calculatedReturn: result.value,
    undefinedReason:
      result.undefinedReason === null ? null : `${result.undefinedReason}: ${result.detail ?? ''}`.trim(),
    method: result.method,
    conventions: { ...conventions, flowTiming: vendor.flowTiming },
    version: CALCULATION_VERSION,
    warnings: result.warnings,
  };
}
