import { type App, openApp } from '../../src/app.ts';
import { CANONICAL_FIELDS } from '../../src/domain/vendor-config.ts';
import type { IngestContext } from '../../src/services/ingest/ingest-file.ts';
import type { TestEnv } from './test-env.ts';

export function openTestApp(env: TestEnv, options: { maxConnections?: number } = {}): Promise<App> {
  return openApp({ env: env.env, ...options });
}

/** The header of the built-in canonical CSV. */
export const CANONICAL_HEADER = CANONICAL_FIELDS.join(',');

/** What `ingestFile` needs, from a test's app; tests override the actor or the notifier. */
export function ingestContext(app: App, overrides: Partial<IngestContext> = {}): IngestContext {
  return {
    database: app.database,
    vendors: app.vendors,
    notifier: app.notifier,
    actor: 'test:ingest',
    maxFileBytes: app.config.maxFileBytes,
    ...overrides,
  };
}

/** How many periods of one account the database holds. */
export async function periodsOf(app: App, account: string): Promise<number> {
  const row = await app.database.db
    .selectFrom('performance_periods')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('account_id', '=', account)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
