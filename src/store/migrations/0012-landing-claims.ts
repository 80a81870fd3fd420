// Append-only: never edit a migration that has shipped; add a new file instead.
// Watchers sharing an object-store landing claim an inbox object before taking it: two watchers
// that list the same object pick the same landing name, and on a store that ignores
// If-None-Match their copies to that key would overwrite each other (s3rver's overwrite even
// deletes the key first, and loses it when the source is deleted meanwhile). A claim is a row
// per landing name, held while the object is moved and deleted after; one left by a process that
// died is taken over once old.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE landing_claims (
      landing_name text PRIMARY KEY,
      claimed_by text NOT NULL,
      claimed_at timestamptz NOT NULL DEFAULT clock_timestamp()
    );
  `.execute(db);
}
