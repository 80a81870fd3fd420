// The ingest use case for one file: intake → validate → read and map → quality → calculate →
// stage → merge. Data becomes visible all at once, in one transaction with the file's status
// and log, or not at all. Callers (CLI, durable worker) decide what a transient failure means.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { type Cache, tags } from '../../cache/index.ts';
import { resolveVendor, vendorConfigVersion } from '../../config/vendor-config.ts';
import type { AlertEvent, Notifier } from '../../domain/alert.ts';
import type { CanonicalPeriod } from '../../domain/canonical.ts';
import { FileRejectedError, formatLocation, throwIfAborted } from '../../domain/errors.ts';
import { type FileStatus, isTerminal } from '../../domain/file-status.ts';
import type { ProgressCallback } from '../../domain/read-row.ts';
import type { VendorConfig } from '../../domain/vendor-config.ts';
import { fingerprintFile } from '../../read/fingerprint.ts';
import { readVendorFile } from '../../read/index.ts';
import { describeSchemaDrift } from '../../read/schema-drift.ts';
import { validateFile } from '../../read/validate-file.ts';
import type { Database } from '../../store/db/database.ts';
import {
  appendLog,
  findFileBySha,
  lastGoodHeader,
  recordFile,
  setFileStatus,
} from '../../store/file-repository.ts';
import {
  discardAbandonedStaging as discardAbandonedStagingRows,
  discardStaged,
  discardStagingOfJob,
  mergeStaged,
  repeatedPeriods,
  type StagedPeriod,
  StagingLineage,
  stagePeriods,
  stagingJobs,
  unstageRows,
  widestStagedKey,
} from '../../store/period-repository.ts';
import { ensureVendorVersion, setAuditActor } from '../../store/vendor-repository.ts';
import { rowProblems, settleRepeats } from '../../validate/quality.ts';
import { BatchStager } from './batch-stager.ts';
import { calculatePeriod } from './calculation.ts';
import { type QuarantineSink, quarantineSink } from './quarantine-sink.ts';
import { describeWarning, type IngestWarning, type WarningSink, warningSink } from './warning-sink.ts';

export interface IngestContext {
  database: Database;
  vendors: VendorConfig[];
  notifier: Notifier;
  /** Recorded in the audit log for every change this ingest makes. */
  actor: string;
  worker?: string;
  maxFileBytes: number;
  /** Readers' cached views of stored periods (the API's) are retired once new ones are stored. */
  cache?: Cache;
}

export interface IngestRequest {
  filePath: string;
  /** Where the file is recorded as lying, when filePath is a local copy of it (object storage). */
  storedPath?: string;
  /** The name the file arrived with, when the path is a landing copy. */
  displayName?: string;
  vendorCode?: string;
  dryRun?: boolean;
  /** Mapped rows to return as a preview (dry run). */
  previewRows?: number;
  attempt?: number;
  /** The job running this ingest: recorded on its staged rows (see discardOrphanedStaging). */
  jobId?: string;
  /** Aborted when the job's lease ends: the ingest stops at its next step or row, storing nothing. */
  signal?: AbortSignal | undefined;
  onProgress?: ProgressCallback;
}

export type IngestOutcome = FileStatus | 'ALREADY_INGESTED' | 'DRY_RUN';

export interface IngestSummary {
  file: string;
  sha256: string;
  fileId: number | null;
  vendor: string | null;
  outcome: IngestOutcome;
  /** For ALREADY_INGESTED: the status the first ingest reached. */
  previousStatus?: FileStatus;
  rowsRead: number;
  rowsStored: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsQuarantined: number;
  /** Rows that were not data (titles, blanks, totals, footnotes): counted and shown, never dropped silently. */
  rowsSkipped: number;
  skipped: string[];
  durationMs: number;
  /** The first warnings, those about the whole file first; every one is stored with the file. */
  warnings: string[];
  warningCount: number;
  /** The first quarantined rows with their location and reasons. */
  quarantine: { location: string; problems: string[] }[];
  preview: CanonicalPeriod[];
  error: { message: string; hint: string | null } | null;
}

const STAGE_BATCH = 20_000;
const QUARANTINE_SAMPLE = 50;

