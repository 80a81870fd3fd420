import type { Command } from 'commander';
import { InvalidInputError } from '../../domain/errors.ts';
import type { ReconcileOutcome } from '../../services/reconciliation/index.ts';
import { reconcile } from '../../services/reconciliation/index.ts';
import { printJson, table } from '../output.ts';
import { cliActor, withApp } from '../run.ts';

interface ReconcileOptions {
  date?: string;
  from?: string;
  to?: string;
  vendor?: string;
  account?: string;
  json?: boolean;
  failOnBreak?: boolean;
}

export function registerReconcileCommand(program: Command): void {
  program
    .command('reconcile')
    .option('--date <date>', 'check the periods ending on this valuation date (YYYY-MM-DD)')
    .option('--from <date>', 'check the periods ending on or after this date')
    .option('--to <date>', 'check the periods ending on or before this date')
    .option(
      '--vendor <code>',
      "only this vendor's periods (cross-vendor checks still compare it with the others)",
    )
    .option('--account <id>', 'only this account')
    .option('--fail-on-break', 'exit with status 3 when the run found a failure')
    .option('--json', 'print the run as JSON')
    .description(
      "Reconcile vendor-reported returns against ours (variance in bps, against the tolerance and the vendor's\n" +
        'rounding), market-value continuity, missing periods, and accounts reported by two vendors. Each failure\n' +
        'is a break, explained where the data allows; new breaks are alerted. Without dates, every period is checked.',
    )
    .addHelpText(
      'after',
      '\nWith --date or --to, a vendor whose periods stop before that date has its missing periods reported.\n' +
        'Examples:\n  perfrecon reconcile --date 2024-03-31\n  perfrecon reconcile --from 2024-01-01 --to 2024-03-31 --vendor custodian --json',
    )
    .action(async (options: ReconcileOptions) => {
      if (options.date !== undefined && (options.from !== undefined || options.to !== undefined)) {
        throw new InvalidInputError('give either --date or --from/--to, not both');
      }
      const outcome = await withApp((app) =>
        reconcile(app, {
          date: options.date,
          from: options.from,
          to: options.to,
          vendorCode: options.vendor,
          accountId: options.account,
          trigger: 'manual',
          actor: cliActor(),
        }),
      );
      if (options.json) printJson(outcome);
      else process.stdout.write(`${describeRun(outcome)}\n`);
      if (options.failOnBreak && outcome.summary.failed > 0) process.exitCode = 3;
    });
}

function rate(value: number | null): string {
  return value === null ? 'n/a' : `${(value * 100).toFixed(2)}%`;
}

export function describeRun(outcome: ReconcileOutcome): string {
  const { summary } = outcome;
  const lines = [
    `Run ${outcome.runId}: ${summary.checked} checks over ${summary.accounts} accounts, ${summary.passed} passed, ` +
      `${summary.failed} failed (${rate(summary.passRate)} passed) in ${(outcome.durationMs / 1000).toFixed(1)} s`,
    `Breaks: ${summary.breaksOpened} opened, ${summary.breaksSeenAgain} seen again, ${summary.breaksCleared} cleared`,
  ];
  if (summary.notes > 0) {
    lines.push(
      `Notes: ${summary.notes} cross-vendor returns agree on the same method but differ as each vendor computes them (information, not breaks; see perfrecon lineage)`,
    );
  }
  const vendors = Object.entries(summary.perVendor);
  if (vendors.length > 0) {
    lines.push(
      '',
      table(
        ['vendor', 'checked', 'passed', 'failed', 'pass rate'],
        vendors.map(([code, c]) => [code, c.checked, c.passed, c.failed, rate(c.passRate)]),
      ),
    );
  }
  if (summary.worstBreaks.length > 0) {
    lines.push(
      '',
      'Worst breaks:',
      table(
        ['account', 'check', 'vendor', 'period', 'variance', 'cause'],
        summary.worstBreaks.map((b) => [
          b.accountId,
          b.kind,
          b.counterparty === '' ? b.vendorCode : `${b.vendorCode} vs ${b.counterparty}`,
          b.periodStart === b.periodEnd ? b.periodEnd : `${b.periodStart} → ${b.periodEnd}`,
          b.varianceBps !== null ? `${b.varianceBps} bp` : (b.varianceAmount ?? ''),
          b.cause ?? '',
        ]),
      ),
      '',
      'See them with: perfrecon breaks list',
    );
  }
  return lines.join('\n');
}
