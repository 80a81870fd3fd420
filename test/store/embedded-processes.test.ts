// The embedded database shared between real processes: who owns it when several start at once
// on a lock left by a dead process, and what an attached process does when the owner goes.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/test-env.ts';

const CHILD = path.resolve('test/store/embedded-child.ts');
const DEAD_PID = 999_999;

interface Child {
  process: ChildProcess;
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<number | null>;
}

const children = new Set<ChildProcess>();

/** `embedded-child.ts` on `home`, writing `writes` rows (0: until its stdin is closed). */
function child(home: string, writes: number): Child {
  const proc = spawn(process.execPath, [CHILD, home, String(writes)], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(proc);
  let output = '';
  proc.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  proc.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => {
    proc.on('exit', (code) => {
      children.delete(proc);
      resolve(code);
    });
  });
  return {
    process: proc,
    output: () => output,
    exited,
    async waitFor(pattern, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(output)) {
        if (proc.exitCode !== null || proc.signalCode !== null || Date.now() > deadline) {
          throw new Error(`no ${pattern} from process ${proc.pid}; output:\n${output}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
}

let env: TestEnv;

beforeAll(async () => {
  env = await createTestEnv();
});

afterEach(() => {
  for (const proc of children) proc.kill('SIGKILL');
  children.clear();
});

afterAll(async () => {
  await env?.cleanup();
});

function copyHome(): string {
  const home = fs.mkdtempSync(path.join(path.dirname(env.home), 'prs-'));
  fs.cpSync(env.home, home, { recursive: true });
  return home;
}

/**
 * A copy of the test home whose lock names a process that died without releasing it: a claim in
 * the lock folder, or (odd rounds) the lock file of earlier versions.
 */
function homeWithStaleLock(round: number): string {
  const home = copyHome();
  const lock = path.join(home, 'embedded-db.lock');
  fs.rmSync(lock, { recursive: true, force: true });
  if (round % 2 === 1) {
    fs.writeFileSync(lock, String(DEAD_PID + round));
  } else {
    fs.mkdirSync(lock);
    fs.writeFileSync(path.join(lock, '7'), JSON.stringify({ pid: DEAD_PID + round, released: false }));
  }
  fs.writeFileSync(
    path.join(home, 'embedded-db.json'),
    JSON.stringify({ pid: DEAD_PID + round, socketDir: '/nowhere', port: 1 }),
  );
  return home;
}

describe.runIf(process.env.DATABASE_URL === undefined)('the embedded database between processes', () => {
  it('has exactly one owner when five processes start at once on a stale lock, round after round', async () => {
    for (let round = 0; round < 5; round++) {
      const home = homeWithStaleLock(round);
      const racers = Array.from({ length: 5 }, () => child(home, 3));
      await Promise.all(racers.map((r) => r.waitFor(/wrote 3\n/)));
      const modes = racers.map((r) => /open (\S+)/.exec(r.output())?.[1]);
      expect(
        modes.filter((m) => m === 'embedded-owner'),
        `round ${round}: ${modes.join(', ')}`,
      ).toHaveLength(1);
      expect(modes.filter((m) => m === 'embedded-attached')).toHaveLength(4);
      // The attached ones first: a statement running when its owner exits would be lost in flight.
      const owner = racers[modes.indexOf('embedded-owner')];
      const stop = async (racer: Child) => {
        racer.process.stdin?.end();
        expect(await racer.exited, racer.output()).toBe(0);
      };
      await Promise.all(racers.filter((r) => r !== owner).map(stop));
      if (owner !== undefined) await stop(owner);
      fs.rmSync(home, { recursive: true, force: true });
    }
  }, 240_000);

  it.each(['SIGKILL', 'a clean exit'])(
    'lets an attached process carry on when the owner goes (%s): it takes over',
    async (how) => {
      const home = copyHome();
      const owner = child(home, 0);
      await owner.waitFor(/open embedded-owner\n[\s\S]*wrote 5\n/);
      const attached = child(home, 200);
      await attached.waitFor(/open embedded-attached\n[\s\S]*wrote 20\n/);
      if (how === 'SIGKILL') owner.process.kill('SIGKILL');
      else owner.process.stdin?.end();
      await owner.exited;
      attached.process.stdin?.end();
      expect(await attached.exited, attached.output()).toBe(0);
      // Every write stored once, in the database it now owns.
      expect(attached.output()).toMatch(/done embedded-owner with 200 rows\n/);
      // At most the one write running when the owner went was lost in flight (and retried).
      const lost = attached.output().match(/^lost /gm) ?? [];
      expect(lost.length, attached.output()).toBeLessThanOrEqual(1);
      fs.rmSync(home, { recursive: true, force: true });
    },
    120_000,
  );
});
