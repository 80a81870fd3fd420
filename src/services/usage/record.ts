// One job run's cost, recorded by the worker that ran it.
import type { Database } from '../../store/db/database.ts';
import { insertJobUsage } from '../../store/usage-repository.ts';

export interface JobUsage {
  jobId: string;
  attempt: number;
  fileId: number | null;
  vendor: string | null;
  outcome: string;
  worker: string;
  workerSlots: number;
  /** When the job became due (created, or its retry delay over). */
  queuedAt: Date;
  startedAt: Date;
  finishedAt: Date;
  cpuSeconds: number;
  rssBytes: number;
}

export async function recordJobUsage(
  deps: { database: Pick<Database, 'db'> },
  usage: JobUsage,
): Promise<void> {
  await insertJobUsage(deps.database.db, {
    job_id: usage.jobId,
    attempt: usage.attempt,
    file_id: usage.fileId,
    vendor_code: usage.vendor,
    outcome: usage.outcome,
    worker: usage.worker,
    worker_slots: usage.workerSlots,
    queued_at: usage.queuedAt,
    started_at: usage.startedAt,
    finished_at: usage.finishedAt,
    wall_seconds: (usage.finishedAt.getTime() - usage.startedAt.getTime()) / 1000,
    cpu_seconds: usage.cpuSeconds,
    rss_bytes: usage.rssBytes,
  });
}
