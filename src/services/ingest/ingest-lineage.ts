// The OpenLineage view of one ingest job: the landed file in, the canonical tables out, and per
// output column the vendor column or JSON path it came from.

import os from 'node:os';
import { PRODUCT_VERSION } from '../../domain/version.ts';
import {
  type LineageDataset,
  lineageFacets,
  type RunEvent,
  type RunEventType,
  runEvent,
} from '../../observe/openlineage.ts';
import type { Database } from '../../store/db/database.ts';
import { mappingSample } from '../../store/lineage-repository.ts';

export const LINEAGE_NAMESPACE = 'perfrecon';

export interface IngestRunFacts {
  jobId: string;
  attempt: number;
  worker: string;
  landingName: string;
  originalName: string;
  sha256: string;
  /** Where the file was read from, and where it lies now. */
  inputPath: string;
  storedPath: string | null;
  sizeBytes: number;
  vendor: string | null;
  fileId: number | null;
  outcome: string | null;
  rowsRead: number;
  rowsStored: number;
  rowsQuarantined: number;
  error?: { message: string; stack?: string };
}

export interface MappingFacts {
  configVersion: string | null;
  calculationVersions: string[];
  /** Canonical field → the source columns or JSON paths it was read from in this file. */
  fieldSources: Record<string, string[]>;
}

const CANONICAL_COLUMNS: [string, string][] = [
  ['account_id', 'text'],
  ['vendor_code', 'text'],
  ['period_start', 'date'],
  ['period_end', 'date'],
  ['currency', 'char(3)'],
  ['begin_market_value', 'numeric'],
  ['end_market_value', 'numeric'],
  ['income', 'numeric'],
  ['fees', 'numeric'],
  ['vendor_return', 'numeric'],
  ['return_basis', 'text'],
  ['calculated_return', 'numeric'],
];

/** How the figures of a file were mapped: sampled from its stored rows (they share a configuration). */
export async function mappingFacts(deps: { database: Database }, fileId: number): Promise<MappingFacts> {
  const rows = await mappingSample(deps.database.db, fileId, 200);
  const fieldSources: Record<string, Set<string>> = {};
  for (const row of rows) {
    for (const [field, source] of Object.entries(row.field_sources ?? {})) {
      const sources = fieldSources[field] ?? new Set<string>();
      sources.add(source);
      fieldSources[field] = sources;
    }
  }
  return {
    configVersion: rows[0]?.config_version ?? null,
    calculationVersions: [
      ...new Set(rows.map((row) => row.calculation_version).filter((v): v is string => v !== null)),
    ],
    fieldSources: Object.fromEntries(
      Object.entries(fieldSources).map(([field, set]) => [field, [...set].sort()]),
    ),
  };
}

export function ingestRunEvent(
  eventType: RunEventType,
  facts: IngestRunFacts,
  databaseNamespace: string,
  mapping?: MappingFacts,
): RunEvent {
  const fileNamespace = `file://${os.hostname()}`;
  const input: LineageDataset = {
    namespace: fileNamespace,
    name: facts.inputPath,
    facets: {
      perfrecon_file: lineageFacets.custom('file', {
        sha256: facts.sha256,
        originalName: facts.originalName,
        landingName: facts.landingName,
        vendor: facts.vendor,
        fileId: facts.fileId,
        storedPath: facts.storedPath,
        configVersion: mapping?.configVersion ?? null,
      }),
    },
    ...(eventType === 'START'
      ? {}
      : { inputFacets: { inputStatistics: lineageFacets.inputStatistics(facts.rowsRead, facts.sizeBytes) } }),
  };
  const outputs: LineageDataset[] = [];
  if (eventType === 'COMPLETE') {
    const columnLineage: Parameters<typeof lineageFacets.columnLineage>[0] = {};
    for (const [field, sources] of Object.entries(mapping?.fieldSources ?? {})) {
      const column = field === 'flows' ? 'period_flows' : field;
      columnLineage[column] = {
        inputFields: sources.map((source) => ({
          namespace: fileNamespace,
          name: facts.inputPath,
          field: source,
        })),
        transformationDescription: `mapped by vendor configuration ${facts.vendor ?? '?'}@${mapping?.configVersion ?? '?'}`,
      };
    }
    if (mapping !== undefined && mapping.calculationVersions.length > 0) {
      const inputs = ['begin_market_value', 'end_market_value', 'flows', 'fees']
        .flatMap((field) => mapping.fieldSources[field] ?? [])
        .map((source) => ({ namespace: fileNamespace, name: facts.inputPath, field: source }));
      columnLineage.calculated_return = {
        inputFields: inputs,
        transformationDescription: `Modified Dietz, calculation ${mapping.calculationVersions.join(', ')}`,
      };
    }
    outputs.push({
      namespace: databaseNamespace,
      name: 'public.performance_periods',
      facets: {
        schema: lineageFacets.schema(CANONICAL_COLUMNS.map(([name, type]) => ({ name, type }))),
        columnLineage: lineageFacets.columnLineage(columnLineage),
      },
      outputFacets: { outputStatistics: lineageFacets.outputStatistics(facts.rowsStored) },
    });
    if (facts.rowsQuarantined > 0) {
      outputs.push({
        namespace: databaseNamespace,
        name: 'public.quarantined_rows',
        outputFacets: { outputStatistics: lineageFacets.outputStatistics(facts.rowsQuarantined) },
      });
    }
  }
  const runFacets: Record<string, unknown> = {
    processing_engine: lineageFacets.processingEngine(PRODUCT_VERSION),
    perfrecon_job: lineageFacets.custom('job', {
      jobId: facts.jobId,
      attempt: facts.attempt,
      worker: facts.worker,
      outcome: facts.outcome,
      calculationVersions: mapping?.calculationVersions ?? [],
    }),
  };
  if (facts.error !== undefined)
    runFacets.errorMessage = lineageFacets.errorMessage(facts.error.message, facts.error.stack);
  return runEvent({
    eventType,
    run: { runId: facts.jobId, facets: runFacets },
    job: {
      namespace: LINEAGE_NAMESPACE,
      name: 'ingest-file',
      facets: { jobType: lineageFacets.jobType() },
    },
    inputs: [input],
    outputs,
  });
}
