// Vendor configurations: the loaded ones, and the versions of each that produced stored data.
import { findVendor, vendorConfigVersion } from '../config/vendor-config.ts';
import { optionalTimestamp } from '../contracts/common.ts';
import type { VendorDetail, VendorSummary } from '../contracts/vendors.ts';
import { NotFoundError } from '../domain/errors.ts';
import type { VendorConfig } from '../domain/vendor-config.ts';
import type { Database } from '../store/db/database.ts';
import { vendorVersions } from '../store/vendor-repository.ts';

export function vendorSummary(vendor: VendorConfig): VendorSummary {
  return {
    code: vendor.code,
    name: vendor.name,
    formats: vendor.sources.map((s) => s.format),
    filePatterns: vendor.sources.flatMap((s) => s.filePatterns),
    flowTiming: vendor.flowTiming,
    returnBasis: vendor.returnBasis,
    version: vendorConfigVersion(vendor),
    origin: vendor.origin.file,
  };
}

export function findVendorOrFail(vendors: readonly VendorConfig[], code: string): VendorConfig {
  const vendor = findVendor(code, vendors);
  if (vendor === undefined) {
    throw new NotFoundError(
      `there is no vendor "${code}"`,
      `Known vendors: ${vendors.map((v) => v.code).join(', ')}.`,
    );
  }
  return vendor;
}

export async function vendorDetail(
  deps: { database: Database; vendors: readonly VendorConfig[] },
  code: string,
): Promise<VendorDetail> {
  const vendor = findVendorOrFail(deps.vendors, code);
  const versions = await vendorVersions(deps.database.db, vendor.code);
  return {
    summary: vendorSummary(vendor),
    configuration: { ...vendor },
    storedVersions: versions.map((v) => ({ version: v.version, firstSeen: optionalTimestamp(v.created_at) })),
  };
}
