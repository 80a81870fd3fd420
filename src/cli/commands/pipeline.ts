import type { Command } from 'commander';
import type { App } from '../../app.ts';
import { type PipelineOptions, startPipeline } from '../../pipeline/runtime.ts';
import { wholeNumber } from '../input.ts';
import { withApp } from '../run.ts';

function concurrencyOption(raw: string | undefined, fallback: number): number {
  return raw === undefined ? fallback : wholeNumber('--concurrency', raw, { min: 1, max: 64 });
}

/** Run until SIGTERM or SIGINT, then stop gracefully: running jobs finish or are released. */
async function runUntilSignal(app: App, options: PipelineOptions, label: string): Promise<void> {
  const pipeline = await startPipeline(app, options);
  const parts = [
    options.workers ? `worker (${options.workers.concurrency} at a time)` : undefined,
    options.watch ? `watching ${pipeline.landing.inbox}` : undefined,
  ].filter(Boolean);
  process.stderr.write(
    `perfrecon ${label}: ${parts.join(', ')}; database ${app.database.mode}. Stop with Ctrl-C or SIGTERM.\n`,
  );
  // A line tests and supervisors can wait for.
  app.logger.info({ pid: process.pid, label }, 'pipeline ready');
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.stderr.write(
        `perfrecon ${label}: ${signal}, stopping (running jobs get up to ${app.config.pipeline.shutdownTimeoutSeconds} s)\n`,
      );
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      resolve();
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  await pipeline.stop();
  process.stderr.write(`perfrecon ${label}: stopped\n`);
}

export function registerPipelineCommands(program: Command): void {
  program
    .command('worker')
    .description(
      'Run ingest jobs from the durable queue (many workers on many machines may share one database).\n' +
        'A job that fails for a transient reason is retried with exponential backoff, then dead-lettered.',
    )
    .option('--concurrency <n>', 'jobs at a time in this process (default PERFRECON_WORKER_CONCURRENCY or 2)')
    .action(async (options: { concurrency?: string }) => {
      await withApp(
        async (app) => {
          const concurrency = concurrencyOption(options.concurrency, app.config.pipeline.workerConcurrency);
          await runUntilSignal(app, { workers: { concurrency } }, 'worker');
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
    .description('Run workers and the inbox watcher in one process (the default deployment).')
    .option('--concurrency <n>', 'jobs at a time (default PERFRECON_WORKER_CONCURRENCY or 2)')
    .action(async (options: { concurrency?: string }) => {
      await withApp(
        async (app) => {
          const concurrency = concurrencyOption(options.concurrency, app.config.pipeline.workerConcurrency);
          await runUntilSignal(app, { workers: { concurrency }, watch: true }, 'serve');
        },
        { maxConnections: 20, applicationName: 'perfrecon-serve' },
      );
    });
}
