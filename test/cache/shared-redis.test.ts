// One Redis (REDIS_URL) for two databases (two homes, or two databases on the server): each
// database's cache entries and alert claims are its own.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { ingestFile } from '../../src/services/ingest/ingest-file.ts';
import { listBreakViews, reconcileAfterIngest } from '../../src/services/reconciliation/index.ts';
import { CANONICAL_HEADER, ingestContext, openTestApp } from '../support/test-app.ts';
import { createTestEnv, type TestEnv } from '../support/test-env.ts';

const redisUrl = process.env.REDIS_URL;

describe.runIf(redisUrl !== undefined)('two databases sharing one Redis', () => {
  const envs: TestEnv[] = [];
  const apps: App[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const env = await createTestEnv();
      env.env.REDIS_URL = redisUrl;
      envs.push(env);
      apps.push(await openTestApp(env));
    }
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const env of envs) await env.cleanup();
  });

  const [first, second] = [() => apps[0] as App, () => apps[1] as App];

  it('each database lists its own breaks', async () => {
    const app = first();
    const file = path.join(envs[0]?.home as string, 'canonical-shared.csv');
    fs.writeFileSync(
      file,
      `${CANONICAL_HEADER}\nSHARED-1,2023-12-31,2024-01-31,EUR,100000,101000,,,,,,0.02,net\n`,
    );
    const summary = await ingestFile(ingestContext(app), { filePath: file });
    await reconcileAfterIngest(app, summary.fileId as number);
    expect(await listBreakViews(app, {})).toHaveLength(1);
    expect(app.cache.kind).toBe('redis');
    expect(await listBreakViews(second(), {})).toEqual([]);
  });

  it('each database claims its own alerts', async () => {
    const key = `alert:break:${Date.now()}`;
    expect(await first().cache.claim(key, 60)).toBe(true);
    expect(await second().cache.claim(key, 60)).toBe(true);
    expect(await second().cache.claim(key, 60)).toBe(false);
  });
});
