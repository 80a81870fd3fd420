// A job's failures judged by what they are and when they happen, on a real database (embedded or
// server): an error after the file's data is stored never rejects the file; a job whose lease
// ends stops and leaves nothing half-written; what dead processes left behind is cleaned up
// when a worker (a real `perfrecon worker`) or a run starts.
import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type App, openApp } from '../../src/app.ts';
import { JobAbortedError } from '../../src/domain/errors.ts';
import type { IngestJobData } from '../../src/domain/job.ts';
import { classifyFailure } from '../../src/pipeline/failure.ts';
import { type PipelineDeps, processLandedFile } from '../../src/pipeline/ingest-job.ts';
import { landingFolder, newLandingName } from '../../src/pipeline/landing.ts';
import { pipelineDeps } from '../../src/pipeline/runtime.ts';
import { fingerprintFile } from '../../src/read/fingerprint.ts';
import { reconcile, reconcileAfterIngest } from '../../src/services/reconciliation/index.ts';
import { periodsOf } from '../support/test-app.ts';
import { createTestEnv, type TestEnv } from '../support/test-env.ts';
import { canonicalRows, killAll, pipelineEnv, startCli, waitUntil, writeCanonical } from './support.ts';

let env: TestEnv;
let app: App;

beforeAll(async () => {
  env = await createTestEnv();
  app = await openApp({ env: pipelineEnv(env, { PERFRECON_LOG_LEVEL: 'silent' }) });
  app.notifier = { async notify() {} };
  await pipelineDeps(app).landing.ensure();
});

afterEach(async () => {
  await killAll();
});

afterAll(async () => {
  await killAll();
  await app?.close();
  await env?.cleanup();
});

const db = () => app.database.db;

/** A canonical file landed in processing/, and the job that would run it. */
async function landed(deps: PipelineDeps, account: string, lines = canonicalRows(account, 3)) {
  const original = `canonical-${account}.csv`;
  const landingName = newLandingName(original);
  const file = writeCanonical(landingFolder(deps.landing.root).processing, landingName, lines);
  const { sha256, sizeBytes } = await fingerprintFile(file);
  const data: IngestJobData = {
    landingName,
    originalName: original,
    sha256,
    sizeBytes,
    receivedAt: new Date().toISOString(),
    source: 'cli',
  };
  return { id: randomUUID(), data, attempt: 1 };
}

const fileOf = (account: string) =>
  db()
    .selectFrom('files')
    .selectAll()
    .where('name', '=', `canonical-${account}.csv`)
    .executeTakeFirstOrThrow();

const stagedRows = async () =>
  Number((await sql<{ n: string }>`SELECT count(*) AS n FROM staging_periods`.execute(db())).rows[0]?.n);

