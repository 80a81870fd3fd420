// Claims on the inbox objects of an object-store landing, held in the database every process
// shares: one watcher at a time takes an object (see store/migrations/0012-landing-claims.ts).
import type { Database } from '../store/db/database.ts';
import { claimLanding, releaseLanding } from '../store/landing-claim-repository.ts';

/** A claim left by a process that died mid-move is taken over after this long. */
const STALE_AFTER_SECONDS = 15 * 60;

export function landingClaims(deps: { database: Pick<Database, 'db'> }, by: string) {
  return {
    claim: (landingName: string) => claimLanding(deps.database.db, landingName, by, STALE_AFTER_SECONDS),
    release: (landingName: string) => releaseLanding(deps.database.db, landingName, by),
  };
}
