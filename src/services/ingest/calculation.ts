// The calculate step: a mapped canonical period (decimal strings) to the figures stored with
// it, under the vendor's conventions.
import {
  CALCULATION_VERSION,
  type DecimalPeriod,
  periodReturn,
  type ReturnConventions,
  toPeriodInput,
} from '../../calculate/index.ts';
import type { CanonicalPeriod } from '../../domain/canonical.ts';
import type { VendorConfig } from '../../domain/vendor-config.ts';
import type { CalculatedFigures } from '../../store/period-repository.ts';

export function conventionsFor(
  vendor: VendorConfig,
  record: Pick<CanonicalPeriod, 'returnBasis'>,
): ReturnConventions {
  return { basis: record.returnBasis, largeFlowThreshold: vendor.largeFlowThreshold };
}

export function calculatePeriod(
  vendor: VendorConfig,
  record: DecimalPeriod & Pick<CanonicalPeriod, 'returnBasis'>,
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
