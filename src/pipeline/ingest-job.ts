// One ingest job: a landed file through ingestFile (validate → read and map → quality →
// calculate → store), then reconcile, then filed away (archive/, quarantine/ or error/) — the
// last step, so a file in archive/ has been stored and reconciled.
//
// Every step may run again: after a crash, a lost heartbeat or a retry. What makes that safe:
//  - the file's data, status and log are committed in one transaction (ingestFile), so a file is
//    either stored or not, and a stored file (found by its SHA-256) is never stored again;
//  - files move (link-then-unlink in a folder, copy-verify-delete in a bucket: landing-store.ts)
//    to a destination derived from the landing name alone, so a repeated move finds its own
//    earlier work;
//  - the queue never runs two jobs for the same bytes at once (singleton per SHA-256).

import path from 'node:path';
import type { Cache } from '../cache/index.ts';
import type { Notifier } from '../domain/alert.ts';
import { throwIfAborted } from '../domain/errors.ts';
import { type FileStatus, isTerminal } from '../domain/file-status.ts';
import type { IngestJobData } from '../domain/job.ts';
import type { VendorConfig } from '../domain/vendor-config.ts';
import type { Logger } from '../observe/logger.ts';
import type { ProcessMetrics } from '../observe/metrics.ts';
import { type LineageSink, newRunId } from '../observe/openlineage.ts';
import { resolveDeadLettersOfFile } from '../services/dead-letters.ts';
import {
  type FileRecord,
  findFileByContent,
  noteOnFile,
  recordFileLocation,
  rejectRefusedData as rejectFile,
} from '../services/files.ts';
import { type IngestSummary, ingestFile } from '../services/ingest/ingest-file.ts';
import {
  type IngestRunFacts,
  ingestRunEvent,
  type LineageDatabase,
  mappingFacts,
} from '../services/ingest/ingest-lineage.ts';
import type { Database } from '../store/db/database.ts';
import { failpoint } from './failpoint.ts';
import { classifyFailure, type Failure, PermanentJobError } from './failure.ts';
import { countCompletedJob, countFailedJob, observeStep, timeStep } from './job-metrics.ts';
import type { LandingDestination, LocatedFile } from './landing.ts';
import type { LandingStore } from './landing-store.ts';

export interface PipelineDeps {
  database: Database;
  vendors: VendorConfig[];
  notifier: Notifier;
  landing: LandingStore;
  maxFileBytes: number;
  /** Retired when a file's periods are stored, so no reader is served the periods from before. */
  cache?: Cache;
  logger: Logger;
  lineage: LineageSink;
  /** The database in OpenLineage's naming (lineageDatabase). */
  lineageDatabase: LineageDatabase;
  /** Recorded on every log line and audit entry this worker writes. */
  worker: string;
  actor: string;
  /**
   * Runs after a file's data is stored (and again when a crashed job is finished): reconciliation
   * of the accounts and periods the file touched. Must be idempotent.
   */
  afterStore?: (fileId: number, signal?: AbortSignal) => Promise<void>;
  /** Crash tests: the step at which this process kills itself (see failpoint.ts). */
  failpoint?: string;
  /** Step times, rows and outcomes for Prometheus (job-metrics.ts). */
  metrics?: ProcessMetrics;
}

export interface IngestJob {
  id: string;
  data: IngestJobData;
  /** 1 for the first run, then one more per retry. */
  attempt: number;
  signal?: AbortSignal;
}

export type IngestJobOutcome = FileStatus | 'ALREADY_INGESTED';

/**
 * What a job run leaves on the job (pg-boss output) and prints on the CLI: the ingest's summary
 * without its preview, with the job's outcome and where the landed file lies now.
 */
export interface IngestJobOutput extends Omit<IngestSummary, 'preview' | 'outcome'> {
  jobId: string;
  attempt: number;
  landingName: string;
  outcome: IngestJobOutcome;
  storedPath: string | null;
  /** True when this run finished what an earlier, interrupted run had stored. */
  recovered: boolean;
}

export type JobDisposition =
  | { status: 'completed'; output: IngestJobOutput }
  | { status: 'failed'; output: { message: string; kind: Failure['kind']; code?: string } }
  | { status: 'deadletter'; output: { message: string; kind: Failure['kind']; code?: string } };

const OUTPUT_SAMPLE = 10;

function destinationFor(status: FileStatus): LandingDestination {
  if (status === 'SUCCEEDED') return 'archive';
  if (status === 'QUARANTINED') return 'quarantine';
  return 'error';
}

