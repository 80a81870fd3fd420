// Vendor configurations: the built-in vendors shipped in `vendors/*.yaml`, plus the user's file
// (`--config`, else `./perfrecon.yaml` when present) whose vendors override built-ins of the
// same code. Validated once on load; see vendors/README.md for the YAML.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../domain/errors.ts';
import { compileGlob, globSpecificity } from '../domain/glob.ts';
import type { VendorConfig } from '../domain/vendor-config.ts';
import { parseVendorYaml } from './vendor-config-parse.ts';

export type * from '../domain/vendor-config.ts';
export { type ConfigIssue, parseVendorYaml, VendorConfigError } from './vendor-config-parse.ts';

/** The folder of the built-in vendor files. */
export const BUILT_IN_VENDOR_DIR = fileURLToPath(new URL('../../vendors/', import.meta.url));

async function loadFile(file: string, builtIn: boolean): Promise<VendorConfig[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ConfigError(
      `cannot read vendor configuration ${file}: ${(e as Error).message}`,
      'Check the path given with --config.',
    );
  }
  return parseVendorYaml(text, builtIn ? path.relative(process.cwd(), file) || file : file, builtIn);
}

export async function loadBuiltInVendors(dir = BUILT_IN_VENDOR_DIR): Promise<VendorConfig[]> {
  const names = (await readdir(dir)).filter((n) => /\.ya?ml$/i.test(n)).sort();
  const vendors: VendorConfig[] = [];
  for (const name of names) vendors.push(...(await loadFile(path.join(dir, name), true)));
  return vendors;
}

/**
 * Built-in vendors plus the user's: `configPath`, else `./perfrecon.yaml` if it exists. A user
 * vendor with a built-in's code replaces it. Order: user vendors first, then built-ins.
 */
export async function loadVendorConfigs(configPath?: string): Promise<VendorConfig[]> {
  const builtIns = await loadBuiltInVendors();
  const userFile = configPath ?? (existsSync('perfrecon.yaml') ? path.resolve('perfrecon.yaml') : undefined);
  const user = userFile ? await loadFile(userFile, false) : [];
  const userCodes = new Set(user.map((v) => v.code));
  const seen = new Map<string, string>();
  for (const v of builtIns) {
    const other = seen.get(v.code);
    if (other)
      throw new ConfigError(`vendor code "${v.code}" is defined in both ${other} and ${v.origin.file}`);
    seen.set(v.code, v.origin.file);
  }
  return [...user, ...builtIns.filter((v) => !userCodes.has(v.code))];
}

/** JSON with sorted keys, so the same configuration always hashes the same. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * A stable content hash of what the configuration means (not where it was loaded from, nor
 * its formatting or comments): 16 hex digits of SHA-256. Stored rows record it as lineage.
 */
export function vendorConfigVersion(vendor: VendorConfig): string {
  const { origin: _origin, ...meaning } = vendor;
  return createHash('sha256').update(stableJson(meaning)).digest('hex').slice(0, 16);
}

/**
 * The vendor whose file pattern matches the file's name. When several match, the most specific
 * pattern (most literal characters) wins; on a tie, the earlier vendor (user before built-in).
 */
export function resolveVendor(fileName: string, vendors: readonly VendorConfig[]): VendorConfig | undefined {
  const base = path.basename(fileName);
  let best: { vendor: VendorConfig; specificity: number } | undefined;
  for (const vendor of vendors) {
    for (const source of vendor.sources) {
      for (const pattern of source.filePatterns) {
        if (!compileGlob(pattern).test(base)) continue;
        const specificity = globSpecificity(pattern);
        if (!best || specificity > best.specificity) best = { vendor, specificity };
      }
    }
  }
  return best?.vendor;
}

export function findVendor(code: string, vendors: readonly VendorConfig[]): VendorConfig | undefined {
  return vendors.find((v) => v.code === code);
}
