// The OpenLineage events of real job runs (processLandedFile on this file's database), checked
// against the spec: the official JSON Schema (vendored, test/fixtures/openlineage), dataset
// naming, one run per attempt, every table written declared, input fields named by schema.
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, openApp } from '../../src/app.ts';
import type { RunEvent } from '../../src/observe/openlineage.ts';
import { type IngestJob, type PipelineDeps, processLandedFile } from '../../src/pipeline/ingest-job.ts';
import { landingFolder, newLandingName } from '../../src/pipeline/landing.ts';
import { pipelineDeps } from '../../src/pipeline/runtime.ts';
import { createTestEnv, type TestEnv } from '../support/test-env.ts';
import { canonicalRows, HEADER, installFaultInjector } from './support.ts';

let env: TestEnv;
let app: App;
let deps: PipelineDeps;
const events: RunEvent[] = [];

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
const validateEvent = ajv.compile(
  JSON.parse(fs.readFileSync('test/fixtures/openlineage/OpenLineage-2-0-2.json', 'utf8')),
);
/** Where a custom facet's `_schemaURL` points in this repository (…/blob/main/<path>#/$defs/X). */
const PUBLISHED = /^https:\/\/github\.com\/perfrecon\/perfrecon\/blob\/main\/([^#]+)#\/\$defs\/(\w+)$/;

beforeAll(async () => {
  env = await createTestEnv();
  app = await openApp({ env: { ...env.env, PERFRECON_LOG_LEVEL: 'silent' } });
  await installFaultInjector(app.database.db);
  deps = {
    ...pipelineDeps(app, async () => {}),
    lineage: {
      async emit(event) {
        events.push(event);
      },
    },
  };
  await deps.landing.ensure();
});

afterAll(async () => {
  await app?.close();
  await env?.cleanup();
});

/** A file landed in processing/ and its job, as intake makes them. */
function land(originalName: string, content: string): IngestJob {
  const landingName = newLandingName(originalName);
  fs.writeFileSync(path.join(landingFolder(deps.landing.root).processing, landingName), content);
  return {
    id: randomUUID(),
    attempt: 1,
    data: {
      landingName,
      originalName,
      sha256: createHash('sha256').update(content).digest('hex'),
      sizeBytes: Buffer.byteLength(content),
      receivedAt: new Date().toISOString(),
      source: 'cli',
    },
  };
}

async function run(job: IngestJob): Promise<RunEvent[]> {
  const from = events.length;
  await processLandedFile(deps, job);
  return events.slice(from);
}

const canonical = (account: string, rows: number) =>
  `${[HEADER, ...canonicalRows(account, rows)].join('\n')}\n`;
const outputNames = (event: RunEvent | undefined) => (event?.outputs ?? []).map((o) => o.name).sort();
type ColumnLineage = { fields: Record<string, { inputFields: { field: string }[] }> };
const periodsLineage = (event: RunEvent | undefined): ColumnLineage =>
  (event?.outputs.find((o) => o.name.endsWith('.performance_periods'))?.facets?.columnLineage as
    | ColumnLineage
    | undefined) ?? { fields: {} };

/** The validator of a facet published in this repository, by its `_schemaURL`. */
function publishedValidator(url: string) {
  const [, file, definition] = PUBLISHED.exec(url) ?? [];
  if (file === undefined || !fs.existsSync(file)) return undefined;
  const schema = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (ajv.getSchema(schema.$id) === undefined) ajv.addSchema(schema);
  return ajv.getSchema(`${schema.$id}#/$defs/${definition}`);
}
const database = () =>
  env.mode === 'server' ? new URL(env.env.DATABASE_URL ?? '').pathname.slice(1) : 'postgres';

describe('OpenLineage events of a job run', () => {
  it('name tables database.schema.table in the database namespace, and declare every table a stored file writes', async () => {
    const [, complete] = await run(land('canonical-ol-1.csv', canonical('OL-1', 3)));
    expect(complete?.eventType).toBe('COMPLETE');
    const db = database();
    expect(outputNames(complete)).toEqual(
      ['accounts', 'etl_processing_log', 'files', 'performance_periods', 'period_flows'].map(
        (table) => `${db}.public.${table}`,
      ),
    );
    const namespace =
      env.mode === 'server'
        ? `postgres://${new URL(env.env.DATABASE_URL ?? '').hostname}:${new URL(env.env.DATABASE_URL ?? '').port || '5432'}`
        : `pglite://${os.hostname()}${path.join(env.home, 'db')}`;
    for (const output of complete?.outputs ?? []) expect(output.namespace).toBe(namespace);
    const columns = Object.keys(periodsLineage(complete).fields);
    expect(columns).toContain('end_market_value');
    expect(columns).not.toContain('period_flows');
    expect(columns).not.toContain('flows');
  });

  it('name the fields of a JSON input by its schema, not by record', async () => {
    const content = fs.readFileSync('test/fixtures/json/ok/vendor-c-nested.json', 'utf8');
    const job = land('vendor-c-ol.json', content);
    job.data.vendorCode = 'vendor-c';
    const [, complete] = await run(job);
    const fields = Object.values(periodsLineage(complete).fields).flatMap((column) =>
      column.inputFields.map((input) => input.field),
    );
    expect(fields).toContain('accounts[].periods[].values.end');
    expect(fields.filter((field) => /\[\d+\]/.test(field))).toEqual([]);
    const inputSchema = complete?.inputs[0]?.facets?.schema as { fields: { name: string }[] };
    expect(inputSchema.fields.map((f) => f.name)).toEqual(expect.arrayContaining([...new Set(fields)]));
  });

  it('give each attempt its own run, linked to the job by the parent facet', async () => {
    await sql`INSERT INTO test_fault_accounts VALUES ('OL-RETRY')`.execute(app.database.db);
    const job = land('canonical-ol-retry.csv', canonical('OL-RETRY', 2));
    const first = await run(job);
    await sql`DELETE FROM test_fault_accounts`.execute(app.database.db);
    const second = await run({ ...job, attempt: 2 });
    expect([...first, ...second].map((e) => e.eventType)).toEqual(['START', 'FAIL', 'START', 'COMPLETE']);
    const [a, b] = [first[0]?.run.runId, second[0]?.run.runId];
    expect(a).not.toBe(b);
    expect(first[1]?.run.runId).toBe(a);
    expect(second[1]?.run.runId).toBe(b);
    for (const event of [...first, ...second]) {
      expect(event.run.runId).not.toBe(job.id);
      expect(event.run.facets.parent).toMatchObject({
        run: { runId: job.id },
        job: { namespace: 'perfrecon' },
      });
    }
  });

  it('report no outputs when the file was ingested already, and only the file records for a rejected one', async () => {
    const [, again] = await run(land('canonical-ol-1-again.csv', canonical('OL-1', 3)));
    expect(again?.eventType).toBe('COMPLETE');
    expect(again?.outputs).toEqual([]);
    const [, rejected] = await run(land('canonical-ol-bad.csv', 'account_id,period_start\nX,2024-01-01\n'));
    expect(outputNames(rejected)).toEqual([
      `${database()}.public.etl_processing_log`,
      `${database()}.public.files`,
    ]);
  });

  it('all validate against the official OpenLineage schema, custom facets against their published schemas', () => {
    expect(events.length).toBeGreaterThanOrEqual(10);
    for (const event of events) {
      expect(validateEvent(event), JSON.stringify(validateEvent.errors)).toBe(true);
      const facets = [
        event.run.facets,
        event.job.facets,
        ...[...event.inputs, ...event.outputs].flatMap((d) => [d.facets, d.inputFacets, d.outputFacets]),
      ].flatMap((group) => Object.entries(group ?? {}));
      for (const [name, facet] of facets) {
        if (!name.startsWith('perfrecon_')) continue;
        const url = (facet as { _schemaURL: string })._schemaURL;
        const validate = publishedValidator(url);
        expect(validate, `${name}: ${url} is not published in this repository`).toBeDefined();
        expect(validate?.(facet), `${name}: ${JSON.stringify(validate?.errors)}`).toBe(true);
      }
    }
  });
});