export async function processLandedFile(deps: PipelineDeps, job: IngestJob): Promise<JobDisposition> {
  const started = Date.now();
  const { data } = job;
  const facts: IngestRunFacts = {
    runId: newRunId(),
    jobId: job.id,
    attempt: job.attempt,
    worker: deps.worker,
    landingName: data.landingName,
    originalName: data.originalName,
    sha256: data.sha256,
    inputPath: deps.landing.destination('processing', data.landingName),
    storedPath: null,
    sizeBytes: data.sizeBytes,
    vendor: data.vendorCode ?? null,
    fileId: null,
    outcome: null,
    rowsRead: 0,
    rowsStored: 0,
    rowsUpdated: 0,
    rowsQuarantined: 0,
    warnings: 0,
  };
  await deps.lineage.emit(ingestRunEvent('START', facts, deps.lineageDatabase));
  failpoint(deps.failpoint, 'job:start');

  let fileId: number | null = null;
  let located: LocatedFile | undefined;
  // Whether the file's data is committed: from then on, no failure is the file's fault.
  let stored = false;
  try {
    located = await deps.landing.locate(data.landingName);
    if (located !== undefined) facts.inputPath = located.path;
    const existing = await findFileByContent(deps, data.sha256);
    fileId = existing?.id ?? null;
    if (existing !== undefined && isTerminal(existing.status)) {
      stored = true;
      return await completed(deps, job, facts, await settleStoredFile(deps, job, existing, located, started));
    }
    if (located === undefined || located.place === 'archive' || located.place === 'quarantine') {
      throw new PermanentJobError(
        `the landed file ${data.landingName} is in neither processing/ nor error/ of ${deps.landing.root}`,
        'Someone moved or deleted it. Put the file back in processing/ under this name and replay the dead letter, or drop it into inbox/ again.',
      );
    }
    // This arrival is the one being worked on: a crash from here on is finished by a rerun of it.
    if (existing !== undefined) await recordFileLocation(deps, existing.id, located.path);

    const landed = located;
    const summary = await deps.landing.withLocalCopy(landed, data.sha256, (localPath) =>
      ingestFile(
        {
          database: deps.database,
          vendors: deps.vendors,
          notifier: deps.notifier,
          actor: deps.actor,
          worker: deps.worker,
          maxFileBytes: deps.maxFileBytes,
          cache: deps.cache,
        },
        {
          filePath: localPath,
          storedPath: landed.path,
          displayName: data.originalName,
          vendorCode: data.vendorCode,
          attempt: job.attempt,
          jobId: job.id,
          signal: job.signal,
          // Called from the reader's stream events: it must never throw.
          onProgress: () => failpoint(deps.failpoint, 'job:reading'),
        },
      ),
    );
    fileId = summary.fileId;
    observeStep(deps.metrics, 'ingest', summary.vendor, summary.durationMs);
    if (summary.outcome === 'ALREADY_INGESTED' || summary.outcome === 'DRY_RUN' || summary.fileId === null) {
      // Another job stored the same bytes between our check and ingestFile's.
      const now = await findFileByContent(deps, data.sha256);
      if (now === undefined) throw new Error(`file ${data.sha256} is neither stored nor recorded`);
      stored = true;
      return await completed(deps, job, facts, await settleStoredFile(deps, job, now, located, started));
    }
    const status = summary.outcome;
    stored = status !== 'REJECTED';
    const storedFileId = summary.fileId;
    failpoint(deps.failpoint, 'job:stored');
    // store → reconcile → archive: the archive step is the job's last, so a file in archive/ has
    // been reconciled. A job whose lease ended stops here; its retry finishes the stored file.
    throwIfAborted(job.signal);
    const { afterStore } = deps;
    if (status === 'SUCCEEDED' && afterStore !== undefined)
      await timeStep(deps.metrics, 'reconcile', summary.vendor, () => afterStore(storedFileId, job.signal));
    throwIfAborted(job.signal);
    if (status !== 'REJECTED') {
      await resolveDeadLettersOfFile(deps, summary.fileId, `taken in by job ${job.id} (${status})`);
    }
    const archiving = performance.now();
    const storedPath = await fileAway(deps, job, storedFileId, status, located);
    observeStep(deps.metrics, 'archive', summary.vendor, performance.now() - archiving);
    failpoint(deps.failpoint, 'job:filed');
    return await completed(deps, job, facts, outputFromSummary(job, summary, storedPath, started));
  } catch (error) {
    const failure = classifyFailure(error, { stored });
    if (failure.kind === 'data' && fileId !== null && located !== undefined) {
      try {
        return await completed(
          deps,
          job,
          facts,
          await rejectRefusedData(deps, job, fileId, located, error as Error, started),
        );
      } catch (rejectError) {
        return await failed(deps, facts, classifyFailure(rejectError), rejectError as Error);
      }
    }
    return await failed(deps, facts, failure, error as Error);
  }
}

