// The tables of the application as a logical backup sees them: found in the catalog (so a new
// table is backed up without a change here), read in the order their rows are stored (a sequential
// scan, as pg_dump reads) as JSON text (numbers keep every digit: the text is never parsed in
// JavaScript), and loaded back with the database's own JSON-to-record conversion, secondary
// indexes built once after the rows are in.
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
  /** Identity columns, whose sequences a restore moves past the restored values. */
  identity: string[];
}

/** The application's tables in the public schema, each after every table it references. */
export async function applicationTables(db: Kysely<DB> | Transaction<DB>): Promise<TableShape[]> {
  const { rows } = await sql<{ name: string; identity: string[]; refs: string[] }>`
    SELECT c.relname AS name,
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
      ordered.push({ name: table.name, identity: table.identity });
    }
  }
  return ordered;
}

/** Rows of a table as JSON text (never a raw newline inside), one a line, each ending with one. */
export interface RowPage {
  text: string;
  rows: number;
}

/**
 * Rows of a table as JSON text, in the order they are stored, `blocks` heap pages at a time
 * (TID ranges: one sequential pass over the table, in bounded memory; a partitioned table
 * partition by partition). The next page is read while the caller handles this one. Runs inside
 * the caller's snapshot, which is taken before the sizes are read: every row it sees lies within
 * them (the last range is open, all the same).
 */
export async function* tablePages(
  trx: Transaction<DB>,
  table: TableShape,
  blocks: number,
): AsyncGenerator<RowPage> {
  const { rows: leaves } = await sql<{ name: string; blocks: number }>`
    SELECT c.relname AS name, (pg_relation_size(c.oid) / current_setting('block_size')::int)::int AS blocks
    FROM pg_class c
    WHERE c.oid IN (SELECT relid FROM pg_partition_tree(${table.name}::regclass) WHERE isleaf)
      OR (c.oid = ${table.name}::regclass AND c.relkind = 'r')
    ORDER BY c.relname`.execute(trx);
  const ranges = leaves.flatMap((leaf) =>
    Array.from({ length: Math.ceil(leaf.blocks / blocks) }, (_, i) => ({
      leaf: leaf.name,
      from: i * blocks,
      to: (i + 1) * blocks < leaf.blocks ? (i + 1) * blocks : undefined,
    })),
  );
  const read = async (range: (typeof ranges)[number]): Promise<RowPage> => {
    const upper = range.to === undefined ? sql`` : sql`AND t.ctid < ${`(${range.to},0)`}::tid`;
    // OFFSET 0: each row's text is made once, not again for the aggregate.
    const { rows } = await sql<{ text: string | null; rows: string }>`
      SELECT string_agg(line, E'\n') AS text, count(*) AS rows
      FROM (SELECT row_to_json(t)::text AS line FROM ${sql.table(range.leaf)} t
        WHERE t.ctid >= ${`(${range.from},0)`}::tid ${upper} OFFSET 0) r`.execute(trx);
    const page = rows[0];
    return { text: page?.text == null ? '' : `${page.text}\n`, rows: Number(page?.rows ?? 0) };
  };
  let next = ranges[0] === undefined ? undefined : read(ranges[0]);
  try {
    for (let i = 1; next !== undefined; i += 1) {
      const page: RowPage = await next;
      const range = ranges[i];
      next = range === undefined ? undefined : read(range);
      if (page.rows > 0) yield page;
    }
  } finally {
    // A caller that stopped early: the read in flight ends (or fails with the transaction) first.
    await next?.catch(() => {});
  }
}

/**
 * Load rows (JSON text as `tablePages` wrote them) into a table; identities keep their values.
 * Returns how many of the stored rows do not read back as the very line they were loaded from
 * (0 when the database holds what the file held).
 */
export async function insertRows(
  trx: Transaction<DB>,
  table: TableShape,
  rows: readonly string[],
): Promise<number> {
  const overriding = table.identity.length > 0 ? sql`OVERRIDING SYSTEM VALUE` : sql``;
  const { rows: result } = await sql<{ differing: string }>`
    WITH line AS MATERIALIZED (SELECT value FROM json_array_elements(${`[${rows.join(',')}]`}::json)),
    stored AS (
      INSERT INTO ${sql.table(table.name)} AS t ${overriding}
      SELECT r.* FROM line, json_populate_record(NULL::${sql.table(table.name)}, line.value) r
      RETURNING row_to_json(t)::text AS row)
    SELECT count(*) AS differing FROM stored WHERE stored.row NOT IN (SELECT value::text FROM line)`.execute(
    trx,
  );
  return Number(result[0]?.differing ?? 0);
}

/** An index that is not a constraint's, to be built once after a load rather than row by row. */
export interface SecondaryIndex {
  name: string;
  definition: string;
}

/**
 * Drop the secondary indexes of the given tables (the primary keys and unique constraints stay:
 * they hold the rows' identity), returning what rebuilds them. In the caller's transaction: if the
 * load fails, the rollback brings them back.
 */
export async function dropSecondaryIndexes(
  trx: Transaction<DB>,
  tables: readonly TableShape[],
): Promise<SecondaryIndex[]> {
  const { rows } = await sql<{ name: string; definition: string; partitioned: boolean }>`
    SELECT i.relname AS name, pg_get_indexdef(x.indexrelid) AS definition, c.relkind = 'p' AS partitioned
    FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relname = ANY(${tables.map((t) => t.name)}::text[])
      AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)
    ORDER BY i.relname`.execute(trx);
  for (const index of rows) await sql`DROP INDEX ${sql.id(index.name)}`.execute(trx);
  // A partitioned table's index is listed ON ONLY the parent: built again on every partition.
  return rows.map((index) => ({
    name: index.name,
    definition: index.partitioned ? index.definition.replace(' ON ONLY ', ' ON ') : index.definition,
  }));
}

/** Build the indexes `dropSecondaryIndexes` dropped, now that the rows are in. */
export async function createSecondaryIndexes(
  trx: Transaction<DB>,
  indexes: readonly SecondaryIndex[],
): Promise<void> {
  for (const index of indexes) await sql.raw(index.definition).execute(trx);
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
