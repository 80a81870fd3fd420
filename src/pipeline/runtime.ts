// The pipeline's moving parts in one process: the job queue, ingest workers and the inbox
// watcher. `perfrecon worker`, `watch` and `serve` are this with different parts switched on;
// many processes on many machines can run them against one database.
import os from 'node:os';
import type { PgBoss } from 'pg-boss';
import type { Cache } from '../cache/index.ts';
import type { AlertsConfig } from '../config/alerts-config.ts';
import type { AppConfig } from '../config/app-config.ts';
import { type LandingSettings, localLandingPath } from '../config/landing-config.ts';
import type { Notifier } from '../domain/alert.ts';
import type { IngestJobData, ReconcileJobData } from '../domain/job.ts';
import type { VendorConfig } from '../domain/vendor-config.ts';
import type { Logger } from '../observe/logger.ts';
import type { ProcessMetrics } from '../observe/metrics.ts';
import { openLineageSink } from '../observe/openlineage.ts';
import { preparePartitions } from '../services/database.ts';
import { discardAbandonedStaging, discardOrphanedStaging } from '../services/ingest/ingest-file.ts';
import { lineageDatabase } from '../services/ingest/ingest-lineage.ts';
import { landingClaims } from '../services/landing-claims.ts';
import {
  abandonRuns,
  type ReconcileDeps,
  reconcileAfterIngest,
  startBreakDigest,
} from '../services/reconciliation/index.ts';
import { startRetentionSchedule } from '../services/retention.ts';
import type { Database } from '../store/db/database.ts';
import { type DeadLetteredJob, recordDeadLetteredJob } from './dead-letter-job.ts';
import { type PipelineDeps, processLandedFile } from './ingest-job.ts';
import { type IntakeDeps, recoverProcessing } from './intake.ts';
import { measureJob } from './job-usage.ts';
import { folderLandingStore } from './landing-folder-store.ts';
import { s3LandingStore } from './landing-s3-store.ts';
import type { LandingStore } from './landing-store.ts';
import { INGEST_DEAD_LETTER_QUEUE, INGEST_QUEUE, openJobQueue, RECONCILE_QUEUE } from './queues.ts';
import { processReconcileJob } from './reconcile-job.ts';
import { registerSystemGauges } from './system-gauges.ts';
import { startWatcher, type Watcher } from './watcher.ts';

/** What a process hands the pipeline (the composition root's app has it all). */
export interface PipelineHost {
  config: AppConfig;
  alerts: AlertsConfig;
  database: Database;
  vendors: VendorConfig[];
  logger: Logger;
  notifier: Notifier;
  cache: Cache;
  metrics: ProcessMetrics;
}

export interface PipelineOptions {
  /** Run ingest workers with this many jobs at a time; omit for none (or start them later). */
  workers?: { concurrency: number };
  /** Open the queue as a worker (supervising expired jobs) even before workers are started. */
  supervise?: boolean;
  /** Take files from inbox/. */
  watch?: boolean;
  afterStore?: PipelineDeps['afterStore'];
}

export interface RunningPipeline {
  boss: PgBoss;
  landing: LandingStore;
  watcher: Watcher | undefined;
  /** Start ingest workers now (e.g. after queuing, so the first look finds the jobs). */
  startWorkers(concurrency: number): Promise<void>;
  /** Stop taking files and jobs; running jobs finish, or are released for a retry at the timeout. */
  stop(): Promise<void>;
}

export function workerName(): string {
  return `${os.hostname()}:${process.pid}`;
}

function reconcileDeps(app: PipelineHost): ReconcileDeps {
  return {
    database: app.database,
    vendors: app.vendors,
    notifier: app.notifier,
    cache: app.cache,
    logger: app.logger,
  };
}

/** After a file is stored: reconcile the accounts and periods it touched (SPEC §1.8). */
function reconcileStoredFile(app: PipelineHost, actor: string): PipelineDeps['afterStore'] {
  const deps = reconcileDeps(app);
  return async (fileId, signal) => {
    await reconcileAfterIngest(deps, fileId, { actor, signal });
  };
}

