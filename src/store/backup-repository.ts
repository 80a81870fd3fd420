// The tables of the application as a logical backup sees them: found in the catalog (so a new
// table is backed up without a change here), read in primary-key order as JSON text (numbers keep
// every digit: the text is never parsed in JavaScript), and loaded back with the database's own
// JSON-to-record conversion.
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from './schema.ts';

/** Kysely's own bookkeeping: recreated by the migrations a restore runs, never copied. */
const MIGRATION_TABLES = new Set(['kysely_migration', 'kysely_migration_lock']);
/**
 * Rows of work in flight: a load either merged (its rows are in the real tables) or is retried;
 * a claim on an inbox object is held only while the object is moved.
 */
const TRANSIENT_TABLES = new Set(['staging_periods', 'staging_lineage', 'landing_claims']);

export interface TableShape {
  name: string;
  /** Primary-key columns, in key order: the order rows are read and checksummed in. */
  key: string[];
  /** Identity columns, whose sequences a restore moves past the restored values. */
  identity: string[];
}

/** The application's tables in the public schema, each after every table it references. */
export async function applicationTables(db: Kysely<DB> | Transaction<DB>): Promise<TableShape[]> {
  const { rows } = await sql<{ name: string; key: string[]; identity: string[]; refs: string[] }>`
    SELECT c.relname AS name,
      coalesce((SELECT array_agg(a.attname::text ORDER BY k.ord)
        FROM pg_constraint p, unnest(p.conkey) WITH ORDINALITY AS k(attnum, ord), pg_attribute a
        WHERE p.conrelid = c.oid AND p.contype = 'p' AND a.attrelid = c.oid AND a.attnum = k.attnum),
        '{}'::text[]) AS key,
      coalesce((SELECT array_agg(a.attname::text ORDER BY a.attnum) FROM pg_attribute a
        WHERE a.attrelid = c.oid AND a.attidentity <> '' AND NOT a.attisdropped), '{}'::text[]) AS identity,
      coalesce((SELECT array_agg(DISTINCT r.relname::text) FROM pg_constraint f JOIN pg_class r ON r.oid = f.confrelid
        WHERE f.conrelid = c.oid AND f.contype = 'f' AND f.confrelid <> c.oid), '{}'::text[]) AS refs
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
    ORDER BY c.relname`.execute(db);
  const tables = rows.filter((row) => !MIGRATION_TABLES.has(row.name) && !TRANSIENT_TABLES.has(row.name));
  const ordered: TableShape[] = [];
  const placed = new Set<string>();
  while (ordered.length < tables.length) {
    const ready = tables.filter(
      (t) => !placed.has(t.name) && t.refs.every((r) => placed.has(r) || MIGRATION_TABLES.has(r)),
    );
    if (ready.length === 0) throw new Error('the foreign keys between the tables form a cycle');
    for (const table of ready) {
      placed.add(table.name);
      ordered.push({ name: table.name, key: table.key, identity: table.identity });
    }
  }
  return ordered;
}

/**
 * Rows of a table as JSON text, in primary-key order, `batch` at a time (keyset pagination, so a
 * table of millions of rows is read in bounded memory). Runs inside the caller's snapshot.
 */
export async function* tableRows(
  trx: Transaction<DB>,
  table: TableShape,
  batch: number,
): AsyncGenerator<string[]> {
  if (table.key.length === 0) throw new Error(`table ${table.name} has no primary key to order its rows by`);
  const keys = sql.join(table.key.map((column) => sql.ref(`t.${column}`)));
  let after: unknown[] | undefined;
  for (;;) {
    const where =
      after === undefined ? sql`TRUE` : sql`(${keys}) > (${sql.join(after.map((value) => sql`${value}`))})`;
    const { rows } = await sql<{ row: string; key: unknown[] }>`
      SELECT row_to_json(t)::text AS row, json_build_array(${keys}) AS key
      FROM ${sql.table(table.name)} t WHERE ${where} ORDER BY ${keys} LIMIT ${batch}`.execute(trx);
    if (rows.length === 0) return;
    yield rows.map((r) => r.row);
    after = rows[rows.length - 1]?.key;
    if (rows.length < batch) return;
  }
}

/** Load rows (JSON text as `tableRows` wrote them) into a table; identities keep their values. */
export async function insertRows(
  trx: Transaction<DB>,
  table: TableShape,
  rows: readonly string[],
): Promise<void> {
  if (rows.length === 0) return;
  const overriding = table.identity.length > 0 ? sql`OVERRIDING SYSTEM VALUE` : sql``;
  await sql`INSERT INTO ${sql.table(table.name)} ${overriding}
    SELECT * FROM json_populate_recordset(NULL::${sql.table(table.name)}, ${`[${rows.join(',')}]`}::json)`.execute(
    trx,
  );
}

/** Move each identity sequence past the largest restored value. */
export async function resetIdentities(trx: Transaction<DB>, table: TableShape): Promise<void> {
  for (const column of table.identity) {
    await sql`SELECT setval(pg_get_serial_sequence(${table.name}, ${column}),
      coalesce((SELECT max(${sql.ref(column)}) FROM ${sql.table(table.name)}), 0) + 1, false)`.execute(trx);
  }
}

/** Triggers (the audit log) and foreign-key checks off for this transaction: rows go in as they were. */
export async function loadAsReplica(trx: Transaction<DB>): Promise<void> {
  await sql`SET LOCAL session_replication_role = replica`.execute(trx);
}

/** The database's own identity, created when an application first opens it: not data. */
const BOOKKEEPING_TABLES = new Set(['database_identity']);

/** The tables that hold rows of data. */
export async function nonEmptyTables(db: Kysely<DB>, tables: readonly TableShape[]): Promise<string[]> {
  const found: string[] = [];
  for (const table of tables) {
    if (BOOKKEEPING_TABLES.has(table.name)) continue;
    const { rows } = await sql<{
      any: boolean;
    }>`SELECT EXISTS (SELECT 1 FROM ${sql.table(table.name)}) AS any`.execute(db);
    if (rows[0]?.any) found.push(table.name);
  }
  return found;
}

/** Everything of the application, gone: the schema the migrations create is created again by them. */
export async function dropApplicationSchema(db: Kysely<DB>): Promise<void> {
  await sql`DROP SCHEMA public CASCADE`.execute(db);
  await sql`CREATE SCHEMA public`.execute(db);
}
