// OpenLineage run events (https://openlineage.io/spec/2-0-2/OpenLineage.json): one START and one
// COMPLETE or FAIL per run, with the file read, the tables written and, per output column, the
// source field it was mapped from. Sent to an HTTP endpoint (Marquez and others accept POST
// /api/v1/lineage) or appended to a file, one event per line. Emitting never blocks or fails the
// pipeline: a sink that fails is logged.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { redactUrl } from '../domain/redact.ts';
import type { Logger } from './logger.ts';

const PRODUCER = 'https://github.com/perfrecon/perfrecon';
const RUN_EVENT_SCHEMA = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';
const FACETS = 'https://openlineage.io/spec/facets';
/** perfrecon's own facets: one JSON Schema per facet in docs/openlineage/ (see docs/pipeline.md). */
const CUSTOM_FACETS = `${PRODUCER}/blob/main/docs/openlineage`;

/**
 * A new run id: a UUID version 7 (RFC 9562), so run ids sort by the time the run started. Each
 * attempt of a job is its own run: FAIL is terminal in the spec, and a retry must not reopen it.
 */
export function newRunId(now: number = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes.writeUInt8((bytes.readUInt8(6) & 0x0f) | 0x70, 6);
  bytes.writeUInt8((bytes.readUInt8(8) & 0x3f) | 0x80, 8);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export type RunEventType = 'START' | 'COMPLETE' | 'FAIL' | 'ABORT';

export interface LineageDataset {
  namespace: string;
  name: string;
  facets?: Record<string, unknown>;
  inputFacets?: Record<string, unknown>;
  outputFacets?: Record<string, unknown>;
}

export interface RunEvent {
  eventType: RunEventType;
  eventTime: string;
  run: { runId: string; facets: Record<string, unknown> };
  job: { namespace: string; name: string; facets: Record<string, unknown> };
  inputs: LineageDataset[];
  outputs: LineageDataset[];
  producer: string;
  schemaURL: string;
}

export interface LineageSink {
  emit(event: RunEvent): Promise<void>;
}

function facet(spec: string, body: Record<string, unknown>): Record<string, unknown> {
  return { _producer: PRODUCER, _schemaURL: `${FACETS}/${spec}`, ...body };
}

export const lineageFacets = {
  schema(fields: { name: string; type?: string; description?: string }[]) {
    return facet('1-1-1/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet', { fields });
  },
  /** Output column → the input fields it was derived from. */
  columnLineage(
    fields: Record<
      string,
      { inputFields: { namespace: string; name: string; field: string }[]; transformationDescription: string }
    >,
  ) {
    const withType = Object.fromEntries(
      Object.entries(fields).map(([name, value]) => [
        name,
        {
          inputFields: value.inputFields.map((input) => ({
            ...input,
            transformations: [
              { type: 'DIRECT', subtype: 'TRANSFORMATION', description: value.transformationDescription },
            ],
          })),
        },
      ]),
    );
    return facet('1-2-0/ColumnLineageDatasetFacet.json#/$defs/ColumnLineageDatasetFacet', {
      fields: withType,
    });
  },
  outputStatistics(rowCount: number, size?: number) {
    return facet('1-0-2/OutputStatisticsOutputDatasetFacet.json#/$defs/OutputStatisticsOutputDatasetFacet', {
      rowCount,
      ...(size === undefined ? {} : { size }),
    });
  },
  inputStatistics(rowCount: number, size: number) {
    return facet('1-0-0/InputStatisticsInputDatasetFacet.json#/$defs/InputStatisticsInputDatasetFacet', {
      rowCount,
      size,
    });
  },
  errorMessage(message: string, stackTrace?: string) {
    return facet('1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet', {
      message,
      programmingLanguage: 'TypeScript',
      ...(stackTrace === undefined ? {} : { stackTrace }),
    });
  },
  jobType() {
    return facet('2-0-3/JobTypeJobFacet.json#/$defs/JobTypeJobFacet', {
      processingType: 'BATCH',
      integration: 'PERFRECON',
      jobType: 'INGEST_FILE',
    });
  },
  processingEngine(version: string) {
    return facet('1-1-1/ProcessingEngineRunFacet.json#/$defs/ProcessingEngineRunFacet', {
      version,
      name: 'perfrecon',
    });
  },
  /** The run this one belongs to (for an ingest attempt: the queued job it is an attempt of). */
  parent(run: { runId: string }, job: { namespace: string; name: string }) {
    return facet('1-0-1/ParentRunFacet.json#/$defs/ParentRunFacet', { run, job });
  },
  /** A perfrecon facet, described by the JSON Schema `docs/openlineage/<definition>.json`. */
  custom(definition: string, body: Record<string, unknown>) {
    return {
      _producer: PRODUCER,
      _schemaURL: `${CUSTOM_FACETS}/${definition}.json#/$defs/${definition}`,
      ...body,
    };
  },
};

export function runEvent(
  event: Omit<RunEvent, 'producer' | 'schemaURL' | 'eventTime'> & { eventTime?: string },
): RunEvent {
  return { eventTime: new Date().toISOString(), ...event, producer: PRODUCER, schemaURL: RUN_EVENT_SCHEMA };
}

export function fileSink(file: string, logger: Logger): LineageSink {
  let ready: Promise<unknown> | undefined;
  return {
    async emit(event) {
      try {
        ready ??= fs.mkdir(path.dirname(file), { recursive: true });
        await ready;
        // One write per event: appends of a line are atomic enough for concurrent workers.
        await fs.appendFile(file, `${JSON.stringify(event)}\n`);
      } catch (error) {
        logger.warn({ err: error, file }, 'could not write the OpenLineage event');
      }
    },
  };
}

export function httpSink(url: string, logger: Logger, timeoutMs = 5000): LineageSink {
  return {
    async emit(event) {
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(event),
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (!response.ok)
          logger.warn(
            { url: redactUrl(url), status: response.status },
            'the OpenLineage endpoint refused an event',
          );
      } catch (error) {
        logger.warn({ err: error, url: redactUrl(url) }, 'could not send the OpenLineage event');
      }
    },
  };
}

export const noLineage: LineageSink = { async emit() {} };

export function openLineageSink(
  config: { openLineageUrl?: string; openLineageFile?: string },
  logger: Logger,
): LineageSink {
  if (config.openLineageUrl !== undefined) return httpSink(config.openLineageUrl, logger);
  if (config.openLineageFile !== undefined) return fileSink(config.openLineageFile, logger);
  return noLineage;
}