async function completed(
  deps: PipelineDeps,
  job: IngestJob,
  facts: IngestRunFacts,
  output: IngestJobOutput,
): Promise<JobDisposition> {
  Object.assign(facts, {
    fileId: output.fileId,
    vendor: output.vendor,
    outcome: output.outcome,
    storedPath: output.storedPath,
    rowsRead: output.rowsRead,
    rowsStored: output.rowsStored,
    rowsUpdated: output.rowsUpdated,
    rowsQuarantined: output.rowsQuarantined,
    warnings: output.warningCount,
  });
  const mapping =
    output.fileId !== null && output.outcome !== 'REJECTED'
      ? await mappingFacts(deps, output.fileId).catch(() => undefined)
      : undefined;
  await deps.lineage.emit(ingestRunEvent('COMPLETE', facts, deps.lineageDatabase, mapping));
  countCompletedJob(deps.metrics, output);
  deps.logger.info(
    {
      job: job.id,
      attempt: job.attempt,
      file: output.file,
      outcome: output.outcome,
      storedPath: output.storedPath,
    },
    `job ${job.id}: ${output.file} ${output.outcome}`,
  );
  return { status: 'completed', output };
}

async function failed(
  deps: PipelineDeps,
  facts: IngestRunFacts,
  failure: Failure,
  error: Error,
): Promise<JobDisposition> {
  facts.error = { message: failure.message, stack: error.stack };
  await deps.lineage.emit(ingestRunEvent('FAIL', facts, deps.lineageDatabase));
  deps.logger.warn(
    {
      job: facts.jobId,
      attempt: facts.attempt,
      file: facts.originalName,
      kind: failure.kind,
      code: failure.code,
      err: error,
    },
    `job ${facts.jobId} failed (${failure.kind}): ${failure.message}`,
  );
  const output = {
    message: failure.message,
    kind: failure.kind,
    ...(failure.code === undefined ? {} : { code: failure.code }),
  };
  const status = failure.kind === 'permanent' ? 'deadletter' : 'failed';
  countFailedJob(deps.metrics, status);
  return { status, output };
}

/** Move the landed file to where its outcome sends it, and record where it is. */
async function fileAway(
  deps: PipelineDeps,
  job: IngestJob,
  fileId: number,
  status: FileStatus,
  located: LocatedFile,
): Promise<string> {
  const storedPath = await deps.landing.move(
    located,
    destinationFor(status),
    job.data.landingName,
    job.data.sha256,
  );
  // Where the file is and the log line saying so, together: a rerun that finds the file moved but
  // not recorded (stored_path elsewhere) records both.
  await recordFileLocation(deps, fileId, storedPath, {
    status,
    step: 'archive',
    attempt: job.attempt,
    worker: deps.worker,
    message: `moved to ${deps.landing.relative(storedPath)}`,
  });
  return storedPath;
}

/**
 * The bytes are stored already (terminal status). Either an earlier run of this job stored them
 * and was interrupted before filing the file away, or these bytes arrived a second time.
 */
async function settleStoredFile(
  deps: PipelineDeps,
  job: IngestJob,
  file: FileRecord,
  located: LocatedFile | undefined,
  started: number,
): Promise<IngestJobOutput> {
  const sameArrival = file.stored_path !== null && path.basename(file.stored_path) === job.data.landingName;
  if (sameArrival) {
    let storedPath = file.stored_path;
    const expected = deps.landing.destination(destinationFor(file.status), job.data.landingName);
    // Reconciliation may not have run before the interruption; it is idempotent, so run it again.
    if (file.status === 'SUCCEEDED') await deps.afterStore?.(file.id, job.signal);
    throwIfAborted(job.signal);
    if (located !== undefined && (located.path !== expected || file.stored_path !== located.path)) {
      storedPath = await fileAway(deps, job, file.id, file.status, located);
    }
    return { ...outputFromFile(job, file, file.status, started), storedPath, recovered: true };
  }
  // A second arrival of the same bytes: recorded on the first one's log, filed where the first went.
  let storedPath: string | null = null;
  const destination = destinationFor(file.status);
  const target = deps.landing.destination(destination, job.data.landingName);
  if (
    located !== undefined &&
    located.path !== target &&
    (located.place === 'processing' || located.place === 'error')
  ) {
    storedPath = await deps.landing.move(located, destination, job.data.landingName, job.data.sha256);
    await noteOnFile(deps, file.id, {
      status: 'DUPLICATE',
      step: 'intake',
      attempt: job.attempt,
      worker: deps.worker,
      message: `the same bytes arrived again as ${job.data.originalName} (job ${job.id}); not processed again, kept at ${deps.landing.relative(storedPath)}`,
    });
  } else if (located !== undefined) {
    storedPath = located.path;
  }
  return {
    ...outputFromFile(job, file, 'ALREADY_INGESTED', started),
    previousStatus: file.status,
    storedPath,
  };
}

