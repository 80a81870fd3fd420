// A PostgreSQL cluster of its own for a test: initdb in a temporary folder, on a free port of
// 127.0.0.1, run by the OS user `postgres` when the tests run as root (initdb refuses root).
// Never the machine's main server.
import { execFile as execFileCallback, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFile = promisify(execFileCallback);

/** The folder of the PostgreSQL programs: PG_BIN, else what pg_config says. */
export function postgresBin(): string {
  return process.env.PG_BIN || execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
}

const asRoot = process.getuid?.() === 0;

/** Run a program as the cluster's OS user, in `cwd`; resolves to its standard output. */
export async function runAsPostgres(
  program: string,
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<string> {
  const assignments = Object.entries(options.env ?? {}).map(([name, value]) => `${name}=${value}`);
  const [command, commandArgs] = asRoot
    ? ['runuser', ['-u', 'postgres', '--', 'env', ...assignments, program, ...args]]
    : ['env', [...assignments, program, ...args]];
  const { stdout } = await execFile(command, commandArgs, { cwd: options.cwd, maxBuffer: 16 << 20 });
  return stdout;
}

/** A temporary folder the cluster's OS user owns. */
export function clusterFolder(prefix: string): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
    fs.chownSync(folder, uid, gid);
  }
  return folder;
}

/** A port nobody listens on now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface Cluster {
  pgdata: string;
  port: number;
  url(database: string): string;
}

/** initdb a cluster in `folder`/`name` with these settings (postgresql.auto.conf), and start it. */
export async function createCluster(
  folder: string,
  name: string,
  settings: Record<string, string>,
): Promise<Cluster> {
  const bin = postgresBin();
  const pgdata = path.join(folder, name);
  const port = await freePort();
  await runAsPostgres(
    path.join(bin, 'initdb'),
    ['--pgdata', pgdata, '--username', 'postgres', '--auth', 'trust', '--no-sync'],
    { cwd: folder },
  );
  const all: Record<string, string> = {
    port: String(port),
    listen_addresses: '127.0.0.1',
    unix_socket_directories: folder,
    fsync: 'off', // a throw-away cluster: speed over durability
    ...settings,
  };
  const lines = Object.entries(all).map(([key, value]) => `${key} = '${value.replaceAll("'", "''")}'`);
  fs.appendFileSync(path.join(pgdata, 'postgresql.auto.conf'), `${lines.join('\n')}\n`);
  await startCluster(folder, pgdata);
  return clusterAt(pgdata, port);
}

export function clusterAt(pgdata: string, port: number): Cluster {
  return { pgdata, port, url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}` };
}

export async function startCluster(folder: string, pgdata: string): Promise<void> {
  await runAsPostgres(
    path.join(postgresBin(), 'pg_ctl'),
    ['--pgdata', pgdata, '--log', `${pgdata}.log`, '--wait', 'start'],
    { cwd: folder },
  );
}

/** Stop a cluster if it runs (immediate: nothing of a throw-away cluster needs to be kept). */
export async function stopCluster(folder: string, pgdata: string): Promise<void> {
  if (!fs.existsSync(path.join(pgdata, 'postmaster.pid'))) return;
  await runAsPostgres(
    path.join(postgresBin(), 'pg_ctl'),
    ['--pgdata', pgdata, '--mode', 'immediate', '--wait', 'stop'],
    { cwd: folder },
  ).catch(() => undefined);
}
