// OpenLineage sinks against a real local HTTP receiver and a real file: events arrive as JSON,
// and a sink that fails never fails the caller.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observe/logger.ts';
import { fileSink, httpSink, openLineageSink } from '../../src/observe/openlineage.ts';
import { ingestRunEvent } from '../../src/services/ingest/ingest-lineage.ts';

// biome-ignore lint/suspicious/noExplicitAny: JSON from the wire, navigated freely by the assertions
type Json = any;

const logger = createLogger('silent');
const received: { path: string; type: string; body: unknown }[] = [];
let server: http.Server;
let url: string;
let status = 201;

beforeAll(async () => {
  server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({
        path: request.url ?? '',
        type: request.headers['content-type'] ?? '',
        body: JSON.parse(body),
      });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/lineage`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const facts = {
  runId: '01936b5e-8a00-7000-8000-000000000001',
  jobId: '0b7d7d3e-1111-4222-8333-444455556666',
  attempt: 1,
  worker: 'host:1',
  landingName: '20240101T000000Z-abcdef--canonical-x.csv',
  originalName: 'canonical-x.csv',
  sha256: 'a'.repeat(64),
  inputPath: '/landing/processing/20240101T000000Z-abcdef--canonical-x.csv',
  storedPath: '/landing/archive/2024/01/01/20240101T000000Z-abcdef--canonical-x.csv',
  sizeBytes: 123,
  vendor: 'canonical',
  fileId: 7,
  outcome: 'SUCCEEDED',
  rowsRead: 3,
  rowsStored: 2,
  rowsUpdated: 0,
  rowsQuarantined: 1,
  warnings: 4,
};
const database = { namespace: 'postgres://db:5432', name: 'perf' };
const mapping = {
  configVersion: 'cfg1',
  calculationVersions: ['twr-1'],
  fieldSources: { begin_market_value: ['BMV'], end_market_value: ['EMV'], flows: ['Flow'] },
};

describe('OpenLineage run events', () => {
  it('are POSTed as JSON to the configured endpoint', async () => {
    const sink = openLineageSink({ openLineageUrl: url, openLineageFile: '/never/used' }, logger);
    await sink.emit(ingestRunEvent('COMPLETE', facts, database, mapping));
    expect(received).toHaveLength(1);
    const [{ path: requestPath, type, body }] = received as [
      { path: string; type: string; body: Record<string, Json> },
    ];
    expect(requestPath).toBe('/api/v1/lineage');
    expect(type).toBe('application/json');
    expect(body).toMatchObject({
      eventType: 'COMPLETE',
      run: { runId: facts.runId, facets: { parent: { run: { runId: facts.jobId } } } },
      job: { namespace: 'perfrecon', name: 'ingest-file' },
      inputs: [{ name: facts.inputPath, inputFacets: { inputStatistics: { rowCount: 3, size: 123 } } }],
    });
    const periods = body.outputs.find((o: { name: string }) => o.name === 'perf.public.performance_periods');
    expect(periods.outputFacets.outputStatistics.rowCount).toBe(2);
    expect(periods.facets.columnLineage.fields.begin_market_value.inputFields).toEqual([
      expect.objectContaining({ name: facts.inputPath, field: 'BMV' }),
    ]);
    const flows = body.outputs.find((o: { name: string }) => o.name === 'perf.public.period_flows');
    expect(flows.facets.columnLineage.fields.amount.inputFields[0].field).toBe('Flow');
    expect(
      periods.facets.columnLineage.fields.calculated_return.inputFields.map(
        (f: { field: string }) => f.field,
      ),
    ).toEqual(['BMV', 'EMV', 'Flow']);
    expect(
      body.outputs.find((o: { name: string }) => o.name === 'perf.public.quarantined_rows').outputFacets
        .outputStatistics.rowCount,
    ).toBe(1);
    expect(
      body.outputs.find((o: { name: string }) => o.name === 'perf.public.file_warnings').outputFacets
        .outputStatistics.rowCount,
    ).toBe(4);
  });

  it('never fail the job: a refusing or unreachable endpoint is only logged', async () => {
    status = 500;
    await expect(
      httpSink(url, logger).emit(ingestRunEvent('START', facts, database)),
    ).resolves.toBeUndefined();
    await expect(
      httpSink('http://127.0.0.1:1/nothing', logger).emit(ingestRunEvent('START', facts, database)),
    ).resolves.toBeUndefined();
  });

  it('are appended to a file, one JSON per line, with the error of a failed run', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'prol-')), 'sub', 'events.ndjson');
    const sink = fileSink(file, logger);
    await sink.emit(ingestRunEvent('START', facts, database));
    await sink.emit(ingestRunEvent('FAIL', { ...facts, error: { message: 'boom' } }, database));
    const events = fs
      .readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(events.map((e) => e.eventType)).toEqual(['START', 'FAIL']);
    expect(events[1].run.facets.errorMessage).toMatchObject({
      message: 'boom',
      programmingLanguage: 'TypeScript',
    });
    expect(events[1].outputs).toEqual([]);
    fs.rmSync(path.dirname(path.dirname(file)), { recursive: true, force: true });
  });
});
