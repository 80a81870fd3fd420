// A private, migrated database (and home folder) for one test file, in whichever mode the
// suite runs: embedded (default) or a server (DATABASE_URL).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';

export interface TestEnv {
  env: NodeJS.ProcessEnv;
  home: string;
  mode: 'embedded' | 'server';
  cleanup(): Promise<void>;
}

export async function createTestEnv(): Promise<TestEnv> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'prh-'));
  const base: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PERFRECON_HOME: home,
    PERFRECON_LOG_LEVEL: 'silent',
  };
  if (process.env.REDIS_URL) base.REDIS_URL = process.env.REDIS_URL;
  const templateDatabase = inject('templateDatabase');
  if (templateDatabase === '') {
    fs.cpSync(inject('templateHome'), home, { recursive: true });
    return {
      env: base,
      home,
      mode: 'embedded',
      cleanup: async () => fs.rmSync(home, { recursive: true, force: true }),
    };
  }
  const serverUrl = process.env.DATABASE_URL ?? '';
  const name = `perfrecon_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${templateDatabase}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    env: { ...base, DATABASE_URL: url.toString() },
    home,
    mode: 'server',
    async cleanup() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}
