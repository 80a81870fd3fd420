// The durable workflow in one process, on a real database (embedded or server): the watcher,
// the pg-boss queue with its retry and dead-letter policy, and the landing folder.
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, openApp } from '../../src/app.ts';
import type { AlertEvent } from '../../src/domain/alert.ts';
import { recoverProcessing } from '../../src/pipeline/intake.ts';
import { destinationPath, landingFolder, newLandingName } from '../../src/pipeline/landing.ts';
import { INGEST_QUEUE, ingestJobSender } from '../../src/pipeline/queues.ts';
import { type RunningPipeline, startPipeline } from '../../src/pipeline/runtime.ts';
import { replayDeadLetter } from '../../src/services/dead-letters.ts';
import { fileTimeline } from '../../src/store/file-repository.ts';
import { periodLineage } from '../../src/store/lineage-repository.ts';
import { periodsOf } from '../support/test-app.ts';
import { createTestEnv, type TestEnv } from '../support/test-env.ts';
import { canonicalRows, filesBelow, HEADER, pipelineEnv, waitUntil, writeCanonical } from './support.ts';

let env: TestEnv;
let app: App;
let pipeline: RunningPipeline;
const alerts: AlertEvent[] = [];

beforeAll(async () => {
  env = await createTestEnv();
  app = await openApp({
    env: pipelineEnv(env, { PERFRECON_LOG_LEVEL: 'silent', PERFRECON_WORKER_CONCURRENCY: '2' }),
  });
  app.notifier = {
    async notify(event) {
      alerts.push(event);
    },
  };
  // A fault injector: inserts of these accounts fail with a lock timeout (SQLSTATE 55P03, transient)
  // — always for FAULT-ALWAYS while it is listed, the first two times for FAULT-TWICE.
  await sql`
    CREATE TABLE test_fault_accounts (account_id text PRIMARY KEY);
    CREATE SEQUENCE test_fault_budget;
    CREATE FUNCTION test_inject_fault() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.account_id IN (SELECT account_id FROM test_fault_accounts)
         OR (NEW.account_id = 'FAULT-TWICE' AND nextval('test_fault_budget') <= 2) THEN
        RAISE EXCEPTION 'injected: lock timeout on performance_periods' USING ERRCODE = '55P03';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER test_inject_fault BEFORE INSERT ON performance_periods
      FOR EACH ROW EXECUTE FUNCTION test_inject_fault();
  `.execute(app.database.db);
  pipeline = await startPipeline(app, { workers: { concurrency: 2 }, watch: true });
});

afterAll(async () => {
  await pipeline?.stop();
  await app?.close();
  await env?.cleanup();
});

const db = () => app.database.db;
const landing = () => landingFolder(pipeline.landing.root);

function fileNamed(name: string) {
  return db().selectFrom('files').selectAll().where('name', '=', name).executeTakeFirst();
}

/** The file reached `status` and its job is done (filed away: the job's last step). */
function settled(name: string, status: string) {
  return waitUntil(async () => {
    const file = await fileNamed(name);
    if (file?.status !== status) return undefined;
    if (status === 'FAILED') return file;
    const filed = await db()
      .selectFrom('etl_processing_log')
      .select('id')
      .where('file_id', '=', file.id)
      .where('step', '=', 'archive')
      .where('status', '=', status)
      .executeTakeFirst();
    // Read the file again: it may have been filed away between the two queries above.
    return filed === undefined ? undefined : fileNamed(name);
  }, `${name} to be ${status} and filed away`);
}

async function steps(fileId: number) {
  return (await fileTimeline(db(), fileId)).map((t) => `${t.status}/${t.step}@${t.attempt}`);
}

/** Drop a file into inbox/ the recommended way: written under a temporary name, then renamed. */
function drop(name: string, lines: string[]): void {
  const temp = writeCanonical(landing().inbox, `.${name}.part`, lines);
  fs.renameSync(temp, path.join(landing().inbox, name));
}

function dropRaw(name: string, content: string): void {
  const temp = path.join(landing().inbox, `${name}.tmp`);
  fs.writeFileSync(temp, content);
  fs.renameSync(temp, path.join(landing().inbox, name));
}

