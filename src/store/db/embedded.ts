// The embedded PostgreSQL: PGlite in $PERFRECON_HOME/db, served over the PostgreSQL wire
// protocol on a private Unix socket so that the same `pg` Pool, Kysely queries, migrations
// and pg-boss run on it as on a server.
//
// One process owns the data folder (PGlite must never be opened twice: that corrupts it); see
// owner-lock.ts. The owner records its socket in `embedded-db.json`; a second perfrecon process
// on the same home attaches to that socket, and takes over when the owner goes.
//
// The socket accepts anyone who can reach it as superuser, without a password: its folder,
// `run/`, is private to the user (0700), and so is the home folder when perfrecon creates it.
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { DomainError } from '../../domain/errors.ts';
import { currentOwner, takeOrFindOwner } from './owner-lock.ts';
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

interface Paths {
  home: string;
  dataDir: string;
  lockDir: string;
  endpointFile: string;
  socketDir: string;
}

function paths(home: string): Paths {
  return {
    home,
    dataDir: path.join(home, 'db'),
    lockDir: path.join(home, 'embedded-db.lock'),
    endpointFile: path.join(home, 'embedded-db.json'),
    socketDir: path.join(home, 'run'),
  };
}

/** The home folder, and a socket folder only this user can enter (see the top of this file). */
function prepareFolders({ home, socketDir }: Paths): void {
  fs.mkdirSync(home, { recursive: true, mode: 0o700 });
  fs.mkdirSync(socketDir, { recursive: true, mode: 0o700 });
  const { mode, uid } = fs.statSync(socketDir);
  if ((mode & 0o077) === 0) return;
  if (uid === process.getuid?.()) {
    fs.chmodSync(socketDir, 0o700);
    return;
  }
  throw new EmbeddedDatabaseError(
    `the socket folder ${socketDir} is open to other users and belongs to another user`,
    `Its owner must make it private (chmod 700 ${socketDir}), or remove it.`,
  );
}

/** The owner's endpoint once it listens; undefined if it stopped owning the database first. */
async function waitForEndpoint(
  { lockDir, endpointFile }: Paths,
  ownerPid: number,
  timeoutMs: number,
): Promise<EmbeddedEndpoint | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const endpoint = JSON.parse(fs.readFileSync(endpointFile, 'utf8')) as EmbeddedEndpoint;
      if (endpoint.pid === ownerPid) return endpoint;
    } catch {
      // The owner is still starting; its endpoint file appears once it listens.
    }
    if (currentOwner(lockDir) !== ownerPid) return undefined;
    if (Date.now() > deadline) {
      throw new EmbeddedDatabaseError(
        `process ${ownerPid} holds the embedded database but has not published its socket after ${timeoutMs / 1000} s`,
        `Wait for it to finish starting, or stop it (kill ${ownerPid}) and retry.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function openPglite(dataDir: string): Promise<PGlite> {
  try {
    return await PGlite.create({ dataDir });
  } catch (error) {
    throw new EmbeddedDatabaseError(
      `cannot open the embedded database in ${dataDir}: ${(error as Error).message}`,
      'If another program uses this folder, stop it; if the folder is damaged, move it away and run `perfrecon db migrate`.',
    );
  }
}

async function serve(pglite: PGlite, socketPath: string): Promise<PGLiteSocketServer> {
  // A socket file left by an owner that died: only the owner may remove it.
  fs.rmSync(socketPath, { force: true });
  // Every pool connection needs a socket slot: the default of 1 silently drops the rest.
  const server = new PGLiteSocketServer({ db: pglite, path: socketPath, maxConnections: 64 });
  // Concurrent connections must not interleave their extended-protocol queries (see socket-queue.ts).
  isolateConnections(server);
  await server.start();
  return server;
}

/** Serve the database this process has just taken the lock of; releases the lock if it cannot. */
async function startOwner(folders: Paths, release: () => void): Promise<EmbeddedHandle> {
  const { dataDir, endpointFile, socketDir } = folders;
  const socketPath = path.join(socketDir, `.s.PGSQL.${PORT}`);
  if (socketPath.length > MAX_SOCKET_PATH) {
    release();
    throw new EmbeddedDatabaseError(
      `the socket path ${socketPath} is longer than ${MAX_SOCKET_PATH} characters`,
      'Set PERFRECON_HOME to a shorter path.',
    );
  }
  let pglite: PGlite;
  try {
    pglite = await openPglite(dataDir);
  } catch (error) {
    release();
    throw error;
  }
  let server: PGLiteSocketServer;
  try {
    server = await serve(pglite, socketPath);
  } catch (error) {
    await pglite.close();
    release();
    throw error;
  }
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
      // Last: the next owner may open PGlite as soon as the claim is released.
      release();
    },
  };
}

/** Open the embedded database in `home`: own it, or attach to the process that does. */
export async function openEmbedded(home: string): Promise<EmbeddedHandle> {
  const folders = paths(home);
  prepareFolders(folders);
  for (;;) {
    const ownership = takeOrFindOwner(folders.lockDir);
    if (ownership.kind === 'owned') return startOwner(folders, ownership.release);
    if (ownership.pid === process.pid) {
      throw new EmbeddedDatabaseError(
        'this process already owns the embedded database',
        'Reuse the open Database.',
      );
    }
    const endpoint = await waitForEndpoint(folders, ownership.pid, 30_000);
    if (endpoint !== undefined) return { role: 'attached', endpoint, async close() {} };
    // The owner went before it published its socket: look again, and take over if no one has.
  }
}

/** The embedded database as one process sees it over time. */
export interface EmbeddedSession {
  /** Attached, until this process takes over from an owner that went. */
  readonly handle: EmbeddedHandle;
  /**
   * The owner went (its socket refuses connections): own the database, or attach to whoever took
   * it over. Concurrent calls share one attempt.
   */
  recover(): Promise<void>;
  close(): Promise<void>;
}

export async function openEmbeddedSession(home: string): Promise<EmbeddedSession> {
  let handle = await openEmbedded(home);
  let recovering: Promise<void> | undefined;
  let closed = false;
  const reopen = async () => {
    try {
      handle = await openEmbedded(home);
    } finally {
      recovering = undefined;
    }
  };
  return {
    get handle() {
      return handle;
    },
    recover() {
      if (closed) return Promise.reject(new EmbeddedDatabaseError('the embedded database is closed'));
      // An owner serves its own socket: nothing to take over.
      if (handle.role === 'owner') return Promise.resolve();
      recovering ??= reopen();
      return recovering;
    },
    async close() {
      closed = true;
      await recovering?.catch(() => {});
      await handle.close();
    },
  };
}

/** The psql command line for the embedded database, when a process serves it. */
export function psqlCommand(endpoint: EmbeddedEndpoint): string {
  return `psql "host=${endpoint.socketDir} port=${endpoint.port} user=postgres dbname=postgres"`;
}
