import type { Command } from 'commander';
import { recalculate } from '../../services/recalc.ts';
import { printJson } from '../output.ts';
import { cliActor, withApp } from '../run.ts';

export function registerRecalcCommand(program: Command): void {
  program
    .command('recalc')
    .description(
      "Recompute the stored returns of a vendor's periods with the current conventions and calculation\n" +
        'version (after a vendor setting changed). Changed figures are updated in one transaction; the audit\n' +
        'log keeps the old ones.',
    )
    .requiredOption('--vendor <code>', 'vendor whose periods to recompute')
    .option('--account <id>', 'only this account')
    .option('--json', 'print the summary as JSON')
    .action(async (options: { vendor: string; account?: string; json?: boolean }) => {
      const summary = await withApp((app) =>
        recalculate(
          { database: app.database, vendors: app.vendors, actor: cliActor() },
          options.vendor,
          options.account,
        ),
      );
      if (options.json) return printJson(summary);
      process.stdout.write(
        `${summary.vendor}${summary.account === null ? '' : ` ${summary.account}`}: ${summary.periods} periods recomputed ` +
          `with ${summary.calculationVersion}, ${summary.changed} changed\n`,
      );
    });
}
