// The whole API for a benchmark: a fresh home, a throw-away database on the PostgreSQL server
// that DATABASE_URL names (else the embedded PGlite in the home), the pipeline's queue, and
// buildServer over the real services; closed and removed after.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildServer } from '../src/api/server.ts';
import type { Api } from '../src/api/types.ts';
import { type App, openApp } from '../src/app.ts';
import { startPipeline } from '../src/pipeline/runtime.ts';
import { serverDatabase } from './server-database.ts';

export interface BenchApi {
  app: App;
  api: Api;
  home: string;
  close(): Promise<void>;
}

/** `env` is added to the home, silent logs and the database; REDIS_URL is passed on when set. */
export async function openBenchApi(
  env: NodeJS.ProcessEnv,
  options: { maxConnections?: number } = {},
): Promise<BenchApi> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'prb-api-'));
  const database = await serverDatabase();
  const app = await openApp({
    env: {
      PATH: process.env.PATH,
      PERFRECON_HOME: home,
      PERFRECON_LOG_LEVEL: 'silent',
      ...env,
      ...(database.url === undefined ? {} : { DATABASE_URL: database.url }),
      ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    },
    ...options,
  });
  const pipeline = await startPipeline(app, {});
  const api = await buildServer(app, pipeline);
  return {
    app,
    api,
    home,
    async close() {
      await api.close();
      await pipeline.stop();
      await app.close();
      await database.drop();
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}