/** The database refused the file's data (constraint, value): permanent, so the file is rejected. */
async function rejectRefusedData(
  deps: PipelineDeps,
  job: IngestJob,
  fileId: number,
  located: LocatedFile,
  error: Error,
  started: number,
): Promise<IngestJobOutput> {
  const pgError = error as Error & {
    code?: string;
    constraint?: string;
    table?: string;
    column?: string;
    detail?: string;
  };
  const reason = `the database refused the file's data: ${error.message}${pgError.detail ? ` (${pgError.detail})` : ''}`;
  await rejectFile(deps, fileId, {
    actor: deps.actor,
    details: {
      job: job.id,
      code: pgError.code,
      constraint: pgError.constraint,
      table: pgError.table,
      column: pgError.column,
      detail: pgError.detail,
      message: error.message,
    },
    change: {
      status: 'REJECTED',
      step: 'store',
      attempt: job.attempt,
      worker: deps.worker,
      error: `${reason} — nothing of the file was stored; correct the file and send it again.`,
    },
  });
  const storedPath = await fileAway(deps, job, fileId, 'REJECTED', located);
  await deps.notifier.notify({
    kind: 'validation_failed',
    severity: 'warning',
    title: `File ${job.data.originalName} rejected: the database refused its data`,
    details: {
      file: job.data.originalName,
      sha256: job.data.sha256,
      reason,
      code: pgError.code,
      constraint: pgError.constraint,
    },
    dedupeKey: `rejected:${job.data.sha256}`,
  });
  const file = await findFileByContent(deps, job.data.sha256);
  const output = file === undefined ? undefined : outputFromFile(job, file, 'REJECTED', started);
  return {
    ...(output ?? outputFromFile(job, undefined, 'REJECTED', started)),
    storedPath,
    error: { message: reason, hint: 'Correct the file and send it again.' },
  };
}

function outputFromSummary(
  job: IngestJob,
  summary: IngestSummary,
  storedPath: string,
  started: number,
): IngestJobOutput {
  return {
    jobId: job.id,
    attempt: job.attempt,
    file: summary.file,
    landingName: job.data.landingName,
    sha256: summary.sha256,
    fileId: summary.fileId,
    vendor: summary.vendor,
    outcome: summary.outcome === 'DRY_RUN' ? 'ALREADY_INGESTED' : summary.outcome,
    rowsRead: summary.rowsRead,
    rowsStored: summary.rowsStored,
    rowsInserted: summary.rowsInserted,
    rowsUpdated: summary.rowsUpdated,
    rowsQuarantined: summary.rowsQuarantined,
    rowsSkipped: summary.rowsSkipped,
    durationMs: Date.now() - started,
    storedPath,
    recovered: false,
    warnings: summary.warnings.slice(0, OUTPUT_SAMPLE),
    warningCount: summary.warningCount,
    skipped: summary.skipped.slice(0, OUTPUT_SAMPLE),
    quarantine: summary.quarantine.slice(0, OUTPUT_SAMPLE),
    error: summary.error,
  };
}

function outputFromFile(
  job: IngestJob,
  file: FileRecord | undefined,
  outcome: IngestJobOutcome,
  started: number,
): IngestJobOutput {
  return {
    jobId: job.id,
    attempt: job.attempt,
    file: job.data.originalName,
    landingName: job.data.landingName,
    sha256: job.data.sha256,
    fileId: file?.id ?? null,
    vendor: file?.vendor_code ?? null,
    outcome,
    rowsRead: file?.rows_read ?? 0,
    rowsStored: outcome === 'ALREADY_INGESTED' ? 0 : (file?.rows_stored ?? 0),
    rowsInserted: 0,
    rowsUpdated: 0,
    rowsQuarantined: file?.rows_quarantined ?? 0,
    rowsSkipped: 0,
    durationMs: Date.now() - started,
    storedPath: file?.stored_path ?? null,
    recovered: false,
    warnings: [],
    warningCount: 0,
    skipped: [],
    quarantine: [],
    error: file?.error ? { message: file.error, hint: null } : null,
  };
}