export async function ingestFile(context: IngestContext, request: IngestRequest): Promise<IngestSummary> {
  const started = Date.now();
  const { database, notifier } = context;
  const db = database.db;
  const name = request.displayName ?? path.basename(request.filePath);
  const dryRun = request.dryRun === true;
  const attempt = request.attempt ?? 1;
  const { sha256, sizeBytes } = await fingerprintFile(request.filePath);
  const summary: IngestSummary = {
    file: name,
    sha256,
    fileId: null,
    vendor: null,
    outcome: 'DRY_RUN',
    rowsRead: 0,
    rowsStored: 0,
    rowsInserted: 0,
    rowsUpdated: 0,
    rowsQuarantined: 0,
    rowsSkipped: 0,
    skipped: [],
    durationMs: 0,
    warnings: [],
    warningCount: 0,
    quarantine: [],
    preview: [],
    error: null,
  };
  const finish = (outcome: IngestOutcome) => {
    summary.outcome = outcome;
    summary.durationMs = Date.now() - started;
    return summary;
  };

  const vendor =
    request.vendorCode !== undefined
      ? context.vendors.find((v) => v.code === request.vendorCode)
      : resolveVendor(name, context.vendors);
  summary.vendor = vendor?.code ?? null;
  const configVersion = vendor === undefined ? null : vendorConfigVersion(vendor);

  let fileId: number | null = null;
  if (!dryRun) {
    const existing = await findFileBySha(db, sha256);
    if (existing !== undefined && isTerminal(existing.status)) {
      summary.fileId = existing.id;
      summary.previousStatus = existing.status;
      summary.vendor = existing.vendor_code;
      return finish('ALREADY_INGESTED');
    }
    if (vendor !== undefined && configVersion !== null) await ensureVendorVersion(db, vendor, configVersion);
    ({ id: fileId } = await recordFile(db, {
      sha256,
      name,
      sizeBytes,
      vendorCode: vendor?.code ?? null,
      configVersion,
      storedPath: request.storedPath ?? request.filePath,
    }));
    summary.fileId = fileId;
    await setFileStatus(db, fileId, {
      status: 'PROCESSING',
      step: 'validate',
      attempt,
      worker: context.worker ?? null,
    });
  }

  const loadId = randomUUID();
  const jobId = request.jobId ?? null;
  const lineage = new StagingLineage({ loadId, jobId });
  const stager = new BatchStager((batch) => stagePeriods(database.bulk, lineage, batch));
  let quarantined: QuarantineSink | undefined;
  let warnings: WarningSink | undefined;
  /** Warnings about the whole file: shown first. */
  const fileWarnings: IngestWarning[] = [];
  const summarizeWarnings = (sink: WarningSink) => {
    // They are in the sink too (stored last), and in its sample when it has room.
    const first = fileWarnings.map(describeWarning);
    summary.warnings = [...first, ...sink.sample.filter((warning) => !first.includes(warning))];
    summary.warningCount = sink.count;
  };
  try {
    if (vendor === undefined) {
      throw new FileRejectedError(
        request.vendorCode === undefined
          ? 'no vendor configuration matches this file name'
          : `there is no vendor "${request.vendorCode}"`,
        { file: name },
        `Name the vendor with --vendor (known: ${context.vendors.map((v) => v.code).join(', ')}), or add a file-name pattern to its configuration.`,
      );
    }
    const { source } = await validateFile(request.filePath, vendor, {
      maxBytes: context.maxFileBytes,
      fileName: name,
    });
    throwIfAborted(request.signal);

    let header: string[] | undefined;
    quarantined = quarantineSink(db, dryRun ? null : fileId, QUARANTINE_SAMPLE);
    warnings = warningSink(db, dryRun ? null : fileId, QUARANTINE_SAMPLE);
    if (!dryRun) await Promise.all([quarantined.discard(), warnings.discard()]);
    // The reader reports warnings through a callback; they are written after its row.
    const readerWarnings: IngestWarning[] = [];
    let batch: StagedPeriod[] = [];
    const previewRows = request.previewRows ?? 0;
    for await (const row of readVendorFile(request.filePath, vendor, {
      fileName: name,
      onProgress: request.onProgress,
      onHeader: (found) => {
        header = found;
      },
      onSkippedRow: (skipped) => {
        summary.rowsSkipped++;
        if (summary.skipped.length < QUARANTINE_SAMPLE) {
          summary.skipped.push(`${formatLocation(skipped.location)}: ${skipped.reason} (${skipped.text})`);
        }
      },
      onWarning: (location, message) => readerWarnings.push({ location, message }),
    })) {
      summary.rowsRead++;
      throwIfAborted(request.signal);
      for (const warning of readerWarnings.splice(0)) await warnings.add(warning);
      if (!row.ok) {
        await quarantined.add(row);
        continue;
      }
      const problems = rowProblems(row);
      if (problems.length > 0) {
        await quarantined.add({ ok: false, location: row.location, raw: { ...row.record }, problems });
        continue;
      }
      for (const message of row.warnings) await warnings.add({ location: row.location, message });
      if (summary.preview.length < previewRows) summary.preview.push(row.record);
      batch.push({
        seq: summary.rowsRead,
        vendorCode: vendor.code,
        record: row.record,
        calculation: calculatePeriod(vendor, row.record),
        location: row.location,
        fieldSources: row.fieldSources,
      });
      if (batch.length >= STAGE_BATCH) {
        if (!dryRun) await stager.add(batch);
        summary.rowsStored += batch.length;
        batch = [];
      }
    }
    for (const warning of readerWarnings.splice(0)) await warnings.add(warning);
    if (!dryRun && batch.length > 0) await stager.add(batch);
    await stager.flush();
    summary.rowsStored += batch.length;
    // Periods the file reported twice, found over the staged rows (a dry run stages nothing, and
    // previews rows without this check): exact repeats stored once, contradictions quarantined.
    if (!dryRun && stager.staged > 0) {
      const settled = settleRepeats(await repeatedPeriods(db, loadId));
      const removed = await unstageRows(db, loadId, settled.unstage);
      stager.staged -= removed;
      summary.rowsStored -= removed;
      for (const warning of settled.warnings) await warnings.add(warning);
      for (const entry of settled.quarantined) await quarantined.add({ ok: false, ...entry });
    }
    await quarantined.flush();
    summary.rowsQuarantined = quarantined.count;
    summary.quarantine = quarantined.sample;

    if (header !== undefined && !dryRun) {
      const previous = await lastGoodHeader(db, vendor.code, source.format);
      if (previous !== undefined) {
        const drift = describeSchemaDrift(previous, header);
        if (drift.renamed.length + drift.missing.length + drift.added.length > 0 || drift.reordered)
          fileWarnings.push({
            location: null,
            message: `schema drift against the last good ${source.format} file of ${vendor.code}: ${drift.message}`,
          });
      }
    }
    for (const warning of fileWarnings) await warnings.add(warning);
    await warnings.flush();
    summarizeWarnings(warnings);
    if (dryRun || fileId === null) return finish('DRY_RUN');
    const fileSink = warnings;

    const status: FileStatus =
      summary.rowsStored === 0 && summary.rowsQuarantined > 0 ? 'QUARANTINED' : 'SUCCEEDED';
    const id = fileId;
    // The last moment to stop without a trace: after this the file's data is committed.
    throwIfAborted(request.signal);
    const counts = await db.transaction().execute(async (trx) => {
      await setAuditActor(trx, context.actor);
      const merged = await mergeStaged(trx, loadId, stager.staged, id, configVersion ?? '');
      if (merged.superseded > 0) {
        fileWarnings.unshift({
          location: null,
          message: `${merged.superseded} periods not applied: a file received later restated them (kept in the audit log as SUPERSEDED)`,
        });
        await fileSink.add(fileWarnings[0] as IngestWarning);
        await fileSink.flush(trx);
        summarizeWarnings(fileSink);
      }
      await setFileStatus(trx, id, {
        status,
        step: 'store',
        attempt,
        worker: context.worker ?? null,
        rowsRead: summary.rowsRead,
        rowsStored: summary.rowsStored,
        rowsUpdated: merged.updated,
        rowsQuarantined: summary.rowsQuarantined,
        durationMs: Date.now() - started,
        header: header ?? null,
        sourceFormat: source.format,
        message: summary.warnings.length > 0 ? summary.warnings.slice(0, 5).join('; ') : null,
      });
      return merged;
    });
    summary.rowsInserted = counts.inserted;
    summary.rowsUpdated = counts.updated;
    await context.cache?.invalidate([tags.periods]);
    await notifier.notify(successEvent(summary, status));
    return finish(status);
  } catch (caught) {
    await stager.settle();
    const error = stager.staged > 0 ? await nameTooLargeRow(db, loadId, caught) : caught;
    if (stager.staged > 0) await discardStaged(db, loadId).catch(() => {});
    await quarantined?.discard().catch(() => {});
    await warnings?.discard().catch(() => {});
    if (!(error instanceof FileRejectedError)) {
      if (fileId !== null) {
        await appendLog(db, fileId, {
          status: 'ERROR',
          step: 'process',
          attempt,
          worker: context.worker ?? null,
          error: (error as Error).message,
        }).catch(() => {});
      }
      throw error;
    }
    summary.error = { message: error.message, hint: error.hint ?? null };
    summary.rowsStored = 0;
    summary.rowsQuarantined = 0;
    if (fileId !== null) {
      await setFileStatus(db, fileId, {
        status: 'REJECTED',
        step: 'validate',
        attempt,
        worker: context.worker ?? null,
        rowsRead: summary.rowsRead,
        error: error.hint === undefined ? error.message : `${error.message} — ${error.hint}`,
      });
    }
    // A dry run is a preview for the person who ran it: it alerts no one.
    if (!dryRun) {
      await notifier.notify({
        kind: 'validation_failed',
        severity: 'warning',
        title: `File ${name} rejected`,
        details: { file: name, sha256, vendor: summary.vendor, reason: error.message, hint: error.hint },
        dedupeKey: `rejected:${sha256}`,
      });
    }
    return finish(dryRun ? 'DRY_RUN' : 'REJECTED');
  }
}

