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
