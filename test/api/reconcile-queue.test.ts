// A reconciliation run started through the API is a job of the reconcile queue: recorded QUEUED
// at once (202 with its URL), it stays QUEUED while no worker runs, and a worker takes it:
// RUNNING, then COMPLETED with its summary. With Redis the worker is a separate process
// (`perfrecon worker`), its cache invalidations reaching the API's through Redis; without Redis
// each process has its own cache, so the worker runs in the API's process, as in `perfrecon serve`.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunItem } from '../../src/contracts/runs.ts';
import { queueBacklog, RECONCILE_QUEUE } from '../../src/pipeline/queues.ts';
import { type RunningPipeline, startPipeline } from '../../src/pipeline/runtime.ts';
import { ingestFile } from '../../src/services/ingest/ingest-file.ts';
import {
  type Child,
  canonicalRows,
  killAll,
  pipelineEnv,
  startCli,
  waitUntil,
  writeCanonical,
} from '../pipeline/support.ts';
import { ingestContext } from '../support/test-app.ts';
import { type ApiHarness, bearer, openApiHarness } from './support.ts';

const prefix = `t${randomBytes(6).toString('hex')}`;
let h: ApiHarness;
let worker: Child | RunningPipeline | undefined;

beforeAll(async () => {
  h = await openApiHarness({ env: { PERFRECON_REDIS_PREFIX: prefix } });
  const file = writeCanonical(
    path.join(h.env.home, 'in'),
    'canonical-queued-run.csv',
    canonicalRows('QUEUE-1', 5),
  );
  await ingestFile(ingestContext(h.app), { filePath: file });
}, 120_000);
afterAll(async () => {
  if (worker !== undefined && 'kill' in worker) {
    worker.kill('SIGTERM');
    await worker.exited;
  } else await worker?.stop();
  await killAll();
  await h?.close();
});

async function run(id: number): Promise<RunItem> {
  const res = await h.api.inject({
    url: `/api/v1/reconciliation/runs/${id}`,
    headers: bearer(h.tokens.viewer),
  });
  expect(res.statusCode).toBe(200);
  return res.json();
}

it('queues the run for a worker, which takes it and runs it to its end', async () => {
  const started = await h.api.inject({
    method: 'POST',
    url: '/api/v1/reconciliation/runs',
    headers: bearer(h.tokens.operator),
    payload: { from: '2024-01-01', to: '2024-01-31' },
  });
  expect(started.statusCode).toBe(202);
  const { runId, status, statusUrl } = started.json();
  expect(status).toBe('QUEUED');
  expect(started.headers.location).toBe(statusUrl);

  // No worker: the run waits in the queue, and the API says so.
  expect(await run(runId)).toMatchObject({ status: 'QUEUED', finishedAt: null, summary: null });
  expect((await queueBacklog(h.app.database, RECONCILE_QUEUE)).waiting).toBe(1);
  expect(await run(runId)).toMatchObject({ status: 'QUEUED' });

  const seen = new Set<string>();
  if (process.env.REDIS_URL !== undefined) {
    const child = startCli(['worker'], pipelineEnv(h.env, { PERFRECON_REDIS_PREFIX: prefix }));
    worker = child;
    await child.waitFor(/pipeline ready/, 90_000);
  } else {
    worker = await startPipeline(h.app, { workers: { concurrency: 1 } });
  }
  const finished = await waitUntil(
    async () => {
      const now = await run(runId);
      seen.add(now.status);
      return now.status === 'QUEUED' || now.status === 'RUNNING' ? undefined : now;
    },
    'the worker to finish the run',
    90_000,
    100,
  );
  expect(finished.status).toBe('COMPLETED');
  expect(finished.summary).toMatchObject({ checked: expect.any(Number) });
  expect((finished.summary as { checked: number }).checked).toBeGreaterThan(0);
  expect([...seen].every((state) => ['QUEUED', 'RUNNING', 'COMPLETED'].includes(state))).toBe(true);
  expect((await queueBacklog(h.app.database, RECONCILE_QUEUE)).waiting).toBe(0);
}, 180_000);
