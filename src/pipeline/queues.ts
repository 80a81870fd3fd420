// The durable job queue: pg-boss on the application's own PostgreSQL pool (embedded or server).
// Every queue, its retry policy and its dead-letter queue are defined here and nowhere else.
import os from 'node:os';
import { type ConstructorOptions, type Db, fromKysely, PgBoss, type Queue } from 'pg-boss';
import type { PipelineConfig } from '../config/app-config.ts';
import type { IngestJobData } from '../domain/job.ts';
import type { Logger } from '../observe/logger.ts';
import type { IngestJobSender } from '../services/dead-letters.ts';
import type { ReconcileJobSender } from '../services/reconciliation/index.ts';
import type { Database } from '../store/db/database.ts';

export const INGEST_QUEUE = 'perfrecon.ingest-file';
export const INGEST_DEAD_LETTER_QUEUE = 'perfrecon.ingest-file.dead-letter';
export const RECONCILE_QUEUE = 'perfrecon.reconcile';

export interface QueueDefinition {
  name: string;
  options: Omit<Queue, 'name'>;
}

const DAY = 24 * 3600;

/**
 * The queues in creation order: a dead-letter queue must exist before the queue naming it.
 * The ingest queue is `singleton` per file (singletonKey = SHA-256): two arrivals of the same
 * bytes are never processed at the same time, by any worker.
 */
export function queueDefinitions(config: PipelineConfig): QueueDefinition[] {
  return [
    {
      name: INGEST_DEAD_LETTER_QUEUE,
      options: {
        policy: 'standard',
        // Recording a dead letter only writes a row and moves a file: retry it patiently.
        retryLimit: 10,
        retryDelay: 5,
        retryBackoff: true,
        retryDelayMax: 300,
        expireInSeconds: 300,
        heartbeatSeconds: config.heartbeatSeconds,
        retentionSeconds: 30 * DAY,
        deleteAfterSeconds: 30 * DAY,
      },
    },
    {
      name: INGEST_QUEUE,
      options: {
        policy: 'singleton',
        retryLimit: config.retryLimit,
        retryDelay: config.retryDelaySeconds,
        retryBackoff: true,
        retryDelayMax: config.retryDelayMaxSeconds,
        expireInSeconds: config.jobTimeoutSeconds,
        heartbeatSeconds: config.heartbeatSeconds,
        deadLetter: INGEST_DEAD_LETTER_QUEUE,
        retentionSeconds: 14 * DAY,
        deleteAfterSeconds: 7 * DAY,
      },
    },
    {
      // Runs asked for through the API. Not retried: a run that fails is recorded FAILED with its
      // error (the run is its own dead letter) and a new run is the retry; a worker that dies
      // mid-run leaves it RUNNING without heartbeat, marked ABANDONED by the next worker.
      name: RECONCILE_QUEUE,
      options: {
        policy: 'standard',
        retryLimit: 0,
        expireInSeconds: config.jobTimeoutSeconds,
        heartbeatSeconds: config.heartbeatSeconds,
        retentionSeconds: 14 * DAY,
        deleteAfterSeconds: 7 * DAY,
      },
    },
  ];
}

/** pg-boss runs its statements through the application's pool: one pool, one database path. */
function poolAdapter(database: Database): Db {
  const pool = database.pool;
  return {
    executeSql: (text: string, values?: unknown[]) => pool.query(text, values),
    poolCounts: () => ({
      max: pool.options.max ?? 10,
      total: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
    }),
  };
}

export interface OpenQueueOptions {
  /** A worker supervises (expires jobs, fails those without heartbeat) and registers itself. */
  role: 'worker' | 'client';
  instanceName?: string;
}

