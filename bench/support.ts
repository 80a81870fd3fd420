// What the benches share: their command-line options, the PostgreSQL server they create fresh
// databases on, a fresh environment (home, and a database on the server) per case, and the
// number and load formats of BENCHMARKS.md.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { App } from '../src/app.ts';
import type { IngestContext } from '../src/services/ingest/ingest-file.ts';

export type Mode = 'server' | 'embedded';

export const SERVER_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

/** `--name value` from the command line, or the fallback. */
export function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

/** Work on a connection to the given database (the server's maintenance database by default). */
export async function admin<T>(work: (client: pg.Client) => Promise<T>, url = SERVER_URL): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface BenchEnv {
  env: NodeJS.ProcessEnv;
  home: string;
  /** The fresh server database (server mode only). */
  url?: string;
  drop(): Promise<void>;
}

/** A fresh home (and, on the server, a fresh database): the environment of one case. */
export async function freshEnv(
  mode: Mode,
  prefix: string,
  settings: NodeJS.ProcessEnv = {},
): Promise<BenchEnv> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), `pr${prefix}-`));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PERFRECON_HOME: home,
    PERFRECON_LOG_LEVEL: 'silent',
    PERFRECON_OPENLINEAGE_FILE: 'off',
    ...settings,
  };
  if (mode === 'embedded')
    return { env, home, drop: async () => fs.rmSync(home, { recursive: true, force: true }) };
  const name = `perfrecon_${prefix}_${randomBytes(4).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  env.DATABASE_URL = url.toString();
  return {
    env,
    home,
    url: url.toString(),
    async drop() {
      await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

export const fmt = (value: number, digits = 0) =>
  Number.isNaN(value)
    ? '–'
    : value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** The load average (1 / 5 / 15 min), reported next to every figure. */
export function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');
}

/** What `ingestFile` needs, from a bench's app. */
export function benchIngestContext(app: App): IngestContext {
  return {
    database: app.database,
    vendors: app.vendors,
    notifier: app.notifier,
    actor: 'bench',
    maxFileBytes: app.config.maxFileBytes,
  };
}

/**
 * A bench file started as a script: its report on stdout, or, started as `--child KIND ARG…`
 * (a case measured in a process of its own), that case's figures as one line of JSON.
 */
export async function benchMain(
  url: string,
  run: () => Promise<string>,
  children: Record<string, (...args: string[]) => Promise<unknown>> = {},
): Promise<void> {
  if (process.argv[1] === undefined || path.resolve(process.argv[1]) !== fileURLToPath(url)) return;
  const index = process.argv.indexOf('--child');
  if (index < 0) {
    process.stdout.write(await run());
    return;
  }
  const [kind = '', ...args] = process.argv.slice(index + 1);
  const work = children[kind];
  if (work === undefined) throw new Error(`no child case ${kind}`);
  process.stdout.write(`${JSON.stringify(await work(...args))}\n`);
}

/**
 * Run one case of the bench file at `benchUrl` in a process of its own (`--child KIND ARG…`, see
 * benchMain) and return the figures it printed; throws with its stderr when it fails.
 */
export function childCase(
  benchUrl: string,
  kind: string,
  env: NodeJS.ProcessEnv,
  ...args: string[]
): Record<string, unknown> {
  const result = spawnSync(process.execPath, [fileURLToPath(benchUrl), '--child', kind, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    env,
    cwd: path.resolve(import.meta.dirname, '..'),
  });
  if (result.status !== 0) throw new Error(`child ${kind} failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
}
