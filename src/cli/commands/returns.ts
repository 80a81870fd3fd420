import type { Command } from 'commander';
import { accountReturnReport, type AccountReturnReport } from '../../calculate/index.ts';
import { InvalidInputError, NotFoundError } from '../../domain/errors.ts';
import { accountCoverage, periodsWithin } from '../../store/period-repository.ts';
import { toPeriodInput } from '../../workflow/calculation.ts';
import { percent, printJson } from '../output.ts';
import { withApp } from '../run.ts';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function isoDate(name: string, value: string): string {
  if (!ISO_DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw new InvalidInputError(`${name} "${value}" is not a date`, `Write it as YYYY-MM-DD, e.g. 2024-01-31.`);
  }
  return value;
}

export function registerReturnsCommand(program: Command): void {
  program
    .command('returns')
    .argument('<account>', 'account identifier')
    .requiredOption('--from <date>', 'start valuation date (YYYY-MM-DD): the begin market value of the span')
    .requiredOption('--to <date>', 'end valuation date (YYYY-MM-DD)')
    .option('--vendor <code>', 'whose periods to link when several vendors report the account')
    .option('--json', 'print the result as JSON')
    .description(
      'Linked time-weighted return of an account between two valuation dates (Modified Dietz per period,\n' +
        'geometric linking, annualized only over spans longer than a year). Gaps are reported, never linked over.',
    )
    .action(async (account: string, options: { from: string; to: string; vendor?: string; json?: boolean }) => {
      const from = isoDate('--from', options.from);
      const to = isoDate('--to', options.to);
      if (to <= from) throw new InvalidInputError(`--to ${to} is not after --from ${from}`);
      const report = await withApp(async (app) => {
        const vendor = await chooseVendor(app.database.db, account, options.vendor);
        const periods = await periodsWithin(app.database.db, account, vendor, from, to);
        return accountReturnReport(account, periods.map(toPeriodInput), from, to);
      });
      if (options.json) printJson(report);
      else process.stdout.write(`${describe(report)}\n`);
    });
}

async function chooseVendor(db: Parameters<typeof accountCoverage>[0], account: string, vendor: string | undefined) {
  const coverage = await accountCoverage(db, account);
  if (coverage.length === 0) {
    throw new NotFoundError(`no periods are stored for account "${account}"`, 'Check the account id, or ingest its files first.');
  }
  if (vendor !== undefined) {
    if (!coverage.some((c) => c.vendor_code === vendor)) {
      throw new NotFoundError(
        `vendor "${vendor}" reports no periods for account "${account}"`,
        `Vendors reporting it: ${coverage.map((c) => c.vendor_code).join(', ')}.`,
      );
    }
    return vendor;
  }
  const only = coverage[0];
  if (coverage.length > 1 || only === undefined) {
    throw new InvalidInputError(
      `account "${account}" is reported by ${coverage.length} vendors`,
      `Choose one with --vendor: ${coverage.map((c) => `${c.vendor_code} (${c.first_date}..${c.last_date})`).join(', ')}.`,
    );
  }
  return only.vendor_code;
}

function describe(report: AccountReturnReport): string {
  const lines = [
    `${report.account_id} ${report.from} → ${report.to}: ${percent(report.cumulative_return)} cumulative` +
      (report.annualized_return === null ? '' : `, ${percent(report.annualized_return)} annualized`) +
      ` over ${report.periods} periods (${report.days} days)`,
  ];
  if (report.undefined_reason !== null) lines.push(`  undefined: ${report.undefined_reason}`);
  for (const gap of report.gaps) lines.push(`  gap: no period covers ${gap.from} → ${gap.to}`);
  for (const warning of report.warnings) lines.push(`  warning: ${warning}`);
  return lines.join('\n');
}
