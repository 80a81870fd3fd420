// Helpers for the pipeline tests: canonical CSV files, real `perfrecon` child processes, and
// waiting for the database to reach a state.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import { CANONICAL_HEADER } from '../support/test-app.ts';
import type { TestEnv } from '../support/test-env.ts';

export const CLI = path.resolve('bin/perfrecon.js');

export const HEADER = CANONICAL_HEADER;

/** A canonical CSV with `rows` daily periods for one account (distinct bytes per account). */
export function canonicalRows(account: string, rows: number, start = '2024-01-01'): string[] {
  const lines: string[] = [];
  let day = new Date(`${start}T00:00:00Z`);
  let value = 1_000_000;
  for (let i = 0; i < rows; i++) {
    const next = new Date(day.getTime() + 86_400_000);
    const end = value + ((i * 37) % 101) - 50;
    lines.push(
      `${account},${day.toISOString().slice(0, 10)},${next.toISOString().slice(0, 10)},USD,${value},${end},,,,,0,,gross`,
    );
    day = next;
    value = end;
  }
  return lines;
}

export function writeCanonical(dir: string, name: string, lines: string[]): string {
  fs.mkdirSync(dir, { recursive: true });
  const target = path.join(dir, name);
  fs.writeFileSync(target, `${[HEADER, ...lines].join('\n')}\n`);
  return target;
}

/** Settings that make retries, heartbeats and polling fast enough for tests. */
export function pipelineEnv(env: TestEnv, overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...env.env,
    PERFRECON_QUEUE_POLL_SECONDS: '0.5',
    PERFRECON_QUEUE_SUPERVISE_SECONDS: '1',
    PERFRECON_JOB_HEARTBEAT_SECONDS: '10',
    PERFRECON_RETRY_DELAY_SECONDS: '1',
    PERFRECON_RETRY_DELAY_MAX_SECONDS: '2',
    PERFRECON_WATCH_INTERVAL_MS: '200',
    PERFRECON_WATCH_STABLE_MS: '600',
    PERFRECON_SHUTDOWN_TIMEOUT_SECONDS: '20',
    PERFRECON_WORKER_CONCURRENCY: '1',
    PERFRECON_LOG_LEVEL: 'info',
    // `serve` starts the API too: any free port, so test files running at once never collide.
    PERFRECON_API_PORT: '0',
    ...overrides,
  };
}

export interface Child {
  process: ChildProcess;
  output(): string;
  /** Resolves when the output matches (stdout and stderr together). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): void;
}

const children = new Set<ChildProcess>();

export function startCli(args: string[], env: NodeJS.ProcessEnv): Child {
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const waiter of [...waiters]) {
      if (waiter.pattern.test(output)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
  });
  return {
    process: child,
    output: () => output,
    waitFor(pattern, timeoutMs = 60_000) {
      if (pattern.test(output)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`timed out waiting for ${pattern}; output:\n${output}`)),
          timeoutMs,
        );
        waiters.push({
          pattern,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
        void exited.then(({ code, signal }) => {
          clearTimeout(timer);
          if (!pattern.test(output))
            reject(new Error(`exited (${code ?? signal}) before ${pattern}; output:\n${output}`));
        });
      });
    },
    exited,
    kill(signal = 'SIGTERM') {
      child.kill(signal);
    },
  };
}

/** Kill every child a test left running (a failed assertion must not leave workers behind). */
export async function killAll(): Promise<void> {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
}

export async function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 120_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearTimeout(timer);
  children.delete(child);
  return { code, stdout, stderr };
}

export async function waitUntil<T>(
  probe: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs = 60_000,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Every file below `dir`, relative to it. */
export function filesBelow(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

/**
 * Inserts of the accounts listed in `test_fault_accounts` fail with a lock timeout (SQLSTATE
 * 55P03, a transient error) until they are removed from it.
 */
export async function installFaultInjector<T>(db: Kysely<T>): Promise<void> {
  await sql`
    CREATE TABLE test_fault_accounts (account_id text PRIMARY KEY);
    CREATE FUNCTION test_inject_fault() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.account_id IN (SELECT account_id FROM test_fault_accounts) THEN
        RAISE EXCEPTION 'injected: lock timeout' USING ERRCODE = '55P03';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER test_inject_fault BEFORE INSERT ON performance_periods
      FOR EACH ROW EXECUTE FUNCTION test_inject_fault();
  `.execute(db);
}
