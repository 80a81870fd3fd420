// An API server on a test file's own database (embedded or server, Redis when REDIS_URL is
// set), with the pipeline's queue and optionally a worker in process, and a token per role.
import { randomBytes } from 'node:crypto';
import { buildServer } from '../../src/api/server.ts';
import type { Api } from '../../src/api/types.ts';
import type { App } from '../../src/app.ts';
import { openApp } from '../../src/app.ts';
import { ROLES, type Role } from '../../src/domain/api-access.ts';
import { type RunningPipeline, startPipeline } from '../../src/pipeline/runtime.ts';
import { createToken } from '../../src/services/tokens.ts';
import { pipelineEnv } from '../pipeline/support.ts';
import { createTestEnv, type TestEnv } from '../support/test-env.ts';
import { multipart } from './multipart.ts';

export interface ApiHarness {
  env: TestEnv;
  app: App;
  pipeline: RunningPipeline;
  api: Api;
  tokens: Record<Role, string>;
  close(): Promise<void>;
}

export async function openApiHarness(
  options: { workers?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<ApiHarness> {
  const env = await createTestEnv();
  const app = await openApp({
    env: pipelineEnv(env, {
      PERFRECON_LOG_LEVEL: 'silent',
      // Test files share one Redis: each keeps its own keys.
      PERFRECON_REDIS_PREFIX: `t${randomBytes(6).toString('hex')}`,
      ...options.env,
    }),
  });
  const pipeline = await startPipeline(app, options.workers ? { workers: { concurrency: 1 } } : {});
  const api = await buildServer(app, pipeline);
  const tokens = {} as Record<Role, string>;
  for (const role of ROLES)
    tokens[role] = (await createToken(app, { name: `test-${role}`, role }, 'test')).secret;
  return {
    env,
    app,
    pipeline,
    api,
    tokens,
    async close() {
      await api.close();
      await pipeline.stop();
      await app.close();
      await env.cleanup();
    },
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** POST a file to /api/v1/files as multipart/form-data, with an operator's token. */
export function uploadFile(h: ApiHarness, filename: string, content: Buffer | string) {
  const upload = multipart(filename, content);
  return h.api.inject({
    method: 'POST',
    url: '/api/v1/files',
    headers: { ...bearer(h.tokens.operator), ...upload.headers },
    payload: upload.payload,
  });
}
