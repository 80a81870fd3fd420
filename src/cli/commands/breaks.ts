import type { Command } from 'commander';
import type { BreakDetail, BreakView } from '../../contracts/breaks.ts';
import { InvalidInputError } from '../../domain/errors.ts';
import {
  ACTIVE_STATUSES,
  BREAK_STATUSES,
  type BreakAction,
  type BreakStatus,
} from '../../reconcile/index.ts';
import { actOnBreak, breakDigest, listBreakViews, showBreak } from '../../services/reconciliation/index.ts';
import { printJson, printText, table } from '../output.ts';
import { cliActor, withApp, withReadOnlyApp } from '../run.ts';

function breakId(raw: string): number {
  const id = Number(raw);
  if (!Number.isInteger(id) || id <= 0) {
    throw new InvalidInputError(
      `"${raw}" is not a break id`,
      'Break ids are whole numbers: perfrecon breaks list',
    );
  }
  return id;
}

function statuses(raw: string | undefined): BreakStatus[] {
  if (raw === undefined) return [...ACTIVE_STATUSES];
  if (raw === 'all') return [];
  const list = raw.split(',').map((s) => s.trim().toUpperCase());
  const unknown = list.filter((s) => !BREAK_STATUSES.includes(s as BreakStatus));
  if (unknown.length > 0) {
    throw new InvalidInputError(
      `unknown break status ${unknown.join(', ')}`,
      `Use ${BREAK_STATUSES.join(', ')} (comma-separated), or "all".`,
    );
  }
  return list as BreakStatus[];
}

function variance(view: BreakView): string {
  return view.varianceBps !== null ? `${view.varianceBps} bp` : (view.varianceAmount ?? '');
}

function vendorOf(view: BreakView): string {
  return view.counterparty === '' ? view.vendorCode : `${view.vendorCode} vs ${view.counterparty}`;
}

function describe(detail: BreakDetail): string {
  const explanation = detail.explanation as { summary?: string; alsoFits?: string[] } | null;
  const lines = [
    `Break ${detail.id}: ${detail.check} ${detail.accountId} ${vendorOf(detail)} ${detail.periodStart} → ${detail.periodEnd}`,
    `Status:   ${detail.status}, open ${detail.ageDays} days (since ${detail.openedAt}, run ${detail.openedRun}; seen ${detail.occurrences}×, last in run ${detail.lastSeenRun})`,
    `Finding:  ${detail.message}`,
    `Figures:  ours ${detail.expected ?? '—'}, theirs ${detail.observed ?? '—'}, variance ${variance(detail) || '—'}`,
  ];
  if (explanation?.summary) {
    lines.push(`Cause:    ${detail.cause ?? 'none fits'} — ${explanation.summary}`);
    if (explanation.alsoFits && explanation.alsoFits.length > 0)
      lines.push(`Also fits: ${explanation.alsoFits.join(', ')}`);
  }
  lines.push(
    `Tolerance: ${JSON.stringify(detail.tolerance)}`,
    `Lineage:  ${JSON.stringify(detail.inputs)}`,
    '',
    'History:',
  );
  for (const entry of detail.history) {
    lines.push(
      `  ${entry.at}  ${entry.actor}  ${entry.action} ${entry.status ?? ''}${entry.comment ? ` — ${entry.comment}` : ''}`,
    );
  }
  return lines.join('\n');
}

