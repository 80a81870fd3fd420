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

export function pgliteBlobLoader(pglite: PGlite): BulkLoader {
  return {
    kind: 'pglite-blob',
    async load(table, columns, rows) {
      const target = checkIdentifiers(table, columns);
      let written = 0;
      for (const chunk of chunks(rows, CHUNK_ROWS)) {
        // PGlite is one session: a statement issued here while a socket client is inside a
        // transaction would join that transaction. Wait for it to end; the merge's staged-count
        // check catches the remaining race.
        while (pglite.isInTransaction()) await new Promise((resolve) => setTimeout(resolve, 5));
        const blob = new Blob(chunk.map(csvLine));
        await pglite.query(`COPY ${target} FROM '/dev/blob' WITH (FORMAT csv)`, [], { blob });
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