describe('a file through the landing folder', () => {
  it('is taken from inbox/ once renamed, stored, archived by date, and logged step by step', async () => {
    drop('canonical-good.csv', canonicalRows('GOOD-1', 5));
    const file = await settled('canonical-good.csv', 'SUCCEEDED');
    expect(file.rows_stored).toBe(5);
    const archived = filesBelow(landing().archive);
    expect(archived).toHaveLength(1);
    expect(archived[0]).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\d{8}T\d{6}Z-[0-9a-f]{6}--canonical-good\.csv$/);
    expect(file.stored_path).toBe(path.join(landing().archive, archived[0] ?? ''));
    expect(filesBelow(landing().inbox)).toEqual([]);
    await waitUntil(async () => filesBelow(landing().processing).length === 0, 'processing/ to be empty');
    expect(await steps(file.id)).toEqual([
      'PROCESSING/validate@1',
      'SUCCEEDED/store@1',
      'SUCCEEDED/archive@1',
    ]);
    // Reconciled after the store, for the accounts and periods the file touched.
    const runs = await db()
      .selectFrom('reconciliation_runs')
      .select(['trigger', 'status'])
      .where(sql<boolean>`inputs->>'fileId' = ${String(file.id)}`)
      .execute();
    expect(runs).toEqual([{ trigger: 'ingest', status: 'COMPLETED' }]);
    expect(alerts.some((a) => a.kind === 'file_succeeded' && a.details.file === 'canonical-good.csv')).toBe(
      true,
    );
  });

  it('emits an OpenLineage START and COMPLETE for the job, with the mapped columns', async () => {
    const file = await fileNamed('canonical-good.csv');
    const lines = fs
      .readFileSync(app.config.pipeline.openLineageFile ?? '', 'utf8')
      .trim()
      .split('\n');
    const events = lines
      .map((line) => JSON.parse(line))
      .filter((e) => e.inputs[0]?.facets?.perfrecon_file?.sha256 === file?.sha256);
    expect(events.map((e) => e.eventType)).toEqual(['START', 'COMPLETE']);
    const complete = events[1];
    expect(complete.run.runId).toBe(events[0].run.runId);
    expect(complete.job).toMatchObject({ namespace: 'perfrecon', name: 'ingest-file' });
    expect(complete.schemaURL).toMatch(/OpenLineage\.json#\/\$defs\/RunEvent$/);
    // Named database.schema.table (OpenLineage naming), whichever database the suite runs on.
    const output = complete.outputs.find((o: { name: string }) =>
      o.name.endsWith('.public.performance_periods'),
    );
    expect(output.outputFacets.outputStatistics.rowCount).toBe(5);
    expect(output.facets.columnLineage.fields.end_market_value.inputFields[0]).toMatchObject({
      name: path.join(landing().processing, path.basename(file?.stored_path ?? '')),
      field: 'end_market_value',
    });
    expect(complete.run.facets.perfrecon_job.calculationVersions.length).toBeGreaterThan(0);
  });

  it('waits for a file written in place until its size stops changing', async () => {
    const name = 'canonical-growing.csv';
    const rows = canonicalRows('GROW-1', 40);
    const target = path.join(landing().inbox, name);
    fs.writeFileSync(target, `${[HEADER, ...rows.slice(0, 20)].join('\n')}\n`);
    for (let i = 20; i < 40; i += 5) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      fs.appendFileSync(target, `${rows.slice(i, i + 5).join('\n')}\n`);
    }
    const file = await settled(name, 'SUCCEEDED');
    expect(file.rows_read).toBe(40);
    expect(await periodsOf(app, 'GROW-1')).toBe(40);
  });

  it('rejects a file that fails validation: error/, a reason to act on, a validation alert', async () => {
    dropRaw(
      'canonical-no-emv.csv',
      'account_id,period_start,period_end,currency,begin_market_value\nX,2024-01-01,2024-01-02,USD,1\n',
    );
    const file = await settled('canonical-no-emv.csv', 'REJECTED');
    expect(file.error).toMatch(/end_market_value/);
    expect(filesBelow(landing().error).some((f) => f.endsWith('--canonical-no-emv.csv'))).toBe(true);
    expect(
      alerts.some((a) => a.kind === 'validation_failed' && a.details.file === 'canonical-no-emv.csv'),
    ).toBe(true);
  });

  it('sends a file whose every row is quarantined to quarantine/', async () => {
    drop('canonical-all-bad.csv', ['BAD-1,2024-13-45,2024-01-02,USD,1,2,,,,,0,,gross']);
    const file = await settled('canonical-all-bad.csv', 'QUARANTINED');
    expect(file.rows_quarantined).toBe(1);
    expect(filesBelow(landing().quarantine).some((f) => f.endsWith('--canonical-all-bad.csv'))).toBe(true);
  });

  it('records the same bytes twice once: the second arrival is logged on the first and kept', async () => {
    const before = await db().selectFrom('files').select('id').execute();
    const first = await fileNamed('canonical-good.csv');
    drop('canonical-good-again.csv', canonicalRows('GOOD-1', 5));
    await waitUntil(
      async () => (await steps(first?.id ?? 0)).some((s) => s.startsWith('DUPLICATE/intake')),
      'the duplicate to be logged',
    );
    expect(await db().selectFrom('files').select('id').execute()).toHaveLength(before.length);
    expect(await periodsOf(app, 'GOOD-1')).toBe(5);
    expect(
      filesBelow(landing().archive).filter((f) => f.endsWith('--canonical-good-again.csv')),
    ).toHaveLength(1);
  });

  it('queues a file an interrupted intake left in processing/ without a job', async () => {
    const landingName = newLandingName('canonical-orphan.csv');
    writeCanonical(landing().processing, landingName, canonicalRows('ORPHAN-1', 3));
    const recovered = await recoverProcessing({
      landing: pipeline.landing,
      boss: pipeline.boss,
      logger: app.logger,
    });
    expect(recovered.map((r) => r.landingName)).toEqual([landingName]);
    expect(
      await recoverProcessing({ landing: pipeline.landing, boss: pipeline.boss, logger: app.logger }),
    ).toEqual([]);
    const file = await settled('canonical-orphan.csv', 'SUCCEEDED');
    expect(file.stored_path).toBe(destinationPath(landing(), 'archive', landingName));
  });
});

