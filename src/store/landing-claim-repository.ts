// Claims on inbox objects of an object-store landing (migration 0012): one process at a time
// takes an object into processing/.
import { sql } from 'kysely';
import type { Executor } from './db/database.ts';

/**
 * Claim `landingName` for `by`; true when this call holds the claim. A claim older than
 * `staleAfterSeconds` (its process died mid-move) is taken over.
 */
export async function claimLanding(
  db: Executor,
  landingName: string,
  by: string,
  staleAfterSeconds: number,
): Promise<boolean> {
  const { rows } = await sql<{ landing_name: string }>`
    INSERT INTO landing_claims (landing_name, claimed_by) VALUES (${landingName}, ${by})
    ON CONFLICT (landing_name) DO UPDATE SET claimed_by = EXCLUDED.claimed_by, claimed_at = clock_timestamp()
      WHERE landing_claims.claimed_at < clock_timestamp() - make_interval(secs => ${staleAfterSeconds})
    RETURNING landing_name`.execute(db);
  return rows.length === 1;
}

/** Give the claim up (only `by`'s own). */
export async function releaseLanding(db: Executor, landingName: string, by: string): Promise<void> {
  await sql`DELETE FROM landing_claims WHERE landing_name = ${landingName} AND claimed_by = ${by}`.execute(
    db,
  );
}
