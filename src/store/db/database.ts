// One database path for everything: a `pg` Pool and Kysely over either a PostgreSQL server
// (DATABASE_URL) or the embedded PGlite served on a local socket.
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import type { DB } from '../schema.ts';
import { type BulkLoader, copyStreamLoader, jsonBatchLoader, pgliteBlobLoader } from './bulk-load.ts';
import { type EmbeddedHandle, openEmbedded } from './embedded.ts';

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
    return assemble('server', pool, copyStreamLoader(pool), redact(config.databaseUrl), undefined);
  }
  const embedded = await openEmbedded(config.home);
  const { socketDir, port } = embedded.endpoint;
  // PGlite is one session: idle connections cost nothing, but each needs a socket slot.
  const pool = new pg.Pool({
    host: socketDir,
    port,
    user: 'postgres',
    database: 'postgres',
    max,
    application_name,
  });
  const connectionInfo = `host=${socketDir} port=${port} user=postgres dbname=postgres`;
  if (embedded.role === 'owner') {
    return assemble('embedded-owner', pool, pgliteBlobLoader(embedded.pglite), connectionInfo, embedded);
  }
  return assemble('embedded-attached', pool, jsonBatchLoader(pool), connectionInfo, embedded);
}

function assemble(
  mode: Database['mode'],
  pool: pg.Pool,
  bulk: BulkLoader,
  connectionInfo: string,
  embedded: EmbeddedHandle | undefined,
): Database {
  // An idle client losing its connection (server restart) must not crash the process.
  pool.on('error', () => {});
  // Nor one losing it mid-query (terminated backend, embedded owner gone): its query fails with the
  // error, and the pool discards the client when it is released.
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  let closed = false;
  return {
    mode,
    pool,
    db,
    bulk,
    connectionInfo,
    embedded,
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
      await embedded?.close();
    },
  };
}

function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

/** One trivial statement: rejects when the database cannot be reached. */
export async function ping(db: Executor): Promise<void> {
  await sql`SELECT 1`.execute(db);
}
