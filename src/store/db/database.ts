// One database path for everything: a `pg` Pool and Kysely over either a PostgreSQL server
// (DATABASE_URL) or the embedded PGlite served on a local socket.
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { redactUrl } from '../../domain/redact.ts';
import type { DB } from '../schema.ts';
import { type BulkLoader, copyStreamLoader, jsonBatchLoader, pgliteBlobLoader } from './bulk-load.ts';
import { type EmbeddedHandle, type EmbeddedSession, openEmbeddedSession } from './embedded.ts';

// NUMERIC and DATE come back as text: amounts never pass through binary floating point,
// and dates stay calendar dates (no time zone shifts).
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => value);
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/** The database or an open transaction on it: what a repository function runs its statements on. */
export type Executor = Kysely<DB> | Transaction<DB>;

export interface Database {
  readonly mode: 'server' | 'embedded-owner' | 'embedded-attached';
  readonly pool: pg.Pool;
  readonly db: Kysely<DB>;
  readonly bulk: BulkLoader;
  /** A connection description a person can use with psql. */
  readonly connectionInfo: string;
  /** The embedded PGlite, when this process owns it (pg-boss and tests may use it). */
  readonly embedded: EmbeddedHandle | undefined;
  close(): Promise<void>;
}

/** Where the database is: a server (DATABASE_URL), or the embedded one in the home folder. */
export interface DatabaseLocation {
  databaseUrl: string | undefined;
  home: string;
}

export interface OpenDatabaseOptions {
  /** Pool size; the embedded socket server accepts at most 64. */
  maxConnections?: number;
  applicationName?: string;
}

export async function openDatabase(
  config: DatabaseLocation,
  options: OpenDatabaseOptions = {},
): Promise<Database> {
  const max = options.maxConnections ?? 10;
  const application_name = options.applicationName ?? 'perfrecon';
  if (config.databaseUrl !== undefined) {
    const pool = new pg.Pool({ connectionString: config.databaseUrl, max, application_name });
    return assemble(pool, copyStreamLoader(pool), redactUrl(config.databaseUrl), undefined);
  }
  const session = await openEmbeddedSession(config.home);
  const { socketDir, port } = session.handle.endpoint;
  // PGlite is one session: idle connections cost nothing, but each needs a socket slot. The
  // socket's path stays the same whichever process owns the database.
  const pool = new pg.Pool({
    host: socketDir,
    port,
    user: 'postgres',
    database: 'postgres',
    max,
    application_name,
  });
  reconnectAfterTakeover(pool, session);
  const connectionInfo = `host=${socketDir} port=${port} user=postgres dbname=postgres`;
  return assemble(pool, embeddedLoader(session, pool), connectionInfo, session);
}

/**
 * The owner went: its socket is gone (ENOENT), refuses (ECONNREFUSED), or closed as we connected
 * (reset or terminated while the start-up message was exchanged: an owner killed between
 * accepting the connection and answering it).
 */
function ownerGone(error: unknown): boolean {
  const { code, message } = error as { code?: string; message?: string };
  return (
    code === 'ENOENT' ||
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    code === 'EPIPE' ||
    message === 'Connection terminated unexpectedly'
  );
}

/**
 * A new connection that finds the embedded database's owner gone takes it over (or attaches to
 * the process that did) and connects again: nothing was sent on it, so this is always safe.
 * A statement already running when the owner went fails, as on a server that crashed.
 */
const TAKEOVER_TIMEOUT_MS = 15_000;

function reconnectAfterTakeover(pool: pg.Pool, session: EmbeddedSession): void {
  const connect = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
  const connectAgain = async (): Promise<pg.PoolClient> => {
    // A killed owner's lock looks held until its parent has reaped it, and its endpoint until the
    // next owner publishes one: look again for a while, not only five times in a row.
    const deadline = Date.now() + TAKEOVER_TIMEOUT_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        return await connect();
      } catch (error) {
        if (!ownerGone(error) || Date.now() > deadline) throw error;
        await session.recover();
        if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, Math.min(50 * attempt, 500)));
      }
    }
  };
  type Callback = (error: Error | undefined, client?: pg.PoolClient, done?: () => void) => void;
  // pg's Pool.query() calls connect() with a callback; Kysely awaits the promise.
  pool.connect = ((callback?: Callback) => {
    const connected = connectAgain();
    if (callback === undefined) return connected;
    connected.then(
      (client) => callback(undefined, client, client.release),
      (error: Error) => callback(error),
    );
  }) as typeof pool.connect;
}

/** The owner loads in-process from a blob; an attached process sends JSON batches over the pool. */
function embeddedLoader(session: EmbeddedSession, pool: pg.Pool): BulkLoader {
  const json = jsonBatchLoader(pool);
  const current = () => {
    const { handle } = session;
    return handle.role === 'owner' ? pgliteBlobLoader(handle.pglite) : json;
  };
  return {
    get kind() {
      return current().kind;
    },
    load: (table, columns, rows) => current().load(table, columns, rows),
  };
}

function assemble(
  pool: pg.Pool,
  bulk: BulkLoader,
  connectionInfo: string,
  session: EmbeddedSession | undefined,
): Database {
  // An idle client losing its connection (server restart) must not crash the process.
  pool.on('error', () => {});
  // Nor one losing it mid-query (terminated backend, embedded owner gone): its query fails with the
  // error, and the pool discards the client when it is released.
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  let closed = false;
  return {
    // The embedded role changes when this process takes over from an owner that went.
    get mode() {
      if (session === undefined) return 'server';
      return session.handle.role === 'owner' ? 'embedded-owner' : 'embedded-attached';
    },
    pool,
    db,
    bulk,
    connectionInfo,
    get embedded() {
      return session?.handle;
    },
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
      await session?.close();
    },
  };
}

/** One trivial statement: rejects when the database cannot be reached. */
export async function ping(db: Executor): Promise<void> {
  await sql`SELECT 1`.execute(db);
}
