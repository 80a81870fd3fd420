// A vendor's configuration as reconciliation needs it.
import type { VendorConfig } from '../../domain/vendor-config.ts';
import { DEFAULT_VENDOR_SETTINGS, type VendorReconSettings } from '../../reconcile/index.ts';

export function vendorSettingsLookup(
  vendors: readonly VendorConfig[],
): (vendorCode: string) => VendorReconSettings {
  const settings = new Map<string, VendorReconSettings>();
  for (const vendor of vendors) {
    settings.set(vendor.code, {
      flowTiming: vendor.flowTiming,
      largeFlowThreshold: vendor.largeFlowThreshold,
      reportedPrecision: vendor.reportedPrecision ?? null,
      tolerances: vendor.tolerances,
    });
  }
  // A vendor stored earlier but no longer configured is reconciled with the defaults.
  return (vendorCode) => settings.get(vendorCode) ?? DEFAULT_VENDOR_SETTINGS;
}
