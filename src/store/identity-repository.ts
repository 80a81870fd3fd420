// The database's own identity: a random id created the first time the application opens it.
// Whatever the database is shared with (one Redis for several databases) is namespaced by it.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Executor } from './db/database.ts';

/** This database's id (created now if it has none); undefined while its schema predates it. */
export async function databaseIdentity(db: Executor): Promise<string | undefined> {
  const { rows } = await sql<{ ready: boolean }>`
    SELECT to_regclass('database_identity') IS NOT NULL AS ready`.execute(db);
  if (rows[0]?.ready !== true) return undefined;
  await db
    .insertInto('database_identity')
    .values({ id: randomUUID() })
    .onConflict((oc) => oc.column('singleton').doNothing())
    .execute();
  const row = await db.selectFrom('database_identity').select('id').executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Give the database a new identity, recording the one it had (a restore: the copy must not share
 * its source's Redis namespace while both run). One audit row names both. Undefined while the
 * schema predates identities (the first open creates one).
 */
export async function renewIdentity(
  db: Executor,
  reason: Record<string, unknown>,
): Promise<{ previous: string | undefined; current: string } | undefined> {
  const { rows: ready } = await sql<{ ready: boolean }>`
    SELECT to_regclass('database_identity') IS NOT NULL AS ready`.execute(db);
  if (ready[0]?.ready !== true) return undefined;
  const { rows } = await sql<{ previous: string | null; current: string }>`
    WITH old AS (SELECT id FROM database_identity)
    INSERT INTO database_identity (id) VALUES (${randomUUID()})
    ON CONFLICT (singleton) DO UPDATE SET id = EXCLUDED.id, created_at = now()
    RETURNING (SELECT id FROM old) AS previous, id AS current`.execute(db);
  const renewed = rows[0];
  if (renewed === undefined) throw new Error('the database identity was not renewed');
  await sql`INSERT INTO audit_log (table_name, row_key, action, old_values, new_values, actor)
    VALUES ('database_identity', '{}', 'RENEW', ${JSON.stringify({ id: renewed.previous })}::jsonb,
      ${JSON.stringify({ id: renewed.current, ...reason })}::jsonb,
      coalesce(nullif(current_setting('perfrecon.actor', true), ''), session_user::text))`.execute(db);
  return { previous: renewed.previous ?? undefined, current: renewed.current };
}