export function registerBreaksCommands(program: Command): void {
  const breaks = program
    .command('breaks')
    .description(
      'Reconciliation breaks: list, show, acknowledge, resolve with a comment, approve (four-eyes), reopen.',
    );

  breaks
    .command('list')
    .option(
      '--status <list>',
      'statuses, comma-separated, or "all" (default: OPEN,ACKNOWLEDGED,PENDING_APPROVAL)',
    )
    .option('--account <id>', 'only this account')
    .option('--vendor <code>', 'only breaks involving this vendor')
    .option('--limit <n>', 'at most this many', '500')
    .option('--json', 'print as JSON')
    .description('Breaks, oldest first, with their age in days')
    .action(
      async (options: {
        status?: string;
        account?: string;
        vendor?: string;
        limit: string;
        json?: boolean;
      }) => {
        const filter = {
          statuses: statuses(options.status),
          accountId: options.account,
          vendorCode: options.vendor,
          limit: Number(options.limit) || 500,
        };
        const views = await withReadOnlyApp((app) =>
          listBreakViews({ database: app.database, cache: app.cache }, filter),
        );
        if (options.json) return printJson(views);
        if (views.length === 0) return void process.stdout.write('No breaks.\n');
        process.stdout.write(
          `${table(
            ['id', 'status', 'age', 'account', 'check', 'vendor', 'period end', 'variance', 'cause'],
            views.map((v) => [
              v.id,
              v.status,
              `${v.ageDays}d`,
              v.accountId,
              v.check,
              vendorOf(v),
              v.periodEnd,
              variance(v),
              v.cause ?? '',
            ]),
          )}\n`,
        );
      },
    );

  breaks
    .command('show')
    .argument('<id>', 'break id')
    .option('--json', 'print as JSON')
    .description('A break with its figures, explanation, lineage and audited history')
    .action(async (id: string, options: { json?: boolean }) => {
      const detail = await withReadOnlyApp((app) =>
        showBreak({ database: app.database, cache: app.cache }, breakId(id)),
      );
      if (options.json) printJson(detail);
      else printText(describe(detail));
    });

  const act = (
    name: string,
    action: BreakAction,
    help: string,
    comment: 'optional' | 'required' | 'none',
  ) => {
    const command = breaks
      .command(name)
      .argument('<id>', 'break id')
      .option('--json', 'print the break as JSON')
      .description(help);
    if (comment === 'optional') command.option('--comment <text>', 'why');
    if (comment === 'required') command.requiredOption('--comment <text>', 'why (kept in the audit log)');
    command.action(async (id: string, options: { comment?: string; json?: boolean }) => {
      const view = await withApp((app) =>
        actOnBreak(
          { database: app.database, cache: app.cache, fourEyes: app.config.breaks.fourEyes },
          breakId(id),
          { action, actor: cliActor(), comment: options.comment },
        ),
      );
      if (options.json) printJson(view);
      else process.stdout.write(`Break ${view.id} is ${view.status}.\n`);
    });
  };
  act('ack', 'acknowledge', 'Acknowledge an open break (someone is on it)', 'optional');
  act(
    'resolve',
    'resolve',
    'Resolve a break with a comment; with four-eyes it then awaits approval',
    'required',
  );
  act('approve', 'approve', 'Approve a resolution (four-eyes: not by the person who resolved it)', 'none');
  act(
    'reopen',
    'reopen',
    'Reopen a resolved break whose resolution proved wrong (with a comment)',
    'required',
  );

  breaks
    .command('digest')
    .option('--send', 'send it through the alert channels (for cron)')
    .option('--json', 'print as JSON')
    .description('Open breaks by age: counts per age bucket and the oldest')
    .action(async (options: { send?: boolean; json?: boolean }) => {
      const event = await withApp(async (app) => {
        const digest = await breakDigest(app, { severity: app.alerts.digest.severity });
        if (options.send) await app.notifier.notify(digest);
        return digest;
      });
      if (options.json) return printJson(event);
      const details = event.details as { byAge: Record<string, number>; oldest: Record<string, unknown>[] };
      const lines = [event.title, table(['age', 'open'], Object.entries(details.byAge))];
      if (details.oldest.length > 0) {
        lines.push(
          '',
          table(
            ['id', 'age', 'status', 'account', 'check', 'vendor', 'period end'],
            details.oldest.map((b) => [
              b.break as number,
              `${b.ageDays}d`,
              b.status as string,
              b.account as string,
              b.check as string,
              b.vendor as string,
              b.periodEnd as string,
            ]),
          ),
        );
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
