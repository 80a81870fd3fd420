// Bulk loading into staging tables: the one place where the embedded database and a server
// differ. `COPY FROM STDIN` over the PGlite socket breaks the connection and hangs PGlite, so
// the process that owns PGlite copies in-process from a blob, a server gets pg-copy-streams,
// and a process attached to another's embedded database sends JSON batches.
// Loads run outside any transaction into a staging table keyed by load id; the merge into
// the real tables is one transaction that first checks the staged row count.
import { once } from 'node:events';
import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

export type CopyValue = string | number | boolean | null | object;

export interface BulkLoader {
  readonly kind: 'pglite-blob' | 'copy-stream' | 'json-batch';
  /** Append rows to `table`; returns how many were written. */
  load(table: string, columns: readonly string[], rows: Iterable<readonly CopyValue[]>): Promise<number>;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

function checkIdentifiers(table: string, columns: readonly string[]): string {
  for (const name of [table, ...columns]) {
    if (!IDENTIFIER.test(name)) throw new Error(`bulk load: "${name}" is not a plain SQL identifier`);
  }
  return `${table} (${columns.join(', ')})`;
}

function csvField(value: CopyValue): string {
  if (value === null) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return `"${text.replaceAll('"', '""')}"`;
}

/** One CSV line in COPY's CSV format: unquoted empty is NULL, quoted empty is ''. */
export function csvLine(row: readonly CopyValue[]): string {
  return `${row.map(csvField).join(',')}\n`;
}

function* chunks<T>(rows: Iterable<T>, size: number): Generator<T[]> {
  let chunk: T[] = [];
  for (const row of rows) {
    chunk.push(row);
    if (chunk.length === size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

const CHUNK_ROWS = 20_000;

/** A frontend protocol message: type byte, length, body. */
function message(type: 'Q' | 'S', body: string): Uint8Array {
  const bytes = Buffer.from(body);
  const framed = Buffer.alloc(5 + bytes.length);
  framed.write(type, 0);
  framed.writeInt32BE(4 + bytes.length, 1);
  bytes.copy(framed, 5);
  return framed;
}

/** One simple-protocol statement, the way PGlite's exec() sends it: Query, then Sync. */
async function execUnlocked(pglite: PGlite, statement: string): Promise<void> {
  try {
    await pglite.execProtocolStream(message('Q', `${statement}\0`), { syncToFs: false });
  } finally {
    await pglite.execProtocolStream(message('S', ''), { syncToFs: false });
  }
  await pglite.syncToFs();
}

/**
 * COPY from `blob` while no socket client is inside a transaction. PGlite is one session: a
 * statement run while a client's transaction is open would join it (and roll back with it). The
 * check and the COPY hold PGlite's exclusive lock together, which the socket server takes for
 * each client message, so no client's BEGIN can come between them. Inside it only the unlocked
 * protocol calls may run (query() takes the same lock).
 */
async function copyOutsideTransactions(pglite: PGlite, copy: string, blob: Blob): Promise<void> {
  for (;;) {
    const copied = await pglite.runExclusive(async () => {
      if (pglite.isInTransaction()) return false;
      await pglite._handleBlob(blob);
      try {
        await execUnlocked(pglite, copy);
      } finally {
        await pglite._cleanupBlob();
      }
      return true;
    });
    if (copied) return;
    // Let the client's transaction go on to its end.
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export function pgliteBlobLoader(pglite: PGlite): BulkLoader {
  return {
    kind: 'pglite-blob',
    async load(table, columns, rows) {
      const target = checkIdentifiers(table, columns);
      let written = 0;
      for (const chunk of chunks(rows, CHUNK_ROWS)) {
        const blob = new Blob(chunk.map(csvLine));
        await copyOutsideTransactions(pglite, `COPY ${target} FROM '/dev/blob' WITH (FORMAT csv)`, blob);
        written += chunk.length;
      }
      return written;
    },
  };
}

export function copyStreamLoader(pool: pg.Pool): BulkLoader {
  return {
    kind: 'copy-stream',
    async load(table, columns, rows) {
      const target = checkIdentifiers(table, columns);
      const client = await pool.connect();
      let failure: Error | undefined;
      try {
        const stream = client.query(copyFrom(`COPY ${target} FROM STDIN WITH (FORMAT csv)`));
        const finished = new Promise<void>((resolve, reject) => {
          stream.on('finish', resolve);
          stream.on('error', reject);
        });
        // The copy can fail (connection lost) while a chunk waits for 'drain': that rejection is
        // awaited below, and must not surface as an unhandled one meanwhile.
        finished.catch(() => {});
        let written = 0;
        for (const chunk of chunks(rows, 2_000)) {
          if (!stream.write(chunk.map(csvLine).join(''))) {
            // Rejects on the stream's 'error' instead of waiting for a 'drain' that never comes.
            await once(stream, 'drain');
          }
          written += chunk.length;
        }
        stream.end();
        await finished;
        return written;
      } catch (error) {
        failure = error as Error;
        throw error;
      } finally {
        // A client whose copy failed is discarded, not returned to the pool.
        client.release(failure);
      }
    },
  };
}

export function jsonBatchLoader(pool: pg.Pool): BulkLoader {
  return {
    kind: 'json-batch',
    async load(table, columns, rows) {
      const target = checkIdentifiers(table, columns);
      let written = 0;
      for (const chunk of chunks(rows, 5_000)) {
        const records = chunk.map((row) =>
          Object.fromEntries(columns.map((column, i) => [column, row[i] ?? null])),
        );
        await pool.query(
          `INSERT INTO ${target} SELECT ${columns.join(', ')} FROM json_populate_recordset(null::${table}, $1::json)`,
          [JSON.stringify(records)],
        );
        written += chunk.length;
      }
      return written;
    },
  };
}