describe('failures', () => {
  it('retries a transient failure with backoff and then finishes', async () => {
    drop('canonical-fault-twice.csv', canonicalRows('FAULT-TWICE', 1));
    const file = await settled('canonical-fault-twice.csv', 'SUCCEEDED');
    const timeline = await fileTimeline(db(), file.id);
    const errors = timeline.filter((t) => t.status === 'ERROR');
    expect(errors.map((e) => e.attempt)).toEqual([1, 2]);
    expect(errors[0]?.error).toMatch(/injected: lock timeout/);
    expect(timeline.at(-1)).toMatchObject({ status: 'SUCCEEDED', step: 'archive', attempt: 3 });
    // Exponential backoff: the retries did not follow each other at once.
    const at = (i: number) =>
      new Date(timeline.filter((t) => t.status === 'PROCESSING')[i]?.at ?? 0).getTime();
    expect(at(1) - at(0)).toBeGreaterThanOrEqual(900);
    expect(await periodsOf(app, 'FAULT-TWICE')).toBe(1);
  });

  it('dead-letters a job after its retries: FAILED, kept in error/, a critical alert; a replay stores it once', async () => {
    await sql`INSERT INTO test_fault_accounts VALUES ('FAULT-ALWAYS')`.execute(db());
    drop('canonical-fault-always.csv', canonicalRows('FAULT-ALWAYS', 2));
    const failed = await waitUntil(
      async () => {
        const file = await fileNamed('canonical-fault-always.csv');
        return file?.status === 'FAILED' ? file : undefined;
      },
      'the file to fail',
      90_000,
    );
    const timeline = await fileTimeline(db(), failed.id);
    expect(timeline.filter((t) => t.status === 'ERROR').map((t) => t.attempt)).toEqual([1, 2, 3, 4]);
    expect(failed.error).toMatch(
      /injected: lock timeout.*gave up after 4 attempts.*perfrecon dlq replay \d+/,
    );
    // The file turns FAILED when the dead letter is recorded; its bytes move to error/ just after.
    const letter = await waitUntil(
      () =>
        db()
          .selectFrom('dead_letters')
          .selectAll()
          .where('file_id', '=', failed.id)
          .where('stored_path', 'is not', null)
          .executeTakeFirst(),
      'the dead letter to keep its file',
      30_000,
    );
    expect(letter).toMatchObject({ attempts: 4, replayed_at: null, file_name: 'canonical-fault-always.csv' });
    expect(letter.stored_path).toBe(path.join(landing().error, letter.landing_name));
    expect(fs.existsSync(letter.stored_path ?? '')).toBe(true);
    const critical = alerts.find((a) => a.kind === 'dead_lettered' && a.details.deadLetter === letter.id);
    expect(critical?.severity).toBe('critical');
    expect(await periodsOf(app, 'FAULT-ALWAYS')).toBe(0);

    // The cause is fixed; an operator replays it, twice.
    await sql`DELETE FROM test_fault_accounts`.execute(db());
    const context = {
      database: app.database,
      cache: app.cache,
      jobs: ingestJobSender(pipeline.boss),
      actor: 'test:operator',
    };
    const replay = await replayDeadLetter(context, letter.id);
    expect(replay.status).toBe('replayed');
    const again = await replayDeadLetter(context, letter.id);
    expect(again).toMatchObject({ status: 'already-replayed', replayedBy: 'test:operator' });
    const stored = await settled('canonical-fault-always.csv', 'SUCCEEDED');
    expect(await periodsOf(app, 'FAULT-ALWAYS')).toBe(2);
    expect(stored.stored_path).toBe(destinationPath(landing(), 'archive', letter.landing_name));
    expect(filesBelow(landing().error).some((f) => f === letter.landing_name)).toBe(false);
    expect(await pipeline.boss.findJobs(INGEST_QUEUE, { data: { replayOf: letter.id } })).toHaveLength(1);
    const audit = await db()
      .selectFrom('audit_log')
      .select(['action', 'actor'])
      .where('table_name', '=', 'dead_letters')
      .where(sql<boolean>`row_key @> ${JSON.stringify({ id: letter.id })}::jsonb`)
      .orderBy('id')
      .execute();
    expect(audit[0]).toEqual({ action: 'INSERT', actor: expect.stringMatching(/^worker:/) });
    expect(audit.at(-1)).toEqual({ action: 'UPDATE', actor: 'test:operator' });
    expect(audit.filter((a) => a.actor === 'test:operator')).toHaveLength(1);
    const log = await steps(stored.id);
    expect(log).toContain('FAILED/dead-letter@4');
    expect(log.some((s) => s.startsWith('RECEIVED/replay'))).toBe(true);
    expect(log.at(-1)).toMatch(/^SUCCEEDED\/archive/);
  });

  it('rejects a file whose data the database refuses, with the reason in the file log and the audit log', async () => {
    await sql`ALTER TABLE performance_periods ADD CONSTRAINT test_refuse CHECK (account_id <> 'REFUSED-1') NOT VALID`.execute(
      db(),
    );
    try {
      drop('canonical-refused.csv', canonicalRows('REFUSED-1', 2));
      const file = await settled('canonical-refused.csv', 'REJECTED');
      expect(file.error).toMatch(/database refused the file's data.*test_refuse/);
      expect(await periodsOf(app, 'REFUSED-1')).toBe(0);
      expect(filesBelow(landing().error).some((f) => f.endsWith('--canonical-refused.csv'))).toBe(true);
      const audit = await db()
        .selectFrom('audit_log')
        .selectAll()
        .where('table_name', '=', 'files')
        .where('action', '=', 'DATA_REFUSED')
        .executeTakeFirstOrThrow();
      expect(audit.row_key).toEqual({ id: file.id });
      expect(audit.new_values).toMatchObject({ code: '23514', constraint: 'test_refuse' });
    } finally {
      await sql`ALTER TABLE performance_periods DROP CONSTRAINT test_refuse`.execute(db());
    }
  });
});

describe('lineage', () => {
  it('traces a stored figure to its file, row, columns, configuration and calculation', async () => {
    const [lineage] = await periodLineage(db(), 'GOOD-1', '2024-01-03');
    const file = await fileNamed('canonical-good.csv');
    expect(lineage).toMatchObject({
      accountId: 'GOOD-1',
      vendorCode: 'canonical',
      periodStart: '2024-01-02',
      sourceLocation: { row: 3 },
      fieldSources: { begin_market_value: 'begin_market_value', end_market_value: 'end_market_value' },
      file: { id: file?.id, sha256: file?.sha256, name: 'canonical-good.csv', vendorCode: 'canonical' },
      configuration: { version: file?.config_version },
    });
    expect(lineage?.calculation.version).toMatch(/./);
    expect(lineage?.calculation.method).toMatch(/./);
  });
});
