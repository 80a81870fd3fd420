import type { Command } from 'commander';
import { wholeNumber } from '../input.ts';
import { httpOptions, metricsPortOption, runUntilSignal } from '../long-running.ts';
import { withApp } from '../run.ts';

const METRICS_PORT_HELP =
  'serve Prometheus metrics at http://PERFRECON_API_HOST:<n>/metrics (0: any free port, printed at start)';

function concurrencyOption(raw: string | undefined, fallback: number): number {
  return raw === undefined ? fallback : wholeNumber('--concurrency', raw, { min: 1, max: 64 });
}

export function registerPipelineCommands(program: Command): void {
  program
    .command('worker')
    .description(
      'Run ingest jobs from the durable queue (many workers on many machines may share one database).\n' +
        'A job that fails for a transient reason is retried with exponential backoff, then dead-lettered.',
    )
    .option('--concurrency <n>', 'jobs at a time in this process (default PERFRECON_WORKER_CONCURRENCY or 2)')
    .option('--metrics-port <n>', METRICS_PORT_HELP)
    .action(async (options: { concurrency?: string; metricsPort?: string }) => {
      await withApp(
        async (app) => {
          const concurrency = concurrencyOption(options.concurrency, app.config.pipeline.workerConcurrency);
          const metricsPort = metricsPortOption(options.metricsPort);
          await runUntilSignal(app, { workers: { concurrency }, metricsPort }, 'worker');
        },
        { maxConnections: 20, applicationName: 'perfrecon-worker' },
      );
    });

  program
    .command('watch')
    .description(
      'Take files from the landing inbox/ and queue a job for each (no processing in this process).\n' +
        'A file is taken once complete: written under a temporary name (.name, *.tmp, *.part) and renamed,\n' +
        'or unchanged in size and time for PERFRECON_WATCH_STABLE_MS (default 2000 ms).',
    )
    .action(async () => {
      await withApp((app) => runUntilSignal(app, { watch: true }, 'watch'), {
        maxConnections: 4,
        applicationName: 'perfrecon-watch',
      });
    });

  program
    .command('serve')
    .description('Run workers, the inbox watcher and the HTTP API in one process (the default deployment).')
    .option('--concurrency <n>', 'jobs at a time (default PERFRECON_WORKER_CONCURRENCY or 2)')
    .option('--port <n>', 'API port (default PERFRECON_API_PORT or 8080)')
    .option('--host <address>', 'API address to listen on (default PERFRECON_API_HOST or 127.0.0.1)')
    .option('--no-api', 'without the HTTP API')
    .option('--metrics-port <n>', `${METRICS_PORT_HELP}; the API's /metrics shows the same`)
    .action(
      async (options: {
        concurrency?: string;
        port?: string;
        host?: string;
        api: boolean;
        metricsPort?: string;
      }) => {
        await withApp(
          async (app) => {
            const concurrency = concurrencyOption(options.concurrency, app.config.pipeline.workerConcurrency);
            const http = options.api ? httpOptions(app, options) : undefined;
            const metricsPort = metricsPortOption(options.metricsPort);
            await runUntilSignal(app, { workers: { concurrency }, watch: true, http, metricsPort }, 'serve');
          },
          { maxConnections: 20, applicationName: 'perfrecon-serve' },
        );
      },
    );
}
