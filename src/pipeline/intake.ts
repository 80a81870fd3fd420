// Intake: a file enters the landing folder's processing/ under a unique landing name and one
// job is queued for it. The watcher (inbox/), the CLI and the API all come in here.
//
// Two steps, each safe to repeat: (1) place the file (a rename from inbox/, or a copy for a file
// named on the command line); (2) queue the job, whose id derives from the landing name. A crash
// between them leaves a file in processing/ without a job; recoverProcessing() queues it.
import path from 'node:path';
import type { PgBoss } from 'pg-boss';
import type { IngestJobData } from '../domain/job.ts';
import type { Logger } from '../observe/logger.ts';
import { failpoint } from './failpoint.ts';
import { jobIdFor, newLandingName, parseLandingName, safeFileName } from './landing.ts';
import type { InboxEntry, LandingClaims, LandingStore } from './landing-store.ts';
import { INGEST_QUEUE } from './queues.ts';

export interface IntakeDeps {
  landing: LandingStore;
  /** Claims on inbox objects shared with every other process (taken by the watcher). */
  claims?: LandingClaims;
  boss: PgBoss;
  logger: Logger;
  /** Crash tests: the step at which this process kills itself. */
  failpoint?: string;
}

export interface IntakeRequest {
  sourcePath: string;
  /** inbox/ files are moved (renamed); files named on the CLI are copied and left where they are. */
  mode: 'move' | 'copy';
  originalName?: string;
  vendorCode?: string;
  source: IngestJobData['source'];
}

export interface IntakeReceipt {
  jobId: string;
  landingName: string;
  path: string;
  sha256: string;
  sizeBytes: number;
  /** False when the job existed already (a repeated intake step). */
  queued: boolean;
}

export async function intakeFile(deps: IntakeDeps, request: IntakeRequest): Promise<IntakeReceipt> {
  const originalName = safeFileName(request.originalName ?? path.basename(request.sourcePath));
  const placed = await deps.landing.place(request.sourcePath, newLandingName(originalName), request.mode);
  failpoint(deps.failpoint, 'intake:placed');
  return enqueueLandedFile(deps, placed, {
    originalName,
    vendorCode: request.vendorCode,
    source: request.source,
  });
}

/** Take a complete file from inbox/; undefined when another process took it first. */
export async function intakeInboxFile(
  deps: IntakeDeps,
  entry: InboxEntry,
): Promise<IntakeReceipt | undefined> {
  const placed = await deps.landing.takeFromInbox(entry, deps.claims);
  if (placed === undefined) return undefined;
  failpoint(deps.failpoint, 'intake:placed');
  return enqueueLandedFile(deps, placed, { originalName: safeFileName(entry.name), source: 'watch' });
}

/** Queue the job of a file lying in processing/ (idempotent: the job id derives from the name). */
export async function enqueueLandedFile(
  deps: IntakeDeps,
  placed: { landingName: string; path: string; sha256: string; sizeBytes: number },
  extras: { originalName?: string; vendorCode?: string; source: IngestJobData['source'] },
): Promise<IntakeReceipt> {
  const { landingName, sha256, sizeBytes } = placed;
  const parsed = parseLandingName(landingName);
  const data: IngestJobData = {
    landingName,
    originalName: extras.originalName ?? parsed?.originalName ?? landingName,
    sha256,
    sizeBytes,
    receivedAt: (parsed?.receivedAt ?? new Date()).toISOString(),
    ...(extras.vendorCode === undefined ? {} : { vendorCode: extras.vendorCode }),
    source: extras.source,
  };
  const jobId = jobIdFor(landingName);
  // Singleton per SHA-256: the same bytes are never processed by two workers at once.
  const sent = await deps.boss.send(INGEST_QUEUE, data as unknown as object, {
    id: jobId,
    singletonKey: sha256,
  });
  deps.logger.info(
    { job: jobId, landingName, sha256, queued: sent !== null },
    `taken in: ${data.originalName}`,
  );
  return { jobId, landingName, path: placed.path, sha256, sizeBytes, queued: sent !== null };
}

/**
 * Queue a job for every file in processing/ that has none: the ones a crash left between
 * placing a file and queuing its job. Files younger than `minAgeMs` are left to their intake.
 */
export async function recoverProcessing(deps: IntakeDeps, minAgeMs = 0): Promise<IntakeReceipt[]> {
  const recovered: IntakeReceipt[] = [];
  for (const { landingName, ageMs } of await deps.landing.listProcessing()) {
    if (ageMs < minAgeMs) continue;
    const jobs = await deps.boss.findJobs(INGEST_QUEUE, { id: jobIdFor(landingName) });
    if (jobs.length > 0) continue;
    const fingerprint = await deps.landing.fingerprint(landingName);
    const landedPath = deps.landing.destination('processing', landingName);
    const receipt = await enqueueLandedFile(
      deps,
      { landingName, path: landedPath, ...fingerprint },
      { source: 'recovery' },
    );
    if (receipt.queued) {
      deps.logger.warn(
        { job: receipt.jobId, landingName },
        'queued a landed file that had no job (interrupted intake)',
      );
      recovered.push(receipt);
    }
  }
  return recovered;
}
