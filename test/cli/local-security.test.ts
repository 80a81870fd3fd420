// Local security and the terminal, as an operator (or a hostile vendor file) meets them: real
// `perfrecon` processes on this file's database. Credentials never reach argv, the screen or a
// log; cell values cannot rewrite a terminal; a dry run alerts no one; read-only commands never
// change the schema; logs on a terminal are for people.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type App, openApp } from '../../src/app.ts';
import { loadAppConfig } from '../../src/config/app-config.ts';
import type { AlertEvent } from '../../src/domain/alert.ts';
import { ingestFile } from '../../src/services/ingest/ingest-file.ts';
import { migrationStatus } from '../../src/store/migrate.ts';
import { CLI, canonicalRows, HEADER, killAll, runCli } from '../pipeline/support.ts';
import { ingestContext } from '../support/test-app.ts';
import { createTestEnv, type TestEnv } from '../support/test-env.ts';

const exec = promisify(execFile);
const SECRET = 's3cret-Pw';
/** Control characters a terminal acts on (a line feed is the only one output may hold). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

let env: TestEnv;
let app: App;
let cliEnv: NodeJS.ProcessEnv;
let work: string;

beforeAll(async () => {
  env = await createTestEnv();
  // This process holds the database; the commands attach to it (embedded) or share the server.
  app = await openApp({ env: env.env });
  cliEnv = { ...env.env, PERFRECON_LOG_LEVEL: 'warn' };
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'prsec-'));
});

afterEach(async () => {
  await killAll();
});

afterAll(async () => {
  await app?.close();
  await env?.cleanup();
  fs.rmSync(work, { recursive: true, force: true });
});

function csv(name: string, lines: string[]): string {
  const file = path.join(work, name);
  fs.writeFileSync(file, `${[HEADER, ...lines].join('\n')}\n`);
  return file;
}

describe('credentials', () => {
  it('db shell gives psql the password in its environment, never in argv or on the screen', async () => {
    const bin = fs.mkdtempSync(path.join(work, 'bin-'));
    // A stand-in psql that records how it was called.
    fs.writeFileSync(
      path.join(bin, 'psql'),
      `#!/bin/sh\nprintf '%s\\n' "$@" > "${bin}/argv"\nprintf '%s' "$PGPASSWORD" > "${bin}/password"\n`,
      { mode: 0o755 },
    );
    const url = new URL(
      env.mode === 'server'
        ? (env.env.DATABASE_URL ?? '')
        : `postgres://postgres@localhost/postgres?host=${path.join(env.home, 'run')}`,
    );
    url.password = SECRET;
    const { code, stdout, stderr } = await runCli(['db', 'shell'], {
      ...cliEnv,
      DATABASE_URL: url.toString(),
      PATH: `${bin}:${process.env.PATH}`,
    });
    expect(code, stderr).toBe(0);
    expect(fs.readFileSync(path.join(bin, 'password'), 'utf8')).toBe(SECRET);
    expect(fs.readFileSync(path.join(bin, 'argv'), 'utf8')).not.toContain(SECRET);
    expect(stdout + stderr).not.toContain(SECRET);
    expect(stderr).toMatch(/connecting: psql/);
  });

  it('configuration errors name the variable and never echo a credential', () => {
    const cases: NodeJS.ProcessEnv[] = [
      { DATABASE_URL: `mysql://app:${SECRET}@db.internal/perf` },
      { REDIS_URL: `http://:${SECRET}@cache.internal:6379` },
      { PERFRECON_ALERT_WEBHOOK_URL: `hooks.example.com/services/T000/B000/${SECRET}` },
      { PERFRECON_ALERT_SMTP_URL: `mail://alerts:${SECRET}@mail.example.com` },
      { PERFRECON_OPENLINEAGE_URL: `ftp://lineage:${SECRET}@marquez.internal/api` },
    ];
    for (const variables of cases) {
      const [name] = Object.keys(variables);
      expect(() => loadAppConfig(variables)).toThrow(new RegExp(`^${name} `));
      try {
        loadAppConfig(variables);
      } catch (error) {
        expect((error as Error).message).not.toContain(SECRET);
      }
    }
  });

  it('logs never hold credentials or tokens, and stay JSON when stderr is no terminal', async () => {
    const script = `
      import { createLogger } from ${JSON.stringify(path.resolve('src/observe/logger.ts'))};
      createLogger('info').warn({
        databaseUrl: 'postgres://app:${SECRET}@db/perf',
        redisUrl: 'redis://:${SECRET}@cache:6379',
        password: '${SECRET}',
        token: '${SECRET}',
        headers: { authorization: 'Bearer ${SECRET}' },
        config: { databaseUrl: 'postgres://app:${SECRET}@db/perf', smtpUrl: 'smtp://a:${SECRET}@m' },
      }, 'connected');`;
    const { stderr } = await exec(process.execPath, ['--input-type=module', '-e', script]);
    expect(stderr).not.toContain(SECRET);
    expect(JSON.parse(stderr.trim())).toMatchObject({ msg: 'connected', level: 40 });
  });
});

describe('hostile cell values', () => {
  it('cannot rewrite the terminal through ingest or files show', async () => {
    const [good] = canonicalRows('SEC-1', 1);
    const hostile = `SEC-1,2024-01-02,2024-01-03,USD,\u001b[2J\u001b]0;owned\u0007\u009b31m,1000,,,,,0,,gross`;
    const file = csv('canonical-sec-esc.csv', [good ?? '', hostile]);
    const ingest = await runCli(['ingest', file], cliEnv);
    expect(ingest.stdout).toMatch(/QUARANTINED|SUCCEEDED/);
    expect(ingest.stdout).toMatch(/quarantined/);
    expect(ingest.stdout).not.toMatch(CONTROL);
    const id = /file #(\d+)/.exec(ingest.stdout)?.[1];
    const show = await runCli(['files', 'show', String(id)], cliEnv);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/quarantined rows/);
    expect(show.stdout).toMatch(/\\x1b\[2J/);
    expect(show.stdout).not.toMatch(CONTROL);
  });
});

describe('a dry run and read-only commands', () => {
  it('a dry run of a rejected file alerts no one', async () => {
    const alerts: AlertEvent[] = [];
    const file = path.join(work, 'canonical-sec-dry-bad.csv');
    fs.writeFileSync(file, 'account_id,period_start\nX,2024-01-01\n');
    const summary = await ingestFile(
      ingestContext(app, {
        notifier: {
          async notify(event) {
            alerts.push(event);
          },
        },
      }),
      { filePath: file, dryRun: true },
    );
    expect(summary.outcome).toBe('DRY_RUN');
    expect(summary.error).not.toBeNull();
    expect(alerts).toEqual([]);
  });

  it('never change the schema: on a database that is behind they refuse and say how to migrate', async () => {
    const home = fs.mkdtempSync(path.join(work, 'home-'));
    const fresh = { PATH: process.env.PATH, HOME: process.env.HOME, PERFRECON_HOME: home };
    for (const args of [
      ['files', 'list'],
      ['dlq', 'list'],
      ['breaks', 'list'],
      ['returns', 'X', '--span', 'ITD'],
    ]) {
      const { code, stderr } = await runCli(args, fresh);
      expect(code, `${args.join(' ')}: ${stderr}`).toBe(2);
      expect(stderr).toMatch(/the database schema is behind/);
      expect(stderr).toMatch(/perfrecon db migrate/);
    }
    const status = await runCli(['db', 'status', '--json'], fresh);
    const migrations = JSON.parse(status.stdout).migrations as { appliedAt: string | null }[];
    expect(migrations.length).toBeGreaterThan(0);
    expect(migrations.every((m) => m.appliedAt == null)).toBe(true);
    expect(await migrationStatus(app.database.db)).not.toHaveLength(0);
  }, 120_000);

  it('returns refuses a date that does not exist', async () => {
    const { code, stderr } = await runCli(
      ['returns', 'X', '--from', '2024-02-30', '--to', '2024-03-31'],
      cliEnv,
    );
    expect(code).toBe(2);
    expect(stderr).toMatch(/--from "2024-02-30" is not a date/);
  });
});

describe('logs on a terminal', () => {
  it('are for people: no JSON line after the message that said it already', async () => {
    const file = path.join(work, 'canonical-sec-tty-bad.csv');
    fs.writeFileSync(file, 'account_id,period_start\nX,2024-01-01\n');
    const command = [process.execPath, CLI, 'ingest', file].map((arg) => `'${arg}'`).join(' ');
    // `script` runs the command on a pseudo-terminal, as a person at a terminal would.
    const { stdout } = await exec('script', ['-qec', command, '/dev/null'], { env: cliEnv }).catch(
      (error: { stdout: string }) => error,
    );
    expect(stdout).toMatch(/REJECTED/);
    expect(stdout).not.toMatch(/\{"level"/);
    expect(stdout).toMatch(/WARN +File canonical-sec-tty-bad\.csv rejected/);
  });
});
