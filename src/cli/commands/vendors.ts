import type { Command } from 'commander';
import { loadAppConfig } from '../../config/app-config.ts';
import { loadVendorConfigs, vendorConfigVersion } from '../../config/vendor-config.ts';
import { findVendorOrFail, vendorDetail, vendorSummary } from '../../services/vendors.ts';
import { printJson, table } from '../output.ts';
import { withReadOnlyApp } from '../run.ts';

function configPath(option: string | undefined): string | undefined {
  return option ?? loadAppConfig().vendorConfigPath;
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
      const list = (await loadVendorConfigs(configPath(options.config))).map(vendorSummary);
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
      const vendors = await loadVendorConfigs(configPath(options.config));
      findVendorOrFail(vendors, code);
      printJson(await withReadOnlyApp((app) => vendorDetail({ database: app.database, vendors }, code)));
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
