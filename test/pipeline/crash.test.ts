// Exactly-once effect under crashes, with real `perfrecon` processes: killed with SIGKILL at
// each step (failpoints) and at random moments, two workers on one queue, SIGTERM, and the
// database going away mid-run. After each: every file terminal, every row stored once.
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import type { PgBoss } from 'pg-boss';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type App, openApp } from '../../src/app.ts';
import { landingFolderPath } from '../../src/config/landing-config.ts';
import { type IntakeReceipt, intakeFile } from '../../src/pipeline/intake.ts';
import { landingFolder } from '../../src/pipeline/landing.ts';
import { folderLandingStore } from '../../src/pipeline/landing-folder-store.ts';
import { INGEST_QUEUE, openJobQueue } from '../../src/pipeline/queues.ts';
import { createTestEnv, type TestEnv } from '../support/test-env.ts';
import {
  canonicalRows,
  filesBelow,
  installFaultInjector,
  killAll,
  pipelineEnv,
  startCli,
  waitUntil,
  writeCanonical,
} from './support.ts';

let env: TestEnv;
let app: App;
let boss: PgBoss;
let source: string;
const expected = new Map<string, number>();

async function open(): Promise<void> {
  app = await openApp({ env: pipelineEnv(env, { PERFRECON_LOG_LEVEL: 'silent' }) });
  boss = await openJobQueue(app.database, app.config.pipeline, app.logger, { role: 'client' });
}

async function close(): Promise<void> {
  await boss?.stop({ graceful: false, close: false });
  await app?.close();
}

beforeAll(async () => {
  env = await createTestEnv();
  source = path.join(env.home, 'source');
  await open();
  await installFaultInjector(app.database.db);
});

afterEach(async () => {
  await killAll();
});

afterAll(async () => {
  await killAll();
  await close();
  await env?.cleanup();
});

const landingRoot = () => landingFolderPath(app.config.pipeline.landing, 'the crash tests');
const landing = () => landingFolder(landingRoot());

/** Queue files the way `perfrecon ingest --no-wait` does: a landing copy and a job each. */
async function queueFiles(prefix: string, count: number, rows: number): Promise<IntakeReceipt[]> {
  const receipts: IntakeReceipt[] = [];
  for (let i = 1; i <= count; i++) {
    const account = `${prefix}-${String(i).padStart(2, '0')}`;
    const file = writeCanonical(source, `canonical-${account}.csv`, canonicalRows(account, rows));
    expected.set(account, rows);
    receipts.push(
      await intakeFile(
        { landing: folderLandingStore(landingRoot()), boss, logger: app.logger },
        { sourcePath: file, mode: 'copy', source: 'cli' },
      ),
    );
  }
  return receipts;
}

function worker(extra: NodeJS.ProcessEnv = {}, concurrency = 1) {
  return startCli(['worker', '--concurrency', String(concurrency)], pipelineEnv(env, extra));
}

async function statuses(names: string[]) {
  const rows = await app.database.db
    .selectFrom('files')
    .select(['name', 'status'])
    .where('name', 'in', names)
    .execute();
  return new Map(rows.map((r) => [r.name, r.status]));
}

async function allSucceeded(receipts: IntakeReceipt[], timeoutMs = 120_000): Promise<void> {
  const names = receipts.map((r) => r.landingName.replace(/^.*?--/, ''));
  await waitUntil(
    async () => {
      const now = await statuses(names);
      if (names.some((n) => now.get(n) !== 'SUCCEEDED')) return false;
      const jobs = await Promise.all(receipts.map((r) => boss.findJobs(INGEST_QUEUE, { id: r.jobId })));
      return jobs.every((j) => j[0]?.state === 'completed');
    },
    `${names.length} files to be stored and their jobs completed`,
    timeoutMs,
  );
}

