import type { Command } from 'commander';
import { ingestViaQueue, type QueuedIngestResult } from '../../pipeline/ingest-and-wait.ts';
import type { IngestSummary } from '../../services/ingest/ingest-file.ts';
import { ingestFile } from '../../services/ingest/ingest-file.ts';
import { printJson, printText, progressBar, table } from '../output.ts';
import { cliActor, withApp, withReadOnlyApp } from '../run.ts';

export function registerIngestCommand(program: Command): void {
  program
    .command('ingest')
    .argument('<files...>', 'CSV, Excel (.xlsx) or JSON files to take in')
    .option('--vendor <code>', 'vendor configuration to read the files with (default: by file-name pattern)')
    .option('--dry-run', 'validate, map and preview without writing anything (directly, no job)')
    .option('--no-wait', 'only queue the files for the workers (perfrecon worker / serve) and return')
    .option('--json', 'print the summary as JSON')
    .description(
      'Validate, map and store vendor files. Bad rows are quarantined with their location; the good\n' +
        'rows of a file become visible all at once or not at all. The same bytes twice are stored once.\n' +
        'Each file goes through the same intake as the landing inbox: a copy in the landing folder and a\n' +
        'durable job, run here (retried on transient failures, then dead-lettered) unless --no-wait.',
    )
    .addHelpText(
      'after',
      '\nExit status: 0 stored (or previewed, or queued), 2 when a file was rejected, 1 when it failed\n' +
        '(dead-lettered: see perfrecon dlq list).\n' +
        'Examples:\n  perfrecon ingest data/acme-2024-01.csv --vendor canonical\n  perfrecon ingest *.xlsx --dry-run',
    )
    .action(
      async (
        files: string[],
        options: { vendor?: string; dryRun?: boolean; wait: boolean; json?: boolean },
      ) => {
        if (!options.dryRun) {
          const results = await withApp(
            (app) => ingestViaQueue(app, files, { vendorCode: options.vendor, wait: options.wait }),
            {
              maxConnections: 20,
            },
          );
          if (options.json) printJson(results.length === 1 ? results[0] : results);
          else for (const result of results) printText(describeQueued(result));
          if (results.some((r) => r.state === 'failed')) process.exitCode = 1;
          else if (
            results.some(
              (r) => r.state === 'completed' && (r.output.outcome === 'REJECTED' || r.output.error !== null),
            )
          ) {
            process.exitCode = 2;
          }
          return;
        }
        // A dry run only reads: it never migrates, and alerts no one.
        const summaries = await withReadOnlyApp(async (app) => {
          const results: IngestSummary[] = [];
          for (const file of files) {
            const progress = progressBar(`ingest ${file}`, options.json !== true);
            try {
              results.push(
                await ingestFile(
                  {
                    database: app.database,
                    vendors: app.vendors,
                    notifier: app.notifier,
                    actor: cliActor(),
                    worker: `cli:${process.pid}`,
                    maxFileBytes: app.config.maxFileBytes,
                  },
                  {
                    filePath: file,
                    vendorCode: options.vendor,
                    dryRun: options.dryRun,
                    previewRows: options.dryRun ? 20 : 0,
                    onProgress: (done, total) => progress.update(done, total),
                  },
                ),
              );
            } finally {
              progress.stop();
            }
          }
          return results;
        });
        if (options.json) printJson(summaries.length === 1 ? summaries[0] : summaries);
        else for (const summary of summaries) printText(describe(summary));
        if (summaries.some((s) => s.outcome === 'REJECTED' || s.error !== null)) process.exitCode = 2;
      },
    );
}

function describe(summary: IngestSummary): string {
  const lines: string[] = [];
  const head = `${summary.file} (${summary.vendor ?? 'no vendor'}, sha256 ${summary.sha256.slice(0, 12)}…)`;
  if (summary.outcome === 'ALREADY_INGESTED') {
    return `${head}: already ingested as file #${summary.fileId} (${summary.previousStatus}); nothing changed.`;
  }
  lines.push(`${head}: ${summary.outcome}${summary.fileId === null ? '' : ` as file #${summary.fileId}`}`);
  if (summary.error !== null) {
    lines.push(`  error: ${summary.error.message}`);
    if (summary.error.hint !== null) lines.push(`  what to do: ${summary.error.hint}`);
  }
  lines.push(
    `  rows read ${summary.rowsRead}, stored ${summary.rowsStored}` +
      (summary.outcome === 'DRY_RUN'
        ? ' (not written: dry run)'
        : ` (new ${summary.rowsInserted}, updated ${summary.rowsUpdated})`) +
      `, quarantined ${summary.rowsQuarantined}, skipped ${summary.rowsSkipped}, ${(summary.durationMs / 1000).toFixed(2)} s`,
  );
  for (const skipped of summary.skipped.slice(0, 5)) lines.push(`  skipped ${skipped}`);
  for (const warning of summary.warnings.slice(0, 10)) lines.push(`  warning: ${warning}`);
  const shown = Math.min(summary.warnings.length, 10);
  if (summary.warningCount > shown) {
    lines.push(
      `  … and ${summary.warningCount - shown} more warnings` +
        (summary.fileId === null || summary.outcome === 'DRY_RUN'
          ? ''
          : `: perfrecon files warnings ${summary.fileId}`),
    );
  }
  for (const row of summary.quarantine.slice(0, 10))
    lines.push(`  quarantined ${row.location}: ${row.problems.join('; ')}`);
  if (summary.rowsQuarantined > 10) {
    lines.push(
      `  … ${summary.rowsQuarantined - 10} more quarantined rows: perfrecon files show ${summary.fileId ?? ''}`,
    );
  }
  if (summary.preview.length > 0) {
    lines.push(
      table(
        ['account', 'start', 'end', 'ccy', 'BMV', 'EMV', 'flows', 'vendor return', 'basis'],
        summary.preview.map((r) => [
          r.accountId,
          r.periodStart,
          r.periodEnd,
          r.currency,
          r.beginMarketValue,
          r.endMarketValue,
          r.flows.map((f) => `${f.amount}@${f.date}`).join(' '),
          r.vendorReturn,
          r.returnBasis,
        ]),
      )
        .split('\n')
        .map((line) => `  ${line}`)
        .join('\n'),
    );
  }
  return lines.join('\n');
}

function describeQueued(result: QueuedIngestResult): string {
  const { receipt } = result;
  if (result.state === 'queued') {
    return `${receipt.landingName}: queued as job ${receipt.jobId} (sha256 ${receipt.sha256.slice(0, 12)}…); a worker takes it`;
  }
  if (result.state === 'failed') {
    return [
      `${receipt.landingName} (sha256 ${receipt.sha256.slice(0, 12)}…): FAILED after its retries`,
      `  error: ${result.error}`,
      result.deadLetter === null
        ? '  what to do: see perfrecon dlq list'
        : `  what to do: fix the cause, then perfrecon dlq replay ${result.deadLetter}`,
    ].join('\n');
  }
  const { output } = result;
  const summary: IngestSummary = { ...output, outcome: output.outcome, preview: [] };
  const recovered = output.recovered ? ' (finished after an interruption)' : '';
  return `${describe(summary)}${recovered}`;
}
