// The deployment for scale as separate processes: 1 `perfrecon api` and 3 `perfrecon worker` on
// the real PostgreSQL and Redis, sharing a landing on object storage (s3rver, or
// PERFRECON_TEST_S3_URL). 50 files uploaded through the API end terminal and stored once.
// It needs a server: it runs on CI's server leg (DATABASE_URL), on its own test database.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, openApp } from '../../src/app.ts';
import { createToken } from '../../src/services/tokens.ts';
import { startTestS3, type TestS3 } from '../pipeline/s3-support.ts';
import {
  type Child,
  canonicalRows,
  HEADER,
  killAll,
  pipelineEnv,
  startCli,
  waitUntil,
} from '../pipeline/support.ts';
import { createTestEnv, type TestEnv } from '../support/test-env.ts';

const FILES = 50;
const ROWS = 3;

describe.skipIf(!process.env.DATABASE_URL)('1 API and 3 workers as separate processes', () => {
  let s3: TestS3;
  let env: TestEnv;
  let app: App;
  let processEnv: NodeJS.ProcessEnv;

  beforeAll(async () => {
    s3 = await startTestS3();
    env = await createTestEnv();
    processEnv = pipelineEnv(env, {
      ...s3.env,
      // Its own keys in a Redis other test files share.
      PERFRECON_REDIS_PREFIX: `perfrecon-t-${randomBytes(4).toString('hex')}`,
    });
    app = await openApp({ env: { ...processEnv, PERFRECON_LOG_LEVEL: 'silent' } });
  });

  afterAll(async () => {
    await killAll();
    await app?.close();
    await s3?.stop();
    await env?.cleanup();
  });

  async function startApi(): Promise<{ child: Child; url: string }> {
    const child = startCli(['api', '--port', '0'], processEnv);
    await child.waitFor(/API on http:\/\/[^\s]+ \(docs/, 120_000);
    const url = /API on (http:\/\/[^\s]+) \(docs/.exec(child.output())?.[1];
    if (url === undefined) throw new Error(`no API address in:\n${child.output()}`);
    return { child, url };
  }

  it('takes 50 uploads through the API; every file ends terminal and is stored once', async () => {
    const { secret } = await createToken(app, { name: 'multi-process', role: 'operator' }, 'test');
    const workers = [1, 2, 3].map(() => startCli(['worker', '--concurrency', '2'], processEnv));
    const api = await startApi();
    await Promise.all(workers.map((worker) => worker.waitFor(/pipeline ready/, 120_000)));

    const names = Array.from(
      { length: FILES },
      (_, i) => `canonical-mp-${String(i + 1).padStart(2, '0')}.csv`,
    );
    const jobs: string[] = [];
    for (const [i, name] of names.entries()) {
      const body = new FormData();
      const csv = `${[HEADER, ...canonicalRows(`MP-${i + 1}`, ROWS)].join('\n')}\n`;
      body.append('file', new Blob([csv], { type: 'text/csv' }), name);
      const response = await fetch(`${api.url}/api/v1/files`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}` },
        body,
      });
      expect(response.status, await response.clone().text()).toBe(202);
      jobs.push(((await response.json()) as { jobId: string }).jobId);
    }
    expect(new Set(jobs).size).toBe(FILES);

    const db = app.database.db;
    await waitUntil(
      async () => {
        const done = await db
          .selectFrom('files')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('name', 'in', names)
          .where('status', 'in', ['SUCCEEDED', 'QUARANTINED', 'REJECTED', 'FAILED'])
          .where('stored_path', 'like', '%/archive/%')
          .executeTakeFirstOrThrow();
        return Number(done.n) === FILES;
      },
      'every uploaded file to be stored and archived',
      240_000,
    );

    const files = await db
      .selectFrom('files')
      .select(['id', 'name', 'status', 'sha256'])
      .where('name', 'in', names)
      .execute();
    expect(files).toHaveLength(FILES);
    expect(files.every((file) => file.status === 'SUCCEEDED')).toBe(true);
    expect(new Set(files.map((file) => file.sha256)).size).toBe(FILES);
    const periods = await db
      .selectFrom('performance_periods')
      .select(['account_id', (eb) => eb.fn.countAll().as('n')])
      .where('account_id', 'like', 'MP-%')
      .groupBy('account_id')
      .execute();
    expect(periods).toHaveLength(FILES);
    expect(periods.every((row) => Number(row.n) === ROWS)).toBe(true);
    const duplicates = await db
      .selectFrom('etl_processing_log')
      .select('file_id')
      .where(
        'file_id',
        'in',
        files.map((file) => file.id),
      )
      .where('status', '=', 'DUPLICATE')
      .execute();
    expect(duplicates).toEqual([]);
    // Each upload is one object in archive/, none left on the way.
    const keys = await s3.keys();
    for (const name of names) expect(keys.filter((key) => key.endsWith(`--${name}`))).toHaveLength(1);
    expect(keys.filter((key) => !key.startsWith('archive/'))).toEqual([]);
    // Every upload's status, as the API reports it.
    const statuses = await Promise.all(
      jobs.map(async (job) => {
        const response = await fetch(`${api.url}/api/v1/uploads/${job}`, {
          headers: { authorization: `Bearer ${secret}` },
        });
        return ((await response.json()) as { job: string }).job;
      }),
    );
    expect(statuses.every((state) => state === 'completed')).toBe(true);
  }, 420_000);
});