export function openLandingStore(settings: LandingSettings): LandingStore {
  return settings.kind === 'folder' ? folderLandingStore(settings.path) : s3LandingStore(settings);
}

export function pipelineDeps(app: PipelineHost, afterStore?: PipelineDeps['afterStore']): PipelineDeps {
  const worker = workerName();
  return {
    database: app.database,
    vendors: app.vendors,
    notifier: app.notifier,
    landing: openLandingStore(app.config.pipeline.landing),
    maxFileBytes: app.config.maxFileBytes,
    cache: app.cache,
    logger: app.logger,
    lineage: openLineageSink(app.config.pipeline, app.logger),
    lineageDatabase: lineageDatabase(app.config),
    worker,
    actor: `worker:${worker}`,
    afterStore: afterStore ?? reconcileStoredFile(app, `worker:${worker}`),
    failpoint: app.config.pipeline.failpoint,
    metrics: app.metrics,
  };
}

export async function startPipeline(app: PipelineHost, options: PipelineOptions): Promise<RunningPipeline> {
  const config = app.config.pipeline;
  const deps = pipelineDeps(app, options.afterStore);
  await deps.landing.ensure();
  const boss = await openJobQueue(app.database, config, app.logger, {
    role: options.workers === undefined && options.supervise !== true ? 'client' : 'worker',
  });
  registerSystemGauges(app.metrics, app);
  const intake: IntakeDeps = {
    landing: deps.landing,
    claims: landingClaims(app, deps.worker),
    boss,
    logger: app.logger,
    failpoint: config.failpoint,
  };
  try {
    if (options.workers !== undefined)
      await startWorkers(
        boss,
        deps,
        reconcileDeps(app),
        options.workers.concurrency,
        config.pollIntervalSeconds,
      );
  } catch (error) {
    await boss.stop({ graceful: false, close: false }).catch(() => {});
    throw error;
  }
  const watcher = options.watch
    ? await startWatcher(intake, { intervalMs: config.watchIntervalMs, stableMs: config.watchStableMs })
    : undefined;
  if (options.workers !== undefined) {
    // The months ahead of the partitioned tables (rows go to a default partition meanwhile); kept
    // ahead afterwards by every retention run.
    void preparePartitions(app).then(
      (partitions) => partitions.length > 0 && app.logger.info({ partitions }, 'partitions created'),
      (error: Error) =>
        app.logger.warn({ err: error }, `could not create partitions ahead: ${error.message}`),
    );
    void cleanUpAfterCrashes(app, boss, deps.actor).catch((error: Error) =>
      app.logger.warn({ err: error }, `could not clean up after stopped processes: ${error.message}`),
    );
  }
  if (options.workers !== undefined && !options.watch) {
    // A deployment without a watcher still queues files an interrupted intake left in processing/
    // (the watcher does this itself). Only older ones: a younger file is an intake still under way.
    void recoverProcessing(intake, 60_000).catch((error: Error) =>
      app.logger.warn(
        { err: error },
        `could not check processing/ for files without a job: ${error.message}`,
      ),
    );
  }
  // The periodic digest of open breaks by age, sent by every worker process; identical digests
  // within the alert de-duplication window go out once.
  const { intervalMinutes, severity } = app.alerts.digest;
  const stopDigest =
    options.workers !== undefined && intervalMinutes !== null
      ? startBreakDigest(app, { intervalMinutes, severity })
      : undefined;
  // Retention on a schedule, in every worker process; one run at a time holds the database's
  // lock and the others skip theirs.
  const retention = app.config.retention;
  const stopRetention =
    options.workers !== undefined && retention.intervalMinutes !== undefined
      ? startRetentionSchedule(app, {
          settings: retention,
          landingRoot: localLandingPath(app.config.pipeline.landing),
          actor: `worker:${deps.worker}`,
          intervalMinutes: retention.intervalMinutes,
        })
      : undefined;
  let stopping: Promise<void> | undefined;
  return {
    boss,
    landing: deps.landing,
    watcher,
    startWorkers: (concurrency) =>
      startWorkers(boss, deps, reconcileDeps(app), concurrency, config.pollIntervalSeconds),
    stop() {
      stopping ??= (async () => {
        stopDigest?.();
        stopRetention?.();
        await watcher?.stop();
        // Graceful: running handlers get the timeout to finish; pg-boss then fails (releases)
        // what is still active, so no job stays `active` for a dead process.
        await boss.stop({ graceful: true, timeout: config.shutdownTimeoutSeconds * 1000, close: false });
      })();
      return stopping;
    },
  };
}

