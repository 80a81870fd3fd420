// The OpenLineage view of one ingest attempt: the landed file in, every table the attempt writes
// out, and per output column the input fields it came from. Naming follows the spec's dataset
// naming (docs/pipeline.md, "Lineage events"): tables are `database.schema.table` in the namespace
// of the database instance.

import os from 'node:os';
import path from 'node:path';
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
/** The job whose runs are attempts: one run per attempt, each ending COMPLETE or FAIL. */
const ATTEMPT_JOB = { namespace: LINEAGE_NAMESPACE, name: 'ingest-file' };
/** The durable queued job the attempts belong to: its job id is their parent run id. */
const QUEUED_JOB = { namespace: LINEAGE_NAMESPACE, name: 'ingest-file-job' };

/** Where the tables are, in OpenLineage terms: the instance's namespace and the database's name. */
export interface LineageDatabase {
  namespace: string;
  name: string;
}

/**
 * A server is `postgres://host:port` and its database (the spec's naming). The embedded database
 * has no host and port: it is `pglite://<host><data folder>`, the machine and the folder that
 * hold it, with its one database `postgres`.
 */
export function lineageDatabase(location: {
  databaseUrl: string | undefined;
  home: string;
}): LineageDatabase {
  if (location.databaseUrl === undefined) {
    return { namespace: `pglite://${os.hostname()}${path.join(location.home, 'db')}`, name: 'postgres' };
  }
  const url = new URL(location.databaseUrl);
  // libpq's default database is the user's name.
  const name = decodeURIComponent(url.pathname.slice(1)) || decodeURIComponent(url.username) || 'postgres';
  return { namespace: `postgres://${url.hostname}:${url.port || '5432'}`, name };
}

export interface IngestRunFacts {
  /** This attempt's run id (newRunId); the job id is its parent's. */
  runId: string;
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
  rowsUpdated: number;
  rowsQuarantined: number;
  /** Warnings stored with the file. */
  warnings: number;
  error?: { message: string; stack?: string };
}

export interface MappingFacts {
  configVersion: string | null;
  calculationVersions: string[];
  /** Canonical field → the input fields (columns, or JSON paths of the file's schema) it was read from. */
  fieldSources: Record<string, string[]>;
}

