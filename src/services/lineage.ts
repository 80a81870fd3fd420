// The lineage of a stored figure: file → sheet/row/column or JSON path of each field → vendor
// configuration version → calculation version → reconciliation results → restatements.
import { optionalTimestamp, timestamp } from '../contracts/common.ts';
import type { PeriodLineage } from '../contracts/lineage.ts';
import { NotFoundError } from '../domain/errors.ts';
import type { Database } from '../store/db/database.ts';
import { type LineageRecord, periodLineage as lineageRecords } from '../store/lineage-repository.ts';

export interface LineageDeps {
  database: Database;
}

export interface LineageRequest {
  accountId: string;
  periodEnd: string;
  vendorCode?: string;
}

function lineageOf(record: LineageRecord): PeriodLineage {
  return {
    ...record,
    file: { ...record.file, receivedAt: timestamp(record.file.receivedAt) },
    configuration: {
      version: record.configuration.version,
      recordedAt: optionalTimestamp(record.configuration.recordedAt),
    },
    history: record.history.map((h) => ({
      at: timestamp(h.at),
      action: h.action,
      actor: h.actor,
      fileId: typeof h.fileId === 'number' ? h.fileId : null,
      oldValues: h.oldValues,
    })),
    reconciliation: record.reconciliation.map((r) => ({
      runId: r.run_id,
      check: r.check_kind,
      counterparty: r.counterparty,
      status: r.status,
      expected: r.expected,
      observed: r.observed,
      varianceBps: r.variance_bps,
      toleranceBps: r.tolerance_bps,
      cause: r.cause,
      message: r.message,
    })),
  };
}

/** Every vendor's stored period of the account ending on the date (or one vendor's). */
export async function periodLineage(deps: LineageDeps, request: LineageRequest): Promise<PeriodLineage[]> {
  const records = await lineageRecords(
    deps.database.db,
    request.accountId,
    request.periodEnd,
    request.vendorCode,
  );
  if (records.length === 0) {
    throw new NotFoundError(
      `no stored period of account ${request.accountId} ends on ${request.periodEnd}${request.vendorCode ? ` for vendor ${request.vendorCode}` : ''}`,
      'Check the account id and the date: perfrecon returns ACCOUNT lists its periods.',
    );
  }
  return records.map(lineageOf);
}
