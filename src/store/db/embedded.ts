// The embedded PostgreSQL: PGlite in $PERFRECON_HOME/db, served over the PostgreSQL wire
// protocol on a private Unix socket so that the same `pg` Pool, Kysely queries, migrations
// and pg-boss run on it as on a server.
//
// One process owns the data folder (PGlite must never be opened twice: that corrupts it).
// Ownership is an exclusive lock file holding the owner's pid; the owner records its socket
// in `embedded-db.json`. A second perfrecon process on the same home attaches to that socket.
// A lock whose pid is gone is stale (the owner crashed) and is taken over.
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { DomainError } from '../../domain/errors.ts';
import { isolateConnections } from './socket-queue.ts';

export class EmbeddedDatabaseError extends DomainError {
  readonly code = 'EMBEDDED_DB_UNAVAILABLE';
}

export interface EmbeddedEndpoint {
  /** Directory holding the socket `.s.PGSQL.<port>`, as psql and pg expect it. */
  socketDir: string;
  port: number;
  pid: number;
}

export type EmbeddedHandle =
  | { role: 'owner'; endpoint: EmbeddedEndpoint; pglite: PGlite; close(): Promise<void> }
  | { role: 'attached'; endpoint: EmbeddedEndpoint; close(): Promise<void> };

const PORT = 5432;
/** Sockets are limited to ~107 bytes of path on Linux. */
const MAX_SOCKET_PATH = 100;

function paths(home: string) {
  return {
    dataDir: path.join(home, 'db'),
    lockFile: path.join(home, 'embedded-db.lock'),
    endpointFile: path.join(home, 'embedded-db.json'),
    socketDir: path.join(home, 'run'),
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readPid(lockFile: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(lockFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function tryTakeLock(lockFile: string): boolean {
  try {
    fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

async function waitForEndpoint(
  endpointFile: string,
  ownerPid: number,
  timeoutMs: number,
): Promise<EmbeddedEndpoint> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const endpoint = JSON.parse(fs.readFileSync(endpointFile, 'utf8')) as EmbeddedEndpoint;
      if (endpoint.pid === ownerPid) return endpoint;
    } catch {
      // The owner is still starting; its endpoint file appears once it listens.
    }
    if (!isAlive(ownerPid))
      throw new EmbeddedDatabaseError(`the process ${ownerPid} that owned the database exited`);
    if (Date.now() > deadline) {
      throw new EmbeddedDatabaseError(
        `process ${ownerPid} holds the embedded database but has not published its socket after ${timeoutMs / 1000} s`,
        `Wait for it to finish starting, or stop it (kill ${ownerPid}) and retry.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function startOwner(home: string): Promise<EmbeddedHandle> {
  const { dataDir, lockFile, endpointFile, socketDir } = paths(home);
  fs.mkdirSync(socketDir, { recursive: true });
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({ dataDir });
  } catch (error) {
    fs.rmSync(lockFile, { force: true });
    throw new EmbeddedDatabaseError(
      `cannot open the embedded database in ${dataDir}: ${(error as Error).message}`,
      'If another program uses this folder, stop it; if the folder is damaged, move it away and run `perfrecon db migrate`.',
    );
  }
  const socketPath = path.join(socketDir, `.s.PGSQL.${PORT}`);
  if (socketPath.length > MAX_SOCKET_PATH) {
    await pglite.close();
    fs.rmSync(lockFile, { force: true });
    throw new EmbeddedDatabaseError(
      `the socket path ${socketPath} is longer than ${MAX_SOCKET_PATH} characters`,
      'Set PERFRECON_HOME to a shorter path.',
    );
  }
  fs.rmSync(socketPath, { force: true });
  // Every pool connection needs a socket slot: the default of 1 silently drops the rest.
  const server = new PGLiteSocketServer({ db: pglite, path: socketPath, maxConnections: 64 });
  // Concurrent connections must not interleave their extended-protocol queries (see socket-queue.ts).
  isolateConnections(server);
  await server.start();
  const endpoint: EmbeddedEndpoint = { socketDir, port: PORT, pid: process.pid };
  fs.writeFileSync(endpointFile, JSON.stringify(endpoint));
  let closed = false;
  return {
    role: 'owner',
    endpoint,
    pglite,
    async close() {
      if (closed) return;
      closed = true;
      fs.rmSync(endpointFile, { force: true });
      await server.stop();
      await pglite.close();
      fs.rmSync(socketPath, { force: true });
      fs.rmSync(lockFile, { force: true });
    },
  };
}

/** Open the embedded database in `home`: own it, or attach to the process that does. */
export async function openEmbedded(home: string): Promise<EmbeddedHandle> {
  const { lockFile, endpointFile } = paths(home);
  fs.mkdirSync(home, { recursive: true });
  for (let attempt = 0; attempt < 5; attempt++) {
    if (tryTakeLock(lockFile)) return startOwner(home);
    const ownerPid = readPid(lockFile);
    if (ownerPid === process.pid) {
      throw new EmbeddedDatabaseError(
        'this process already owns the embedded database',
        'Reuse the open Database.',
      );
    }
    if (ownerPid !== undefined && isAlive(ownerPid)) {
      const endpoint = await waitForEndpoint(endpointFile, ownerPid, 30_000);
      return { role: 'attached', endpoint, async close() {} };
    }
    // Stale lock: the owner died without cleaning up. PGlite's files were last synced by it.
    fs.rmSync(lockFile, { force: true });
    fs.rmSync(endpointFile, { force: true });
  }
  throw new EmbeddedDatabaseError(
    `could not take or attach to the embedded database lock ${lockFile}`,
    'Another perfrecon process is starting or stopping; retry in a moment.',
  );
}

/** The psql command line for the embedded database, when a process serves it. */
export function psqlCommand(endpoint: EmbeddedEndpoint): string {
  return `psql "host=${endpoint.socketDir} port=${endpoint.port} user=postgres dbname=postgres"`;
}
