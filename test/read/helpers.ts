import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadBuiltInVendors, loadVendorConfigs } from '../../src/config/vendor-config.ts';
import type { MappedRow } from '../../src/domain/read-row.ts';
import type { VendorConfig } from '../../src/domain/vendor-config.ts';
import type { SkippedRow } from '../../src/read/hooks.ts';
import { readVendorFile } from '../../src/read/index.ts';

export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

export function fixture(...parts: string[]): string {
  return path.join(FIXTURES, ...parts);
}

let builtIns: Promise<VendorConfig[]> | undefined;
export async function builtInVendor(code: string): Promise<VendorConfig> {
  builtIns ??= loadBuiltInVendors();
  const vendor = (await builtIns).find((v) => v.code === code);
  if (!vendor) throw new Error(`no built-in vendor ${code}`);
  return vendor;
}

export async function readAll(
  file: string,
  vendor: VendorConfig,
): Promise<{ rows: MappedRow[]; skipped: SkippedRow[]; header: string[] | undefined }> {
  const rows: MappedRow[] = [];
  const skipped: SkippedRow[] = [];
  let header: string[] | undefined;
  for await (const row of readVendorFile(file, vendor, {
    onSkippedRow: (s) => skipped.push(s),
    onHeader: (h) => {
      header = h;
    },
  })) {
    rows.push(row);
  }
  return { rows, skipped, header };
}

/** The error a read throws, for asserting its message and location. */
export async function readError(
  file: string,
  vendor: VendorConfig,
): Promise<Error & { location?: unknown; hint?: string }> {
  try {
    await readAll(file, vendor);
  } catch (e) {
    return e as Error;
  }
  throw new Error(`reading ${file} did not fail`);
}

/** The vendor a fixture configuration (test/fixtures/config/NAME.yaml) defines. */
export async function fixtureVendor(name: string): Promise<VendorConfig> {
  const vendors = await loadVendorConfigs(fixture('config', `${name}.yaml`));
  const vendor = vendors.find((v) => !v.origin.builtIn);
  if (!vendor) throw new Error(`test/fixtures/config/${name}.yaml defines no vendor`);
  return vendor;
}

/** Everything a read reports: rows, skipped rows and warnings, in order. */
export async function readWithWarnings(
  file: string,
  vendor: VendorConfig,
): Promise<{ rows: MappedRow[]; skipped: SkippedRow[]; warnings: string[] }> {
  const rows: MappedRow[] = [];
  const skipped: SkippedRow[] = [];
  const warnings: string[] = [];
  for await (const row of readVendorFile(file, vendor, {
    onSkippedRow: (s) => skipped.push(s),
    onWarning: (_location, message) => warnings.push(message),
  })) {
    rows.push(row);
  }
  return { rows, skipped, warnings };
}