/** Start pg-boss (installing or migrating its schema), with its queues created or updated. */
export async function openJobQueue(
  database: Database,
  config: PipelineConfig,
  logger: Logger,
  options: OpenQueueOptions,
): Promise<PgBoss> {
  const worker = options.role === 'worker';
  const bossOptions: ConstructorOptions = {
    db: poolAdapter(database),
    schema: 'pgboss',
    migrate: true,
    supervise: worker,
    superviseIntervalSeconds: config.superviseIntervalSeconds,
    monitorIntervalSeconds: config.superviseIntervalSeconds,
    schedule: false,
    registerInstance: worker,
    instanceName: options.instanceName ?? `perfrecon@${os.hostname()}:${process.pid}`,
    openTelemetry: { enabled: false },
  };
  const boss = new PgBoss(bossOptions);
  // pg-boss reports failed polls and maintenance here; without a listener they would crash the process.
  boss.on('error', (error) => logger.warn({ err: error }, `job queue: ${error.message}`));
  boss.on('warning', (warning) => logger.warn({ data: warning.data }, `job queue: ${warning.message}`));
  await boss.start({ attempts: 3 });
  try {
    await createQueues(boss, config);
  } catch (error) {
    await boss.stop({ graceful: false, close: false }).catch(() => {});
    throw error;
  }
  return boss;
}

async function createQueues(boss: PgBoss, config: PipelineConfig): Promise<void> {
  for (const { name, options } of queueDefinitions(config)) {
    const existing = await boss.getQueue(name);
    if (existing === null) {
      await boss.createQueue(name, options);
      continue;
    }
    // The policy and partitioning are fixed at creation; the retry settings follow the configuration.
    const { policy: _policy, partition: _partition, ...mutable } = options;
    await boss.updateQueue(name, mutable);
  }
}

/** Ingest jobs sent inside a service's transaction: queued if and only if it commits. */
export function ingestJobSender(boss: PgBoss): IngestJobSender {
  return {
    async send(data, options) {
      await boss.send(INGEST_QUEUE, data as unknown as object, {
        id: options.id,
        singletonKey: data.sha256,
        db: fromKysely(options.transaction),
      });
    },
  };
}

/** Reconciliation jobs sent inside the service's transaction that records the run. */
export function reconcileJobSender(boss: PgBoss): ReconcileJobSender {
  return {
    async send(data, transaction) {
      await boss.send(RECONCILE_QUEUE, data as unknown as object, { db: fromKysely(transaction) });
    },
  };
}

/** Whether the queue's schema answers now (readiness probes). */
export async function queueReachable(boss: PgBoss): Promise<boolean> {
  return boss.getQueue(INGEST_QUEUE).then(
    (queue) => queue !== null,
    () => false,
  );
}

/** The state of an ingest job and the SHA-256 of its file; undefined when there is no such job. */
export async function ingestJobState(
  boss: PgBoss,
  jobId: string,
): Promise<{ state: string; sha256: string } | undefined> {
  const [job] = await boss.findJobs<IngestJobData>(INGEST_QUEUE, { id: jobId });
  return job === undefined ? undefined : { state: job.state, sha256: job.data.sha256 };
}

/** Jobs of a queue waiting (created or due for a retry), running, and the age of the oldest waiting one. */
export async function queueBacklog(
  database: Database,
  queue: string,
): Promise<{ waiting: number; active: number; oldestAgeSeconds: number }> {
  // pg-boss keeps no age of the oldest job; its own table answers (the queue's schema, read only).
  const { rows } = await database.pool.query<{ waiting: string; active: string; oldest: number | null }>(
    `SELECT count(*) FILTER (WHERE state IN ('created', 'retry')) AS waiting,
            count(*) FILTER (WHERE state = 'active') AS active,
            extract(epoch FROM now() - min(created_on) FILTER (WHERE state IN ('created', 'retry') AND start_after <= now()))::float8 AS oldest
       FROM pgboss.job WHERE name = $1`,
    [queue],
  );
  const row = rows[0];
  return {
    waiting: Number(row?.waiting ?? 0),
    active: Number(row?.active ?? 0),
    oldestAgeSeconds: Math.max(0, row?.oldest ?? 0),
  };
}