const PERIOD_COLUMNS: [string, string][] = [
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
const FLOW_COLUMNS: [string, string][] = [
  ['account_id', 'text'],
  ['vendor_code', 'text'],
  ['period_start', 'date'],
  ['period_end', 'date'],
  ['seq', 'integer'],
  ['flow_date', 'date'],
  ['amount', 'numeric'],
  ['timing', 'text'],
];
const ACCOUNT_COLUMNS: [string, string][] = [
  ['account_id', 'text'],
  ['currency', 'text'],
];

/**
 * A field of the input's schema: a CSV or Excel column as it is, a JSON path of one record
 * (`$.accounts[3].periods[7].bmv`) as the path of every such record (`accounts[].periods[].bmv`),
 * the way vendor configurations name it.
 */
export function schemaField(source: string): string {
  return source.startsWith('$') ? source.replace(/^\$\.?/, '').replace(/\[\d+\]/g, '[]') : source;
}

/** How the figures of a file were mapped: sampled from its stored rows (they share a configuration). */
export async function mappingFacts(deps: { database: Database }, fileId: number): Promise<MappingFacts> {
  const rows = await mappingSample(deps.database.db, fileId, 200);
  const fieldSources: Record<string, Set<string>> = {};
  for (const row of rows) {
    for (const [field, source] of Object.entries(row.field_sources ?? {})) {
      // A constant from the configuration is no field of the input.
      if (source === '(constant)') continue;
      const sources = fieldSources[field] ?? new Set<string>();
      sources.add(schemaField(source));
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

type ColumnLineage = Parameters<typeof lineageFacets.columnLineage>[0];

/** Output column → input fields, for the columns whose canonical field the mapping names. */
function columnsFrom(
  input: { namespace: string; name: string },
  sources: Record<string, string[]>,
  columns: [column: string, fields: string[]][],
  description: string,
): ColumnLineage {
  const lineage: ColumnLineage = {};
  for (const [column, fields] of columns) {
    const inputFields = fields.flatMap((field) => sources[field] ?? []).map((field) => ({ ...input, field }));
    if (inputFields.length > 0) lineage[column] = { inputFields, transformationDescription: description };
  }
  return lineage;
}

function outputDatasets(
  eventType: RunEventType,
  facts: IngestRunFacts,
  database: LineageDatabase,
  input: { namespace: string; name: string },
  mapping: MappingFacts | undefined,
): LineageDataset[] {
  // A run that found the file ingested already changes no data: it has no outputs.
  if (eventType !== 'COMPLETE' || facts.outcome === 'ALREADY_INGESTED') return [];
  const table = (name: string, facets?: Record<string, unknown>, rowCount?: number): LineageDataset => ({
    namespace: database.namespace,
    name: `${database.name}.public.${name}`,
    ...(facets === undefined ? {} : { facets }),
    ...(rowCount === undefined
      ? {}
      : { outputFacets: { outputStatistics: lineageFacets.outputStatistics(rowCount) } }),
  });
  // Every outcome records the file and its processing log.
  const outputs = [table('files'), table('etl_processing_log')];
  if (facts.rowsQuarantined > 0) outputs.push(table('quarantined_rows', undefined, facts.rowsQuarantined));
  if (facts.warnings > 0 && facts.outcome !== 'REJECTED') {
    outputs.push(table('file_warnings', undefined, facts.warnings));
  }
  if (facts.rowsStored === 0) return outputs;

  const sources = mapping?.fieldSources ?? {};
  const mapped = `mapped by vendor configuration ${facts.vendor ?? '?'}@${mapping?.configVersion ?? '?'}`;
  const direct = PERIOD_COLUMNS.map(([column]): [string, string[]] => [column, [column]]);
  const periods = columnsFrom(input, sources, direct, mapped);
  if (mapping !== undefined && mapping.calculationVersions.length > 0) {
    Object.assign(
      periods,
      columnsFrom(
        input,
        sources,
        [['calculated_return', ['begin_market_value', 'end_market_value', 'flows', 'fees']]],
        `Modified Dietz, calculation ${mapping.calculationVersions.join(', ')}`,
      ),
    );
  }
  const flowColumns: [string, string[]][] = [
    ['flow_date', ['flows']],
    ['amount', ['flows']],
    ['timing', ['flows']],
    ['account_id', ['account_id']],
    ['period_start', ['period_start']],
    ['period_end', ['period_end']],
  ];
  const withSchema = (columns: [string, string][], lineage: ColumnLineage) => ({
    schema: lineageFacets.schema(columns.map(([name, type]) => ({ name, type }))),
    columnLineage: lineageFacets.columnLineage(lineage),
  });
  outputs.push(
    table('performance_periods', withSchema(PERIOD_COLUMNS, periods), facts.rowsStored),
    table('period_flows', withSchema(FLOW_COLUMNS, columnsFrom(input, sources, flowColumns, mapped))),
    table(
      'accounts',
      withSchema(
        ACCOUNT_COLUMNS,
        columnsFrom(
          input,
          sources,
          ACCOUNT_COLUMNS.map(([c]) => [c, [c]]),
          mapped,
        ),
      ),
    ),
  );
  // A restated period's previous figures are kept in the audit log.
  if (facts.rowsUpdated > 0) outputs.push(table('audit_log', undefined, facts.rowsUpdated));
  return outputs;
}

/** OpenLineage's dataset naming: namespace s3://bucket and the key for an object, file://host and the path for a file. */
function inputDataset(location: string): { namespace: string; name: string } {
  const object = /^s3:\/\/([^/]+)\/(.*)$/.exec(location);
  if (object?.[1] !== undefined && object[2] !== undefined)
    return { namespace: `s3://${object[1]}`, name: object[2] };
  return { namespace: `file://${os.hostname()}`, name: location };
}

export function ingestRunEvent(
  eventType: RunEventType,
  facts: IngestRunFacts,
  database: LineageDatabase,
  mapping?: MappingFacts,
): RunEvent {
  const file = inputDataset(facts.inputPath);
  const inputFields = [...new Set(Object.values(mapping?.fieldSources ?? {}).flat())].sort();
  const input: LineageDataset = {
    ...file,
    facets: {
      perfrecon_file: lineageFacets.custom('PerfreconFileDatasetFacet', {
        sha256: facts.sha256,
        originalName: facts.originalName,
        landingName: facts.landingName,
        vendor: facts.vendor,
        fileId: facts.fileId,
        storedPath: facts.storedPath,
        configVersion: mapping?.configVersion ?? null,
      }),
      ...(inputFields.length === 0
        ? {}
        : { schema: lineageFacets.schema(inputFields.map((name) => ({ name }))) }),
    },
    ...(eventType === 'START'
      ? {}
      : { inputFacets: { inputStatistics: lineageFacets.inputStatistics(facts.rowsRead, facts.sizeBytes) } }),
  };
  const runFacets: Record<string, unknown> = {
    parent: lineageFacets.parent({ runId: facts.jobId }, QUEUED_JOB),
    processing_engine: lineageFacets.processingEngine(PRODUCT_VERSION),
    perfrecon_job: lineageFacets.custom('PerfreconJobRunFacet', {
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
    run: { runId: facts.runId, facets: runFacets },
    job: { ...ATTEMPT_JOB, facets: { jobType: lineageFacets.jobType() } },
    inputs: [input],
    outputs: outputDatasets(eventType, facts, database, file, mapping),
  });
}