describe('an error after the merge', () => {
  it('never rejects the stored file: a unique violation in reconciliation dead-letters the job, the file stays stored', async () => {
    const refused = Object.assign(new Error('duplicate key value violates unique constraint'), {
      code: '23505',
    });
    const deps = pipelineDeps(app, async () => {
      throw refused;
    });
    const disposition = await processLandedFile(deps, await landed(deps, 'AFTER-1'));
    expect(disposition).toMatchObject({ status: 'deadletter', output: { kind: 'permanent', code: '23505' } });
    expect(disposition.output).toMatchObject({ message: /after the file's data was stored/ });
    expect((await fileOf('AFTER-1')).status).toBe('SUCCEEDED');
    expect(await periodsOf(app, 'AFTER-1')).toBe(3);
  });
});

describe('a job whose lease has ended', () => {
  it('stops before storing: retried as transient, nothing stored, nothing left in staging', async () => {
    const deps = pipelineDeps(app);
    const lease = new AbortController();
    lease.abort(new Error('job is no longer active under this worker’s claim'));
    const job = { ...(await landed(deps, 'LEASE-1', canonicalRows('LEASE-1', 500))), signal: lease.signal };
    const disposition = await processLandedFile(deps, job);
    expect(disposition).toMatchObject({ status: 'failed', output: { kind: 'transient' } });
    expect(disposition.output).toMatchObject({ message: /no longer active/ });
    expect((await fileOf('LEASE-1')).status).not.toBe('SUCCEEDED');
    expect(await periodsOf(app, 'LEASE-1')).toBe(0);
    expect(await stagedRows()).toBe(0);
    // The retry, with a lease, stores the file once.
    expect(
      await processLandedFile(deps, { ...job, signal: new AbortController().signal, attempt: 2 }),
    ).toMatchObject({
      status: 'completed',
      output: { outcome: 'SUCCEEDED' },
    });
    expect(await periodsOf(app, 'LEASE-1')).toBe(500);
  });

  it('stops its reconciliation between batches: the run FAILED, the job retried, the file stays stored', async () => {
    const lease = new AbortController();
    const reconcileDeps = {
      database: app.database,
      vendors: app.vendors,
      notifier: app.notifier,
      cache: app.cache,
    };
    const deps = pipelineDeps(app, async (fileId, signal) => {
      lease.abort(new Error('job expired'));
      await reconcileAfterIngest(reconcileDeps, fileId, { signal });
    });
    const job = { ...(await landed(deps, 'LEASE-2')), signal: lease.signal };
    const disposition = await processLandedFile(deps, job);
    expect(disposition).toMatchObject({ status: 'failed', output: { kind: 'transient' } });
    expect((await fileOf('LEASE-2')).status).toBe('SUCCEEDED');
    const [run] = await db()
      .selectFrom('reconciliation_runs')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(1)
      .execute();
    expect(run).toMatchObject({ status: 'FAILED', error: /job expired/ });
  });
});

describe('failures by an allow-list of transient causes', () => {
  const coded = (code: string, message = code) => Object.assign(new Error(message), { code });

  it('retries only causes known to pass', () => {
    for (const error of [
      coded('ECONNREFUSED'),
      coded('ECONNRESET'),
      coded('ENOTFOUND'),
      coded('ETIMEDOUT'),
      coded('08006'),
      coded('40001'),
      coded('40P01'),
      coded('55P03'),
      coded('57P01'),
      coded('53300'),
      coded('ENOSPC'),
      coded('EMFILE'),
      new JobAbortedError(new Error('lease lost')),
      new Error('Connection terminated unexpectedly'),
    ]) {
      expect(classifyFailure(error).kind, error.message).toBe('transient');
    }
  });

  it('treats everything else as permanent, with its message', () => {
    for (const error of [
      new TypeError("Cannot read properties of undefined (reading 'x')"),
      new RangeError('Invalid string length'),
      new Error('something nobody expected'),
      coded('XX000', 'internal error'),
      coded('54000', 'index row requires 10016 bytes, maximum size is 8191'),
      coded('EIO'),
    ]) {
      expect(classifyFailure(error)).toEqual({
        kind: 'permanent',
        message: error.message,
        code: (error as { code?: string }).code,
      });
    }
  });

  it('never lets an account id too large for an index reach the database: the row is quarantined at once', async () => {
    const deps = pipelineDeps(app);
    // 10,000 random characters would fail PostgreSQL's btree (54000, "index row requires…");
    // the identifier bound (64 characters) quarantines the row before it is staged.
    const account = randomBytes(5000).toString('hex');
    const job = await landed(deps, 'HUGE-1', [...canonicalRows('SMALL-1', 2), ...canonicalRows(account, 1)]);
    const disposition = await processLandedFile(deps, job);
    expect(disposition).toMatchObject({ status: 'completed', output: { rowsStored: 2, rowsQuarantined: 1 } });
    const output = disposition.output as { quarantine: { location: string; problems: string[] }[] };
    expect(output.quarantine[0]?.location).toMatch(/row 4/);
    expect(output.quarantine[0]?.problems.join()).toMatch(/account_id/);
  });
});

describe('leftovers of processes that died', () => {
  async function staleRun(): Promise<number> {
    const { rows } = await sql<{ id: number }>`
      INSERT INTO reconciliation_runs (trigger, actor, inputs, status, heartbeat_at)
      VALUES ('ingest', 'worker:gone', '{}', 'RUNNING', now() - interval '1 hour') RETURNING id`.execute(
      db(),
    );
    return rows[0]?.id as number;
  }

  const runOf = (id: number) =>
    db().selectFrom('reconciliation_runs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('a worker starting marks silent runs ABANDONED and drops staging of jobs no longer active', async () => {
    const run = await staleRun();
    const columns = [
      'load_id',
      'job_id',
      'account_id',
      'vendor_code',
      'period_start',
      'period_end',
      'currency',
    ];
    const rest = [
      'begin_market_value',
      'end_market_value',
      'return_basis',
      'flows',
      'source_location',
      'lineage_id',
    ];
    const row = (load: string, job: string | null) => [
      load,
      job,
      'ACC-X',
      'canonical',
      '2024-01-31',
      '2024-02-29',
      'USD',
      '1',
      '2',
      'net',
      [],
      {},
      1,
    ];
    const killedJob = randomUUID();
    await app.database.bulk.load(
      'staging_periods',
      [...columns, ...rest],
      [row('killed', killedJob), row('direct', null)],
    );
    await app.database.bulk.load(
      'staging_lineage',
      ['load_id', 'job_id', 'id', 'field_sources', 'source_location'],
      [
        ['killed', killedJob, 1, {}, { file: 'k.csv' }],
        ['direct', null, 1, {}, { file: 'd.csv' }],
      ],
    );
    const worker = startCli(['worker'], pipelineEnv(env));
    await worker.waitFor(/pipeline ready/);
    const abandoned = await waitUntil(async () => {
      const now = await runOf(run);
      return now.status === 'ABANDONED' ? now : undefined;
    }, 'the silent run to be marked ABANDONED');
    expect(abandoned.abandoned_by).toMatch(/^worker:.+:\d+$/);
    expect(abandoned.abandoned_at).not.toBeNull();
    await waitUntil(async () => (await stagedRows()) === 1, 'the killed job’s staging to be dropped');
    const left = await sql<{ load_id: string }>`
      SELECT load_id FROM staging_periods UNION ALL SELECT load_id FROM staging_lineage`.execute(db());
    expect(left.rows).toEqual([{ load_id: 'direct' }, { load_id: 'direct' }]);
    await sql`DELETE FROM staging_periods`.execute(db());
    await sql`DELETE FROM staging_lineage`.execute(db());
    worker.kill('SIGTERM');
    expect((await worker.exited).code).toBe(0);
  }, 120_000);

  it('a run starting marks silent runs ABANDONED, and beats its own heartbeat per batch', async () => {
    const run = await staleRun();
    const outcome = await reconcile(
      { database: app.database, vendors: app.vendors, notifier: app.notifier, cache: app.cache },
      { actor: 'ops:ann', batchSize: 1 },
    );
    expect(await runOf(run)).toMatchObject({ status: 'ABANDONED', abandoned_by: 'ops:ann' });
    const own = await runOf(outcome.runId);
    expect(own.status).toBe('COMPLETED');
    expect(own.heartbeat_at.getTime()).toBeGreaterThan(own.started_at.getTime());
  });
});