/** Every row once, every file stored once, nothing left in processing/, no job active. */
async function assertExactlyOnce(receipts: IntakeReceipt[]): Promise<void> {
  const db = app.database.db;
  for (const receipt of receipts) {
    const account = receipt.landingName.replace(/^.*?--canonical-/, '').replace(/\.csv$/, '');
    const { n } = await db
      .selectFrom('performance_periods')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('account_id', '=', account)
      .executeTakeFirstOrThrow();
    expect(Number(n), account).toBe(expected.get(account));
    const file = await db
      .selectFrom('files')
      .selectAll()
      .where('sha256', '=', receipt.sha256)
      .executeTakeFirstOrThrow();
    expect(file.status).toBe('SUCCEEDED');
    expect(file.rows_stored).toBe(expected.get(account));
    const log = await db
      .selectFrom('etl_processing_log')
      .selectAll()
      .where('file_id', '=', file.id)
      .orderBy('id')
      .execute();
    // Stored once: one transition to SUCCEEDED at the store step, filed away once.
    const timeline = `${account}: ${log.map((l) => `${l.status}/${l.step}@${l.attempt} ${l.error ?? ''}`).join(', ')}`;
    expect(
      log.filter((l) => l.status === 'SUCCEEDED' && l.step === 'store'),
      timeline,
    ).toHaveLength(1);
    expect(
      log.filter((l) => l.step === 'archive'),
      timeline,
    ).toHaveLength(1);
    expect(fs.existsSync(file.stored_path ?? ''), account).toBe(true);
    expect(file.stored_path).toContain(`${path.sep}archive${path.sep}`);
  }
  // A second merge of the same rows would show as UPDATEs in the audit log.
  const updates = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('table_name', '=', 'performance_periods')
    .executeTakeFirstOrThrow();
  expect(Number(updates.n)).toBe(0);
  expect(filesBelow(landing().processing)).toEqual([]);
  const active = (await boss.findJobs(INGEST_QUEUE)).filter((j) => j.state === 'active');
  expect(active).toEqual([]);
}

describe('a worker killed with SIGKILL', () => {
  it('at each step of a job, then restarted: every file stored once, none lost', async () => {
    const receipts = await queueFiles('KILL', 5, 300);
    // Each crashed job stays claimed until its heartbeat is missed, so each restart takes the
    // next file: four files, each interrupted at a different step.
    for (const step of ['job:start', 'job:reading', 'job:stored', 'job:filed']) {
      const crashing = worker({ PERFRECON_FAILPOINT: step });
      const { signal } = await crashing.exited;
      expect(signal, crashing.output()).toBe('SIGKILL');
      expect(crashing.output()).toContain(`failpoint ${step}`);
    }
    const survivors = await statuses(receipts.map((r) => r.landingName.replace(/^.*?--/, '')));
    expect([...survivors.values()].filter((s) => s === 'SUCCEEDED').length).toBeGreaterThanOrEqual(2);
    const clean = worker();
    await allSucceeded(receipts);
    clean.kill('SIGTERM');
    expect((await clean.exited).code).toBe(0);
    await assertExactlyOnce(receipts);
    // The runs interrupted after storing were finished, not stored again.
    const recovered = await Promise.all(receipts.map((r) => boss.findJobs(INGEST_QUEUE, { id: r.jobId })));
    expect(recovered.filter(([job]) => (job?.output as { recovered?: boolean })?.recovered).length).toBe(2);
  }, 240_000);

  it('at random moments of a busy run, three times: every file stored once', async () => {
    const receipts = await queueFiles('RAND', 10, 1500);
    for (const afterMs of [1500, 2600, 1900]) {
      const victim = worker({}, 2);
      await victim.waitFor(/pipeline ready/);
      await new Promise((resolve) => setTimeout(resolve, afterMs));
      victim.kill('SIGKILL');
      await victim.exited;
    }
    const clean = worker({}, 2);
    await allSucceeded(receipts, 180_000);
    clean.kill('SIGTERM');
    await clean.exited;
    await assertExactlyOnce(receipts);
  }, 300_000);

  it('in the dead-letter handler after recording: the restarted worker completes it once', async () => {
    await sql`INSERT INTO test_fault_accounts VALUES ('DLQ-01')`.execute(app.database.db);
    const file = writeCanonical(source, 'canonical-DLQ-01.csv', canonicalRows('DLQ-01', 3));
    const receipt = await intakeFile(
      { landing: folderLandingStore(landingRoot()), boss, logger: app.logger },
      { sourcePath: file, mode: 'copy', source: 'cli' },
    );
    const fast = { PERFRECON_RETRY_LIMIT: '1' };
    const crashing = worker({ ...fast, PERFRECON_FAILPOINT: 'dlq:recorded' });
    expect((await crashing.exited).signal, crashing.output()).toBe('SIGKILL');
    expect(crashing.output()).toContain('failpoint dlq:recorded');
    const clean = worker(fast);
    const letter = await waitUntil(
      () =>
        app.database.db
          .selectFrom('dead_letters')
          .selectAll()
          .where('job_id', '=', receipt.jobId)
          .where('stored_path', 'is not', null)
          .executeTakeFirst(),
      'the dead letter to be completed',
      90_000,
    );
    clean.kill('SIGTERM');
    await clean.exited;
    expect(
      await app.database.db
        .selectFrom('dead_letters')
        .select('id')
        .where('sha256', '=', receipt.sha256)
        .execute(),
    ).toHaveLength(1);
    const stored = await app.database.db
      .selectFrom('files')
      .selectAll()
      .where('sha256', '=', receipt.sha256)
      .executeTakeFirstOrThrow();
    expect(stored.status).toBe('FAILED');
    expect(letter.stored_path).toBe(path.join(landing().error, receipt.landingName));
    expect(fs.existsSync(letter.stored_path ?? '')).toBe(true);
    expect(filesBelow(landing().processing)).toEqual([]);
    await sql`DELETE FROM test_fault_accounts`.execute(app.database.db);
  }, 180_000);
});

