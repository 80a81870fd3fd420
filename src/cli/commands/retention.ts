import type { Command } from 'commander';
import { localLandingPath } from '../../config/landing-config.ts';
import { runRetention } from '../../services/retention.ts';
import { printJson, table } from '../output.ts';
import { cliActor, withApp } from '../run.ts';

const since = (cutoff: string | null) => (cutoff === null ? 'kept (no retention set)' : `before ${cutoff}`);

export function registerRetentionCommands(program: Command): void {
  const retention = program
    .command('retention')
    .description('Purge what grows with every run, by the retention settings (PERFRECON_RETENTION_*)');

  retention
    .command('run')
    .description(
      'Purge passing reconciliation results a later run superseded, old processing-log rows, and (when\n' +
        'configured) old audit rows and archived landing files. Kept always: the newest result of every\n' +
        "check, every FAILED result, each file's latest processing-log row. Workers also run this on a schedule.",
    )
    .option('--dry-run', 'count what would be purged; change nothing')
    .option('--json', 'print the report as JSON')
    .action(async (options: { dryRun?: boolean; json?: boolean }) => {
      const report = await withApp((app) =>
        runRetention(app, {
          settings: app.config.retention,
          landingRoot: localLandingPath(app.config.pipeline.landing),
          dryRun: options.dryRun === true,
          actor: cliActor(),
        }),
      );
      if (options.json) return printJson(report);
      if (!report.ran) {
        process.stdout.write('another retention run is under way; nothing done\n');
        return;
      }
      const verb = report.dryRun ? 'would purge' : 'purged';
      process.stdout.write(
        `${table(
          ['what', verb, 'which'],
          [
            ['superseded passing results', report.results.rows, since(report.results.cutoff)],
            ['processing-log rows', report.processingLog.rows, since(report.processingLog.cutoff)],
            ['audit rows', report.audit.rows, since(report.audit.cutoff)],
            ['metric samples', report.metricSamples.rows, since(report.metricSamples.cutoff)],
            [
              'archived landing files',
              `${report.landing.files} (${(report.landing.bytes / 1048576).toFixed(1)} MB)`,
              since(report.landing.cutoff),
            ],
          ],
        )}\n`,
      );
      const { created, dropped } = report.partitions;
      if (created.length + dropped.length > 0)
        process.stdout.write(
          `monthly partitions: ${created.length} created${created.length > 0 ? ` (${created.join(', ')})` : ''}, ` +
            `${dropped.length} ${report.dryRun ? 'to drop' : 'dropped'}${dropped.length > 0 ? ` (${dropped.join(', ')})` : ''}\n`,
        );
    });
}
