// The embedded database's socket accepts anyone who reaches it as superuser, without a password:
// its folder, and the home folder perfrecon creates, are private to the user.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmbedded } from '../../src/store/db/embedded.ts';
import { createTestEnv, type TestEnv } from '../support/test-env.ts';

const modeOf = (folder: string) => fs.statSync(folder).mode & 0o777;

let env: TestEnv;
const made: string[] = [];

beforeAll(async () => {
  env = await createTestEnv();
});

afterAll(async () => {
  for (const folder of made) fs.rmSync(folder, { recursive: true, force: true });
  await env?.cleanup();
});

/** A copy of the test home (a migrated database) whose `run/` folder has `mode`. */
function homeWithRun(mode: number): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'prp-'));
  made.push(home);
  fs.cpSync(env.home, home, { recursive: true });
  fs.mkdirSync(path.join(home, 'run'), { recursive: true });
  fs.chmodSync(path.join(home, 'run'), mode);
  return home;
}

describe.runIf(process.env.DATABASE_URL === undefined)('the embedded database folders', () => {
  it('creates the home folder and its socket folder private to the user (0700)', async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'prp-'));
    made.push(parent);
    const home = path.join(parent, 'home');
    const handle = await openEmbedded(home);
    await handle.close();
    expect(modeOf(home).toString(8)).toBe('700');
    expect(modeOf(path.join(home, 'run')).toString(8)).toBe('700');
  });

  it('makes an existing socket folder of ours that others can enter private again', async () => {
    const home = homeWithRun(0o777);
    const handle = await openEmbedded(home);
    await handle.close();
    expect(modeOf(path.join(home, 'run')).toString(8)).toBe('700');
  });

  it.runIf(process.getuid?.() === 0)(
    "refuses a socket folder others can enter that is another user's, naming it",
    async () => {
      const home = homeWithRun(0o755);
      const run = path.join(home, 'run');
      fs.chownSync(run, 65534, 65534);
      await expect(openEmbedded(home)).rejects.toThrow(run);
      expect(modeOf(run).toString(8)).toBe('755');
    },
  );
});