describe('the watcher killed between placing a file and queuing its job', () => {
  it('leaves the file in processing/; the next start queues it and it is stored', async () => {
    const watching = startCli(['watch'], pipelineEnv(env, { PERFRECON_FAILPOINT: 'intake:placed' }));
    await watching.waitFor(/pipeline ready/);
    const inbox = landing().inbox;
    const temp = writeCanonical(inbox, '.canonical-WATCH-01.csv.part', canonicalRows('WATCH-01', 4));
    fs.renameSync(temp, path.join(inbox, 'canonical-WATCH-01.csv'));
    expect((await watching.exited).signal).toBe('SIGKILL');
    const [orphan] = filesBelow(landing().processing);
    expect(orphan).toMatch(/--canonical-WATCH-01\.csv$/);
    const serving = startCli(['serve'], pipelineEnv(env));
    const file = await waitUntil(
      () =>
        app.database.db
          .selectFrom('files')
          .selectAll()
          .where('name', '=', 'canonical-WATCH-01.csv')
          .where('status', '=', 'SUCCEEDED')
          .executeTakeFirst(),
      'the orphaned file to be stored',
    );
    serving.kill('SIGTERM');
    expect((await serving.exited).code).toBe(0);
    expect(file.rows_stored).toBe(4);
    expect(filesBelow(landing().processing)).toEqual([]);
    expect(filesBelow(landing().inbox)).toEqual([]);
  }, 120_000);
});