/**
 * What processes that died left behind: reconciliation runs without a heartbeat (marked
 * ABANDONED by this worker), staged rows of jobs no longer active, and old staging of loads
 * outside a job.
 */
async function cleanUpAfterCrashes(app: PipelineHost, boss: PgBoss, actor: string): Promise<void> {
  const abandoned = await abandonRuns(app, actor);
  const isActive = async (id: string) =>
    (await boss.findJobs(INGEST_QUEUE, { id })).some((job) => job.state === 'active');
  const orphaned = await discardOrphanedStaging(app, isActive);
  const old = await discardAbandonedStaging(app);
  if (abandoned.length + orphaned + old > 0) {
    app.logger.info(
      { abandonedRuns: abandoned, stagingRows: orphaned + old },
      'cleaned up after stopped processes',
    );
  }
}

async function startWorkers(
  boss: PgBoss,
  deps: PipelineDeps,
  reconciliation: ReconcileDeps,
  concurrency: number,
  pollIntervalSeconds: number,
) {
  const ingestOptions = {
    localConcurrency: concurrency,
    batchSize: 1,
    perJobResults: true,
    // The job's due and start times: its wait in the queue (job-usage.ts).
    includeMetadata: true,
    pollingIntervalSeconds: pollIntervalSeconds,
  } as const;
  await boss.work<IngestJobData, unknown, typeof ingestOptions>(INGEST_QUEUE, ingestOptions, async (jobs) => {
    const results = await Promise.all(
      jobs.map(async (job) => {
        const disposition = await measureJob(deps, job, concurrency, () =>
          processLandedFile(deps, {
            id: job.id,
            data: job.data,
            attempt: job.retryCount + 1,
            signal: job.signal,
          }),
        );
        return { id: job.id, status: disposition.status, output: disposition.output };
      }),
    );
    // A worker that just finished a job looks for the next one at once instead of sleeping out
    // its polling interval: a backlog of small files is not paced at one per poll.
    for (const worker of boss.getWipData()) if (worker.name === INGEST_QUEUE) boss.notifyWorker(worker.id);
    return results;
  });
  // Runs asked for through the API: one at a time per process (a run is heavy; runs over the same
  // accounts serialise on their locks anyway).
  const reconcileOptions = { batchSize: 1, pollingIntervalSeconds: pollIntervalSeconds } as const;
  await boss.work<ReconcileJobData, unknown, typeof reconcileOptions>(
    RECONCILE_QUEUE,
    reconcileOptions,
    async (jobs) => {
      for (const job of jobs) await processReconcileJob(reconciliation, job);
    },
  );
  const deadLetterOptions = {
    includeMetadata: true,
    batchSize: 1,
    pollingIntervalSeconds: Math.max(pollIntervalSeconds, 2),
  } as const;
  await boss.work<IngestJobData, unknown, typeof deadLetterOptions>(
    INGEST_DEAD_LETTER_QUEUE,
    deadLetterOptions,
    async (jobs) => {
      for (const job of jobs) {
        const letter: DeadLetteredJob = {
          id: job.id,
          data: job.data,
          sourceId: job.sourceId,
          sourceName: job.sourceName,
          sourceRetryCount: job.sourceRetryCount,
          sourceOutput: job.sourceOutput,
        };
        await recordDeadLetteredJob(deps, letter);
      }
    },
  );
}
