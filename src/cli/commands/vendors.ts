import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadAppConfig } from '../../config/app-config.ts';
import { loadVendorConfigs, vendorConfigVersion } from '../../config/vendor-config.ts';
import { ConflictError } from '../../domain/errors.ts';
import { draftVendor } from '../../services/vendor-draft.ts';
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

  vendors
    .command('draft')
    .argument('<file>', 'a sample file the vendor sent (CSV, Excel .xlsx or JSON)')
    .description(
      'Propose a vendor configuration (YAML) from a sample file: format, encoding, delimiter, sheet and\n' +
        'header row, date and number formats with the evidence, a guess for each canonical field. Lines\n' +
        'marked "# TODO" need your judgement; then vendors check-config and ingest --dry-run.',
    )
    .option('--vendor <code>', 'the vendor code to write (default: from the file name)')
    .option('--out <file>', 'write the YAML to this file (default: standard output)')
    .addHelpText(
      'after',
      '\nExample:\n  perfrecon vendors draft acme_2024-03.csv --vendor acme --out acme.yaml\n' +
        '  perfrecon vendors check-config --config acme.yaml\n' +
        '  PERFRECON_CONFIG=acme.yaml perfrecon ingest acme_2024-03.csv --vendor acme --dry-run',
    )
    .action(async (file: string, options: { vendor?: string; out?: string }) => {
      const draft = await draftVendor(file, { code: options.vendor });
      if (options.out === undefined) process.stdout.write(draft.yaml);
      else {
        try {
          await writeFile(options.out, draft.yaml, { flag: 'wx' });
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
          throw new ConflictError(
            `${options.out} exists already`,
            'Choose another --out file, or remove the old draft first.',
          );
        }
      }
      const where = options.out ?? 'the YAML above';
      const todos = draft.todos.length;
      process.stderr.write(
        `drafted vendor "${draft.code}" from ${file}: ${todos === 0 ? 'nothing' : `${todos} TODO line${todos === 1 ? '' : 's'}`} to settle in ${where}\n` +
          (draft.unsettled.length > 0
            ? `check-config would say, until they are settled:\n  ${draft.unsettled.join('\n  ')}\n`
            : '') +
          `next: perfrecon vendors check-config --config ${options.out ?? 'FILE'}; ` +
          `PERFRECON_CONFIG=${options.out ?? 'FILE'} perfrecon ingest ${file} --vendor ${draft.code} --dry-run\n`,
      );
    });
}
