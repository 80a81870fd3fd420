import type { Command } from 'commander';
import { parseIsoDate } from '../../domain/civil-date.ts';
import {
  listTolerances,
  removeTolerance,
  resolveTolerance,
  setTolerance,
} from '../../services/reconciliation/index.ts';
import { nonNegativeNumber } from '../input.ts';
import { printJson, table } from '../output.ts';
import { cliActor, withApp, withReadOnlyApp } from '../run.ts';

const today = () => new Date().toISOString().slice(0, 10);

export function registerTolerancesCommands(program: Command): void {
  const tolerances = program
    .command('tolerances')
    .description(
      'Reconciliation tolerances, resolved most specific first: account (+vendor) → vendor → global → 1 bp.\n' +
        "A vendor's configuration file may set its own (tolerances:), below a stored vendor rule.",
    );

  tolerances
    .command('set')
    .option('--account <id>', 'for this account (default: any)')
    .option('--vendor <code>', 'for this vendor (default: any)')
    .option('--from <date>', 'applies to periods ending on or after this date (default: today)')
    .option('--to <date>', 'and up to this date (default: open-ended)')
    .option('--return-bps <n>', 'return tolerance in basis points')
    .option('--mv-abs <amount>', 'market-value tolerance in currency units')
    .option('--mv-rel <fraction>', 'market-value tolerance as a fraction of the value (0.0001 = 1 bp)')
    .option('--comment <text>', 'why')
    .option('--json', 'print the stored rule as JSON')
    .description(
      'Store a tolerance rule (replaces the one with the same account, vendor and --from); audited',
    )
    .action(
      async (options: {
        account?: string;
        vendor?: string;
        from?: string;
        to?: string;
        returnBps?: string;
        mvAbs?: string;
        mvRel?: string;
        comment?: string;
        json?: boolean;
      }) => {
        const rule = await withApp((app) =>
          setTolerance(
            app,
            {
              accountId: options.account,
              vendorCode: options.vendor,
              effectiveFrom: options.from ?? today(),
              effectiveTo: options.to,
              returnBps: nonNegativeNumber('--return-bps', options.returnBps),
              marketValueAbs: options.mvAbs,
              marketValueRel: nonNegativeNumber('--mv-rel', options.mvRel),
              comment: options.comment,
            },
            cliActor(),
          ),
        );
        if (options.json) printJson(rule);
        else
          process.stdout.write(
            `Stored: account ${rule.accountId}, vendor ${rule.vendorCode}, from ${rule.effectiveFrom}.\n`,
          );
      },
    );

  tolerances
    .command('list')
    .option('--account <id>', 'only rules of this account')
    .option('--vendor <code>', 'only rules of this vendor')
    .option('--json', 'print as JSON')
    .description('The stored tolerance rules')
    .action(async (options: { account?: string; vendor?: string; json?: boolean }) => {
      const rules = await withReadOnlyApp((app) =>
        listTolerances(app, { accountId: options.account, vendorCode: options.vendor }),
      );
      if (options.json) return printJson(rules);
      if (rules.length === 0)
        return void process.stdout.write('No tolerance rules stored: 1 bp and 0.01 apply.\n');
      process.stdout.write(
        `${table(
          ['account', 'vendor', 'from', 'to', 'return bps', 'mv abs', 'mv rel', 'by', 'comment'],
          rules.map((r) => [
            r.accountId,
            r.vendorCode,
            r.effectiveFrom,
            r.effectiveTo ?? '',
            r.returnBps,
            r.marketValueAbs,
            r.marketValueRel,
            r.updatedBy,
            r.comment ?? '',
          ]),
        )}\n`,
      );
    });

  tolerances
    .command('remove')
    .option('--account <id>', 'the rule of this account (default: any)')
    .option('--vendor <code>', 'the rule of this vendor (default: any)')
    .requiredOption('--from <date>', 'the effective date of the rule')
    .description('Remove a stored rule (audited)')
    .action(async (options: { account?: string; vendor?: string; from: string }) => {
      await withApp((app) =>
        removeTolerance(
          app,
          { accountId: options.account, vendorCode: options.vendor, effectiveFrom: options.from },
          cliActor(),
        ),
      );
      process.stdout.write('Removed.\n');
    });

  tolerances
    .command('show')
    .requiredOption('--account <id>', 'account')
    .requiredOption('--vendor <code>', 'vendor')
    .option('--date <date>', 'valuation date (default: today)')
    .option('--json', 'print as JSON')
    .description('The tolerance that applies to an account, vendor and date, and where each part comes from')
    .action(async (options: { account: string; vendor: string; date?: string; json?: boolean }) => {
      const date = options.date === undefined ? today() : parseIsoDate('--date', options.date);
      const applied = await withReadOnlyApp((app) =>
        resolveTolerance(app, options.account, options.vendor, date),
      );
      if (options.json) return printJson(applied);
      process.stdout.write(
        `Return: ${applied.returnBps} bp (${applied.returnSource}); market value: ${applied.marketValueAbs ?? '—'} absolute, ` +
          `${applied.marketValueRel ?? '—'} relative (${applied.marketValueSource})\n`,
      );
    });
}
