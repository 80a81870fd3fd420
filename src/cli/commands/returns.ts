import { type Command, Option } from 'commander';
import {
  type AccountReturnReport,
  accountReturnReport,
  cumulativeSeries,
  periodReturn,
  SPANS,
  type Span,
  spanRange,
  toPeriodInput,
} from '../../calculate/index.ts';
import { findVendor } from '../../config/vendor-config.ts';
import type { ReturnBasis } from '../../domain/canonical.ts';
import { InvalidInputError, NotFoundError } from '../../domain/errors.ts';
import type { Database } from '../../store/db/database.ts';
import { accountCoverage, selectPeriods } from '../../store/period-repository.ts';
import { percent, printJson, table } from '../output.ts';
import { withApp } from '../run.ts';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function isoDate(name: string, value: string): string {
  if (!ISO_DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw new InvalidInputError(
      `${name} "${value}" is not a date`,
      'Write it as YYYY-MM-DD, e.g. 2024-01-31.',
    );
  }
  return value;
}

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

/** The keys `returns --json` prints, exactly (issue #2's contract). */
const JSON_KEYS = [
  'account_id',
  'from',
  'to',
  'cumulative_return',
  'annualized_return',
  'periods',
  'days',
  'gaps',
  'warnings',
  'undefined_reason',
] as const satisfies readonly (keyof AccountReturnReport)[];

function jsonReport(report: AccountReturnReport) {
  return Object.fromEntries(JSON_KEYS.map((key) => [key, report[key]]));
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
      const output = await withApp(async (app) => {
        const vendorCode = await chooseVendor(app.database, account, options.vendor);
        const coverage = (await accountCoverage(app.database.db, account)).find(
          (c) => c.vendor_code === vendorCode,
        );
        const { from, to } = resolveRange(options, coverage?.first_date ?? '', coverage?.last_date ?? '');
        const stored = await selectPeriods(app.database.db, { vendorCode, accountId: account, from, to });
        const conventions = {
          basis: options.basis,
          largeFlowThreshold: findVendor(vendorCode, app.vendors)?.largeFlowThreshold,
        };
        const periods = stored.map(toPeriodInput);
        const report = accountReturnReport(account, periods, from, to, {
          conventions,
          daysInYear: options.annualizationBasis === '365.25' ? 365.25 : 365,
        });
        const series = options.series
          ? cumulativeSeries(
              periods.map((p) => ({
                periodStart: p.periodStart,
                periodEnd: p.periodEnd,
                value: periodReturn(p, conventions).value,
              })),
            )
          : undefined;
        return { report, series, vendorCode };
      });
      const { report, series, vendorCode } = output;
      if (options.json) {
        printJson(series === undefined ? jsonReport(report) : { ...jsonReport(report), series });
        return;
      }
      process.stdout.write(`${describe(report, vendorCode)}\n`);
      if (series !== undefined) {
        process.stdout.write(
          `${table(
            ['period end', 'period return', 'cumulative'],
            series.map((p) => [p.periodEnd, percent(p.periodReturn), percent(p.cumulativeReturn)]),
          )}\n`,
        );
      }
    });
}

function resolveRange(
  options: ReturnsOptions,
  inception: string,
  lastDate: string,
): { from: string; to: string } {
  if (options.span !== undefined) {
    if (options.from !== undefined || options.to !== undefined) {
      throw new InvalidInputError(
        '--span cannot be combined with --from/--to',
        'Use either --span [--as-of] or --from and --to.',
      );
    }
    return spanRange(
      options.span,
      options.asOf === undefined ? lastDate : isoDate('--as-of', options.asOf),
      inception,
    );
  }
  if (options.from === undefined || options.to === undefined) {
    throw new InvalidInputError(
      'give --from and --to, or --span',
      'e.g. --from 2023-12-31 --to 2024-12-31, or --span YTD.',
    );
  }
  const from = isoDate('--from', options.from);
  const to = isoDate('--to', options.to);
  if (to <= from) throw new InvalidInputError(`--to ${to} is not after --from ${from}`);
  return { from, to };
}

async function chooseVendor(
  database: Database,
  account: string,
  vendor: string | undefined,
): Promise<string> {
  const coverage = await accountCoverage(database.db, account);
  if (coverage.length === 0) {
    throw new NotFoundError(
      `no periods are stored for account "${account}"`,
      'Check the account id, or ingest its files first.',
    );
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
