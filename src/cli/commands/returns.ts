import { type Command, Option } from 'commander';
import { type AccountReturnReport, SPANS, type Span } from '../../calculate/index.ts';
import type { ReturnBasis } from '../../domain/canonical.ts';
import { accountReturns, returnsReport } from '../../services/returns.ts';
import { optionalIsoDate } from '../input.ts';
import { percent, printJson, table } from '../output.ts';
import { withReadOnlyApp } from '../run.ts';

interface ReturnsOptions {
  from?: string;
  to?: string;
  span?: Span;
  asOf?: string;
  vendor?: string;
  basis: ReturnBasis;
  annualizationBasis: '365' | '365.25';
  series?: boolean;
  json?: boolean;
}

export function registerReturnsCommand(program: Command): void {
  program
    .command('returns')
    .argument('<account>', 'account identifier')
    .option('--from <date>', 'start valuation date (YYYY-MM-DD): the begin market value of the span')
    .option('--to <date>', 'end valuation date (YYYY-MM-DD)')
    .addOption(new Option('--span <span>', 'a standard span instead of --from/--to').choices(SPANS))
    .option('--as-of <date>', 'end date of --span (default: the last stored valuation date)')
    .option('--vendor <code>', 'whose periods to link when several vendors report the account')
    .addOption(new Option('--basis <basis>', 'gross or net of fees').choices(['gross', 'net']).default('net'))
    .addOption(
      new Option('--annualization-basis <days>', 'days in a year for annualization')
        .choices(['365', '365.25'])
        .default('365'),
    )
    .option('--series', 'print the cumulative series, period by period')
    .option('--json', 'print the result as JSON')
    .description(
      'Linked time-weighted return of an account between two valuation dates (Modified Dietz per period,\n' +
        'geometric linking, annualized only over spans longer than a year). Gaps are reported, never linked over.',
    )
    .addHelpText(
      'after',
      '\nSpans end on --as-of: MTD from the previous month end, QTD from the previous quarter end, YTD from the\n' +
        'previous year end, 1Y/3Y/5Y from the same date 1/3/5 years earlier, ITD from the first valuation.\n' +
        'Examples:\n  perfrecon returns ACC-1 --from 2023-12-31 --to 2024-12-31 --json\n  perfrecon returns ACC-1 --span YTD --as-of 2024-06-30 --series',
    )
    .action(async (account: string, options: ReturnsOptions) => {
      const request = {
        accountId: account,
        from: optionalIsoDate('--from', options.from),
        to: optionalIsoDate('--to', options.to),
        span: options.span,
        asOf: optionalIsoDate('--as-of', options.asOf),
        vendorCode: options.vendor,
        basis: options.basis,
        daysInYear: options.annualizationBasis === '365.25' ? (365.25 as const) : (365 as const),
        series: options.series === true,
      };
      const result = await withReadOnlyApp((app) => accountReturns(app, request));
      if (options.json) return printJson(returnsReport(result));
      process.stdout.write(`${describe(result.report, result.vendorCode)}\n`);
      if (result.series !== undefined) {
        process.stdout.write(
          `${table(
            ['period end', 'period return', 'cumulative'],
            result.series.map((p) => [p.periodEnd, percent(p.periodReturn), percent(p.cumulativeReturn)]),
          )}\n`,
        );
      }
    });
}

function describe(report: AccountReturnReport, vendorCode: string): string {
  const lines = [
    `${report.account_id} (${vendorCode}) ${report.from} → ${report.to}: ${percent(report.cumulative_return)} cumulative` +
      (report.annualized_return === null ? '' : `, ${percent(report.annualized_return)} annualized`) +
      ` over ${report.periods} periods (${report.days} days), ${report.basis} of fees, ${report.calculation_version}`,
  ];
  if (report.undefined_reason !== null) lines.push(`  undefined: ${report.undefined_reason}`);
  for (const gap of report.gaps) lines.push(`  gap: no period covers ${gap.from} → ${gap.to}`);
  for (const warning of report.warnings) lines.push(`  warning: ${warning}`);
  return lines.join('\n');
}
