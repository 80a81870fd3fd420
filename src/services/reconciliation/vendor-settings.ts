// A vendor's configuration as reconciliation needs it.
import type { SourceLocation } from '../../domain/errors.ts';
import type { ReportedPrecision, VendorConfig } from '../../domain/vendor-config.ts';
import { resolveVendorSource } from '../../read/index.ts';
import { DEFAULT_VENDOR_SETTINGS, type VendorReconSettings } from '../../reconcile/index.ts';

/** The vendor_return precision of the layout a stored figure's file was read with, when set. */
function fieldPrecision(vendor: VendorConfig): VendorReconSettings['fieldPrecision'] {
  if (!vendor.sources.some((s) => s.fields.vendor_return?.precision !== undefined)) return undefined;
  return (location: SourceLocation | null): ReportedPrecision | undefined => {
    if (location === null) return undefined;
    try {
      return resolveVendorSource(location.file, vendor).fields.vendor_return?.precision;
    } catch {
      // A file name no layout of today's configuration takes: the vendor's precision applies.
      return undefined;
    }
  };
}

export function vendorSettingsLookup(
  vendors: readonly VendorConfig[],
): (vendorCode: string) => VendorReconSettings {
  const settings = new Map<string, VendorReconSettings>();
  for (const vendor of vendors) {
    const byField = fieldPrecision(vendor);
    settings.set(vendor.code, {
      flowTiming: vendor.flowTiming,
      largeFlowThreshold: vendor.largeFlowThreshold,
      reportedPrecision: vendor.reportedPrecision ?? null,
      ...(vendor.accountPrecision ? { accountPrecision: vendor.accountPrecision } : {}),
      ...(byField ? { fieldPrecision: byField } : {}),
      tolerances: vendor.tolerances,
    });
  }
  // A vendor stored earlier but no longer configured is reconciled with the defaults.
  return (vendorCode) => settings.get(vendorCode) ?? DEFAULT_VENDOR_SETTINGS;
}
