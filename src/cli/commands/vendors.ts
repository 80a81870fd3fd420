import type { Command } from 'commander';
import { loadAppConfig } from '../../config/app-config.ts';
import { findVendor, loadVendorConfigs, vendorConfigVersion } from '../../config/vendor-config.ts';
import { NotFoundError } from '../../domain/errors.ts';
import type { VendorConfig } from '../../domain/vendor-config.ts';
import { vendorVersions } from '../../store/vendor-repository.ts';
import { printJson, table } from '../output.ts';
import { withApp } from '../run.ts';

function configPath(option: string | undefined): string | undefined {
  return option ?? loadAppConfig().vendorConfigPath;
}

function summary(vendor: VendorConfig) {
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

export function registerVendorsCommands(program: Command): void {
  const vendors = program
    .command('vendors')
    .description('Vendor configurations: the built-in vendors (vendors/*.yaml) and your perfrecon.yaml');

  vendors
    .command('list')
    .description('List the vendors, their file layouts and file-name patterns')
    .option('--config <file>', 'vendor configuration file (default: $PERFRECON_CONFIG or ./perfrecon.yaml)')
    .option('--json', 'print as JSON')
    .action(async (options: { config?: string; json?: boolean }) => {
      const list = (await loadVendorConfigs(configPath(options.config))).map(summary);
      if (options.json) return printJson(list);
      process.stdout.write(
        `${table(
          ['code', 'name', 'formats', 'file patterns', 'flow timing', 'basis', 'version', 'from'],
          list.map((v) => [
            v.code,
            v.name,
            v.formats.join(', '),
            v.filePatterns.join(' '),
            v.flowTiming,
            v.returnBasis,
            v.version,
            v.origin,
          ]),
        )}\n`,
      );
    });

  vendors
    .command('show')
    .argument('<code>', 'vendor code')
    .description("Show a vendor's whole configuration and the versions of it the database has seen")
    .option('--config <file>', 'vendor configuration file')
    .action(async (code: string, options: { config?: string }) => {
      const all = await loadVendorConfigs(configPath(options.config));
      const vendor = findVendor(code, all);
      if (vendor === undefined) {
        throw new NotFoundError(
          `there is no vendor "${code}"`,
          `Known vendors: ${all.map((v) => v.code).join(', ')}.`,
        );
      }
      const versions = await withApp((app) => vendorVersions(app.database.db, code));
      printJson({
        ...vendor,
        version: vendorConfigVersion(vendor),
        storedVersions: versions.map((v) => ({ version: v.version, firstSeen: v.created_at })),
      });
    });

  vendors
    .command('check-config')
    .description(
      'Validate the vendor configuration; errors name the file, line and key. Exit 2 when invalid.',
    )
    .option(
      '--config <file>',
      'vendor configuration file to check (default: $PERFRECON_CONFIG or ./perfrecon.yaml)',
    )
    .action(async (options: { config?: string }) => {
      const list = await loadVendorConfigs(configPath(options.config));
      process.stdout.write(
        `configuration is valid: ${list.length} vendors (${list.map((v) => `${v.code} ${vendorConfigVersion(v)}`).join(', ')})\n`,
      );
    });
}
