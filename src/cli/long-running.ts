// The long-running commands (worker, watch, serve, api): start the pipeline's parts and, when
// asked, the HTTP API on the same job queue; run until SIGTERM or SIGINT, then stop gracefully:
// the API finishes its requests, running jobs finish or are released.

import { buildServer } from '../api/server.ts';
import type { App } from '../app.ts';
import { startMetricsServer } from '../observe/metrics-server.ts';
import { INGEST_QUEUE, queueBacklog } from '../pipeline/queues.ts';
import { type PipelineOptions, startPipeline } from '../pipeline/runtime.ts';
import { startAlarmSchedule } from '../services/alarms/evaluate.ts';
import { wholeNumber } from './input.ts';

export interface HttpOptions {
  port: number;
  host: string;
}

/** --port and --host over the configured defaults. */
export function httpOptions(app: App, raw: { port?: string; host?: string }): HttpOptions {
  return {
    port:
      raw.port === undefined ? app.config.api.port : wholeNumber('--port', raw.port, { min: 0, max: 65535 }),
    host: raw.host ?? app.config.api.host,
  };
}

export async function runUntilSignal(
  app: App,
  options: PipelineOptions & { http?: HttpOptions; metricsPort?: number },
  label: string,
): Promise<void> {
  const pipeline = await startPipeline(app, options);
  const api = options.http === undefined ? undefined : await buildServer(app, pipeline);
  const metrics =
    options.metricsPort === undefined
      ? undefined
      : await startMetricsServer(app.metrics.registry, {
          port: options.metricsPort,
          host: options.http?.host ?? app.config.api.host,
          logger: app.logger,
        });
  // Every long-running process offers to evaluate the alarms; one at a time does, once a minute,
  // and samples the metrics history (with the ingest queue's backlog and its own cache lookups).
  const interval = app.config.alerts.alarmIntervalSeconds;
  const stopAlarms =
    interval === undefined
      ? undefined
      : startAlarmSchedule(
          { ...app, queueBacklog: () => queueBacklog(app.database, INGEST_QUEUE) },
          interval,
        );
  try {
    const address = api === undefined ? undefined : await api.listen(options.http);
    const parts = [
      metrics === undefined ? undefined : `metrics on ${metrics.url}/metrics`,
      options.workers ? `worker (${options.workers.concurrency} at a time)` : undefined,
      options.watch ? `watching ${pipeline.landing.inbox}` : undefined,
      address === undefined ? undefined : `API on ${address} (docs at ${address}/api/docs)`,
    ].filter(Boolean);
    process.stderr.write(
      `perfrecon ${label}: ${parts.join(', ')}; database ${app.database.mode}. Stop with Ctrl-C or SIGTERM.\n`,
    );
    // A line tests and supervisors can wait for.
    app.logger.info({ pid: process.pid, label, address, metrics: metrics?.url }, 'pipeline ready');
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
  } finally {
    stopAlarms?.();
    // The API first: it stops taking requests and finishes those under way, then the queue stops.
    await api?.close();
    await metrics?.close();
    await pipeline.stop();
  }
  process.stderr.write(`perfrecon ${label}: stopped\n`);
}

/** --metrics-port: where a process serves its own /metrics (0: any free port). */
export function metricsPortOption(raw: string | undefined): number | undefined {
  return raw === undefined ? undefined : wholeNumber('--metrics-port', raw, { min: 0, max: 65535 });
}
