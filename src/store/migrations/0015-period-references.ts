// Append-only: never edit a migration that has shipped; add a new file instead.
// The references of performance_periods to accounts, vendors and files are checked once per
// statement instead of once per row. A foreign key checks every inserted or updated period on
// its own (an index probe and a row lock on the referenced row per period): for a file of
// 200,000 periods that is 600,000 probes and locks on the same few hundred accounts, one vendor
// and one file, two thirds of the merge's time (BENCHMARKS.md, issue 12). The database still
// enforces the references, with the same guarantees:
//  - after each INSERT or UPDATE statement on performance_periods, its new rows' distinct
//    accounts, vendors and files are locked FOR KEY SHARE, as a foreign key locks them (a
//    concurrent delete of one of them waits for this transaction, then finds the periods), and
//    any that is not there fails the statement with SQLSTATE 23503 (foreign_key_violation),
//    naming the key;
//  - after each DELETE or UPDATE statement on accounts, vendors or files, a key that went away
//    while a period still refers to it fails the statement the same way (RESTRICT); TRUNCATE of
//    them fails while any period is stored.
// A period whose reference went missing between the lock and the check (a delete committed in
// between) is refused by the check, which runs after the lock with a new snapshot (READ
// COMMITTED, the application's isolation level). period_flows keeps its foreign key to
// performance_periods: one row per dated flow (~6 % of periods in the samples), and its
// ON DELETE CASCADE. docs/architecture.md, "Integrity of the stored periods".
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE performance_periods
      DROP CONSTRAINT performance_periods_account_id_fkey,
      DROP CONSTRAINT performance_periods_vendor_code_fkey,
      DROP CONSTRAINT performance_periods_file_id_fkey;

    CREATE FUNCTION performance_periods_check_references() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      account_keys text[];
      vendor_keys text[];
      file_keys bigint[];
      referenced text;
      key_column text;
      missing text;
      periods bigint;
    BEGIN
      -- One pass over the statement's rows: the distinct references (a few hundred for a file).
      SELECT array_agg(account_id), array_agg(vendor_code), array_agg(file_id)
        INTO account_keys, vendor_keys, file_keys
        FROM (SELECT DISTINCT account_id, vendor_code, file_id FROM new_periods) k;
      PERFORM 1 FROM accounts WHERE account_id = ANY (account_keys) FOR KEY SHARE;
      PERFORM 1 FROM vendors WHERE code = ANY (vendor_keys) FOR KEY SHARE;
      PERFORM 1 FROM files WHERE id = ANY (file_keys) FOR KEY SHARE;
      SELECT m.referenced, m.key_column, m.key INTO referenced, key_column, missing FROM (
        SELECT 'accounts' AS referenced, 'account_id' AS key_column, k AS key FROM unnest(account_keys) k
        WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.account_id = k)
        UNION ALL
        SELECT 'vendors', 'code', k FROM unnest(vendor_keys) k
        WHERE NOT EXISTS (SELECT 1 FROM vendors v WHERE v.code = k)
        UNION ALL
        SELECT 'files', 'id', k::text FROM unnest(file_keys) k
        WHERE NOT EXISTS (SELECT 1 FROM files f WHERE f.id = k)
      ) m LIMIT 1;
      IF missing IS NOT NULL THEN
        EXECUTE format('SELECT count(*) FROM new_periods WHERE %I::text = $1',
            CASE referenced WHEN 'accounts' THEN 'account_id' WHEN 'vendors' THEN 'vendor_code' ELSE 'file_id' END)
          INTO periods USING missing;
        RAISE EXCEPTION 'performance_periods: % period(s) refer to %.% = %, which is not there',
            periods, referenced, key_column, missing
          USING ERRCODE = 'foreign_key_violation', TABLE = 'performance_periods',
            HINT = format('Store the row of %s first (an ingest upserts its accounts; the vendor and the file are recorded before its merge).', referenced);
      END IF;
      RETURN NULL;
    END $$;
    CREATE TRIGGER performance_periods_references_insert AFTER INSERT ON performance_periods
      REFERENCING NEW TABLE AS new_periods
      FOR EACH STATEMENT EXECUTE FUNCTION performance_periods_check_references();
    CREATE TRIGGER performance_periods_references_update AFTER UPDATE ON performance_periods
      REFERENCING NEW TABLE AS new_periods
      FOR EACH STATEMENT EXECUTE FUNCTION performance_periods_check_references();

    -- RESTRICT on the referenced side. TG_ARGV: the referenced table's key column, the column of
    -- performance_periods that refers to it (as text, so one function serves all three tables).
    CREATE FUNCTION restrict_referenced_by_periods() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      gone text;
      periods bigint;
    BEGIN
      IF TG_OP = 'TRUNCATE' THEN
        IF EXISTS (SELECT 1 FROM performance_periods) THEN
          RAISE EXCEPTION 'cannot truncate %: stored periods refer to it', TG_TABLE_NAME
            USING ERRCODE = 'foreign_key_violation', TABLE = TG_TABLE_NAME,
              HINT = 'Delete the periods first (or truncate performance_periods in the same statement).';
        END IF;
        RETURN NULL;
      END IF;
      IF TG_OP = 'DELETE' THEN
        EXECUTE format(
          'SELECT o.%1$I::text, (SELECT count(*) FROM performance_periods p WHERE p.%2$I = o.%1$I)
           FROM old_keys o WHERE EXISTS (SELECT 1 FROM performance_periods p WHERE p.%2$I = o.%1$I) LIMIT 1',
          TG_ARGV[0], TG_ARGV[1]) INTO gone, periods;
      ELSE
        EXECUTE format(
          'SELECT o.%1$I::text, (SELECT count(*) FROM performance_periods p WHERE p.%2$I = o.%1$I)
           FROM old_keys o
           WHERE NOT EXISTS (SELECT 1 FROM new_keys n WHERE n.%1$I = o.%1$I)
             AND EXISTS (SELECT 1 FROM performance_periods p WHERE p.%2$I = o.%1$I) LIMIT 1',
          TG_ARGV[0], TG_ARGV[1]) INTO gone, periods;
      END IF;
      IF gone IS NOT NULL THEN
        RAISE EXCEPTION '%: cannot % % = %: % stored period(s) refer to it',
            TG_TABLE_NAME, lower(TG_OP), TG_ARGV[0], gone, periods
          USING ERRCODE = 'foreign_key_violation', TABLE = TG_TABLE_NAME,
            HINT = 'Delete (or move) those periods first.';
      END IF;
      RETURN NULL;
    END $$;
  `.execute(db);
  // The same three guards on each referenced table: its key column, and the column of
  // performance_periods that refers to it.
  for (const [table, key, column] of [
    ['accounts', 'account_id', 'account_id'],
    ['vendors', 'code', 'vendor_code'],
    ['files', 'id', 'file_id'],
  ] as const) {
    await sql
      .raw(`
      CREATE TRIGGER ${table}_restrict_delete AFTER DELETE ON ${table} REFERENCING OLD TABLE AS old_keys
        FOR EACH STATEMENT EXECUTE FUNCTION restrict_referenced_by_periods('${key}', '${column}');
      CREATE TRIGGER ${table}_restrict_update AFTER UPDATE ON ${table}
        REFERENCING OLD TABLE AS old_keys NEW TABLE AS new_keys
        FOR EACH STATEMENT EXECUTE FUNCTION restrict_referenced_by_periods('${key}', '${column}');
      CREATE TRIGGER ${table}_restrict_truncate BEFORE TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION restrict_referenced_by_periods();
    `)
      .execute(db);
  }
}