describe('two worker processes on one queue', () => {
  it('process 20 files between them, none twice', async () => {
    const first = worker();
    const second = worker();
    await Promise.all([first.waitFor(/pipeline ready/), second.waitFor(/pipeline ready/)]);
    const receipts = await queueFiles('PAIR', 20, 400);
    await allSucceeded(receipts, 180_000);
    first.kill('SIGTERM');
    second.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
    expect((await second.exited).code).toBe(0);
    await assertExactlyOnce(receipts);
    const log = await app.database.db
      .selectFrom('etl_processing_log')
      .innerJoin('files', 'files.id', 'etl_processing_log.file_id')
      .select(['files.name', 'etl_processing_log.worker'])
      .where('files.name', 'like', 'canonical-PAIR-%')
      .where('etl_processing_log.status', '=', 'PROCESSING')
      .execute();
    // Taken once each: one PROCESSING transition per file, by one of the two workers.
    expect(log).toHaveLength(20);
    expect(new Set(log.map((l) => l.name)).size).toBe(20);
    expect(new Set(log.map((l) => l.worker)).size).toBe(2);
  }, 240_000);
});

describe('SIGTERM', () => {
  it('lets the running job finish, or releases it for a retry: no job is left active', async () => {
    const [receipt] = await queueFiles('TERM', 1, 40_000);
    if (receipt === undefined) throw new Error('nothing queued');
    const stopping = worker({ PERFRECON_SHUTDOWN_TIMEOUT_SECONDS: '1' });
    await waitUntil(async () => {
      const file = await app.database.db
        .selectFrom('files')
        .select('status')
        .where('sha256', '=', receipt.sha256)
        .executeTakeFirst();
      return file?.status === 'PROCESSING';
    }, 'the job to start');
    stopping.kill('SIGTERM');
    const exit = await stopping.exited;
    expect(exit.code, stopping.output()).toBe(0);
    expect(stopping.output()).toMatch(/SIGTERM, stopping/);
    const [job] = await boss.findJobs(INGEST_QUEUE, { id: receipt.jobId });
    expect(job?.state).not.toBe('active');
    expect(['completed', 'retry', 'created']).toContain(job?.state);
    const clean = worker();
    await allSucceeded([receipt], 180_000);
    clean.kill('SIGTERM');
    await clean.exited;
    await assertExactlyOnce([receipt]);
  }, 240_000);
});

describe('the database unavailable mid-run', () => {
  it('makes jobs fail and retry; they all finish, every row once', async () => {
    const receipts = await queueFiles('DOWN', 6, 3000);
    const patient = {
      PERFRECON_RETRY_DELAY_SECONDS: '2',
      PERFRECON_RETRY_DELAY_MAX_SECONDS: '4',
      PERFRECON_RETRY_LIMIT: '5',
    };
    const running = worker(patient);
    await waitUntil(async () => {
      const rows = await app.database.db
        .selectFrom('files')
        .select('status')
        .where('name', 'like', 'canonical-DOWN-%')
        .execute();
      return rows.some((r) => r.status === 'PROCESSING');
    }, 'the first job to start');
    if (env.mode === 'server') {
      // Terminate every connection to the test database, again and again, for three seconds.
      const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      const name = new URL(env.env.DATABASE_URL ?? '').pathname.slice(1);
      const until = Date.now() + 3000;
      let terminated = 0;
      while (Date.now() < until) {
        const { rowCount } = await admin.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [name],
        );
        terminated += rowCount ?? 0;
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
      await admin.end();
      expect(terminated).toBeGreaterThan(0);
    } else {
      // The embedded database's owner (this process) goes away for three seconds and comes back.
      await close();
      await new Promise((resolve) => setTimeout(resolve, 3000));
      await open();
    }
    await allSucceeded(receipts, 180_000);
    running.kill('SIGTERM');
    await running.exited;
    await assertExactlyOnce(receipts);
    const errors = await app.database.db
      .selectFrom('etl_processing_log')
      .innerJoin('files', 'files.id', 'etl_processing_log.file_id')
      .select(['etl_processing_log.attempt', 'etl_processing_log.error'])
      .where('files.name', 'like', 'canonical-DOWN-%')
      .where('etl_processing_log.status', 'in', ['ERROR', 'PROCESSING'])
      .execute();
    // The outage hit running work: some job ran more than once.
    expect(
      errors.some((e) => e.attempt > 1),
      JSON.stringify(errors),
    ).toBe(true);
  }, 300_000);
});
