import type { Command } from 'commander';
import { usageReport } from '../../services/usage/report.ts';
import { optionalIsoDate } from '../input.ts';
import { printJson, table } from '../output.ts';
import { withReadOnlyApp } from '../run.ts';

/** Bytes for a person: kB below a megabyte, MB above. */
const size = (bytes: number) =>
  bytes < 2 ** 20 ? `${(bytes / 1024).toFixed(0)} kB` : `${(bytes / 2 ** 20).toFixed(1)} MB`;

export function registerUsageCommand(program: Command): void {
  program
    .command('usage')
    .option('--from <date>', 'first day, YYYY-MM-DD (default: 6 days before --to)')
    .option('--to <date>', 'last day, YYYY-MM-DD (default: today, UTC)')
    .option('--json', 'print as JSON (see src/contracts/usage.ts)')
    .description(
      'Cost and use per vendor and day (files, rows, bytes, CPU and wall time of jobs), the database by table,\n' +
        'and whether the workers are sized right',
    )
    .action(async (options: { from?: string; to?: string; json?: boolean }) => {
      const from = optionalIsoDate('--from', options.from);
      const to = optionalIsoDate('--to', options.to);
      const report = await withReadOnlyApp((app) => usageReport(app, { from, to }));
      if (options.json) return printJson(report);
      const lines = [`usage ${report.from} to ${report.to} (UTC days)`, ''];
      lines.push(
        report.days.length === 0
          ? 'no files or jobs in the period'
          : table(
              [
                'day',
                'vendor',
                'files',
                'rows read',
                'rows stored',
                'quarantined',
                'bytes in',
                'bytes stored',
                'jobs',
                'CPU s',
                'wall s',
              ],
              report.days.map((d) => [
                d.day,
                d.vendor || '(unknown)',
                d.files,
                d.rowsRead,
                d.rowsStored,
                d.rowsQuarantined,
                size(d.bytesReceived),
                size(d.bytesStored),
                d.jobs,
                d.cpuSeconds.toFixed(1),
                d.wallSeconds.toFixed(1),
              ]),
            ),
      );
      lines.push('', `database: ${size(report.database.bytes)}; largest tables:`);
      lines.push(
        table(
          ['table', 'size', 'rows'],
          report.database.tables.slice(0, 10).map((t) => [t.table, size(t.bytes), t.rows]),
        ),
      );
      lines.push('', `workers: ${report.rightSizing.hint}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
