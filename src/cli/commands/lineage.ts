import type { Command } from 'commander';
import type { PeriodLineage } from '../../contracts/lineage.ts';
import { parseIsoDate } from '../../domain/civil-date.ts';
import { periodLineage } from '../../services/lineage.ts';
import { printJson, printText, shortTime } from '../output.ts';
import { withReadOnlyApp } from '../run.ts';

function describe(l: PeriodLineage): string {
  const where = (loc: PeriodLineage['sourceLocation']) =>
    [
      loc.sheet === undefined ? undefined : `sheet "${loc.sheet}"`,
      loc.row === undefined ? undefined : `row ${loc.row}`,
      loc.jsonPath === undefined ? undefined : String(loc.jsonPath),
    ]
      .filter(Boolean)
      .join(', ');
  const lines = [
    `${l.accountId} ${l.periodStart} → ${l.periodEnd}, vendor ${l.vendorCode}`,
    `  file            #${l.file.id} ${l.file.name} (${l.file.status})`,
    `                  sha256 ${l.file.sha256}`,
    `                  received ${shortTime(l.file.receivedAt)}, vendor ${l.file.vendorCode ?? '?'}, now at ${l.file.storedPath ?? '?'}`,
    `  source          ${where(l.sourceLocation) || '(whole file)'}`,
    `  configuration   ${l.vendorCode}@${l.configuration.version}${l.configuration.recordedAt ? ` (recorded ${shortTime(l.configuration.recordedAt)})` : ''}`,
    `  calculation     ${l.calculation.method ?? '?'} version ${l.calculation.version ?? '?'}${l.calculation.undefinedReason ? ` — undefined: ${l.calculation.undefinedReason}` : ''}`,
    '  figures and where each came from:',
  ];
  for (const [field, value] of Object.entries(l.figures)) {
    const source =
      field === 'calculated_return'
        ? `calculated (${l.calculation.method ?? '?'} ${l.calculation.version ?? ''})`
        : l.fieldSources[field] === undefined
          ? ''
          : `← ${l.fieldSources[field]}`;
    lines.push(`    ${field.padEnd(20)} ${String(value ?? '').padEnd(24)} ${source}`);
  }
  for (const flow of l.flows) {
    lines.push(
      `    flow ${flow.seq}`.padEnd(25) +
        `${flow.amount} on ${flow.date} (${flow.timing})`.padEnd(25) +
        (l.fieldSources.flows ? `← ${l.fieldSources.flows}` : ''),
    );
  }
  if (l.reconciliation.length > 0) {
    lines.push('  reconciliation:');
    for (const r of l.reconciliation) {
      const variance = r.varianceBps === null ? '' : `, variance ${r.varianceBps} bp`;
      const against = r.counterparty === '' ? '' : ` against ${r.counterparty}`;
      lines.push(
        `    run ${r.runId} ${r.check}${against}: ${r.status}${variance}${r.cause ? ` (${r.cause})` : ''}`,
      );
    }
  } else {
    lines.push('  reconciliation:  (no result for this period yet)');
  }
  if (l.history.length > 0) {
    lines.push('  replaced figures (restatements):');
    for (const h of l.history) {
      lines.push(
        `    ${shortTime(h.at)} ${h.action} by ${h.actor}: was file #${String(h.fileId ?? '?')}, BMV ${String(h.oldValues.begin_market_value ?? '')}, EMV ${String(h.oldValues.end_market_value ?? '')}, vendor return ${String(h.oldValues.vendor_return ?? '')}`,
      );
    }
  }
  return lines.join('\n');
}

export function registerLineageCommand(program: Command): void {
  program
    .command('lineage')
    .argument('<account>', 'account id')
    .argument('<period-end>', 'period end date, YYYY-MM-DD')
    .option('--vendor <code>', 'only this vendor’s record')
    .option('--json', 'print as JSON')
    .description(
      'Trace a stored period to its origin: file (SHA-256, name, received, vendor) → sheet/row/column or\n' +
        'JSON path of each field → vendor configuration version → calculation version → reconciliation.',
    )
    .action(async (account: string, periodEnd: string, options: { vendor?: string; json?: boolean }) => {
      const request = {
        accountId: account,
        periodEnd: parseIsoDate('period end', periodEnd),
        vendorCode: options.vendor,
      };
      const lineage = await withReadOnlyApp((app) => periodLineage(app, request));
      if (options.json) return printJson(lineage);
      printText(lineage.map(describe).join('\n\n'));
    });
}