/**
 * PostgreSQL refuses a key too large for its index (SQLSTATE 54000, "index row requires N
 * bytes") without naming the row: name the staged row with the widest key, the one refused.
 */
async function nameTooLargeRow(db: Database['db'], loadId: string, error: unknown): Promise<unknown> {
  const code = (error as { code?: unknown }).code;
  if (code !== '54000') return error;
  const widest = await widestStagedKey(db, loadId).catch(() => undefined);
  if (widest === undefined) return error;
  const where = `${formatLocation(widest.location)}: its account id and vendor take ${widest.bytes} bytes`;
  return Object.assign(new Error(`${(error as Error).message} — ${where}`), { code });
}

function successEvent(summary: IngestSummary, status: FileStatus): AlertEvent {
  const quarantinedOnly = status === 'QUARANTINED';
  return {
    kind: quarantinedOnly ? 'file_quarantined' : 'file_succeeded',
    severity: quarantinedOnly || summary.rowsQuarantined > 0 ? 'warning' : 'info',
    title: quarantinedOnly
      ? `File ${summary.file}: every row quarantined`
      : `File ${summary.file} stored: ${summary.rowsStored} periods, ${summary.rowsQuarantined} quarantined`,
    details: {
      file: summary.file,
      sha256: summary.sha256,
      vendor: summary.vendor,
      rowsRead: summary.rowsRead,
      rowsStored: summary.rowsStored,
      rowsQuarantined: summary.rowsQuarantined,
    },
  };
}

/** Mark a file FAILED after its retries are spent (or on a direct CLI ingest). */
export async function markFileFailed(
  database: Database,
  fileId: number,
  error: Error,
  attempt: number,
  worker?: string,
) {
  await setFileStatus(database.db, fileId, {
    status: 'FAILED',
    step: 'process',
    attempt,
    worker: worker ?? null,
    error: error.message,
  });
}

/** Staging rows of loads abandoned by killed attempts (older than a day): deleted; their count. */
export function discardAbandonedStaging(deps: { database: Database }): Promise<number> {
  return discardAbandonedStagingRows(deps.database.db);
}

/**
 * Staging rows of jobs no longer active (killed, expired or finished attempts; a retry stages
 * under a new load id): deleted, with their count. `isActive` asks the job queue.
 */
export async function discardOrphanedStaging(
  deps: { database: Database },
  isActive: (jobId: string) => Promise<boolean>,
): Promise<number> {
  let discarded = 0;
  for (const { jobId, lastStagedAt } of await stagingJobs(deps.database.db)) {
    if (!(await isActive(jobId)))
      discarded += await discardStagingOfJob(deps.database.db, jobId, lastStagedAt);
  }
  return discarded;
}
