// Many breaks in one statement, for tests and benchmarks that need a large break list without
// ingesting files: one completed run, and `count` RETURN breaks of `vendor`, one per account
// (ACC-00001 …), opened `daysOpen` days before now.
import { sql } from 'kysely';
import type { Executor } from '../../src/store/db/database.ts';

export async function seedBreaks(
  db: Executor,
  options: { count: number; vendor: string; daysOpen: number; status?: string },
): Promise<void> {
  const run = await sql<{ id: number }>`
    INSERT INTO reconciliation_runs (trigger, actor, inputs, status, summary, finished_at)
    VALUES ('manual', 'test', '{}', 'COMPLETED', '{}', now())
    RETURNING id`.execute(db);
  const runId = run.rows[0]?.id;
  await sql`
    INSERT INTO reconciliation_breaks
      (account_id, check_kind, vendor_code, period_start, period_end, status, opened_at,
       opened_run_id, last_seen_run_id, expected, observed, variance_bps, tolerance, message,
       cause, inputs, fingerprint)
    SELECT 'ACC-' || lpad(n::text, 5, '0'), 'RETURN', ${options.vendor}, DATE '2025-01-01',
           DATE '2025-01-02', ${options.status ?? 'OPEN'},
           now() - make_interval(days => ${options.daysOpen}::int) - interval '1 hour',
           ${runId}, ${runId}, 0.0100, 0.0102, 2, '{"returnBps": 1}', 'return differs by 2 bp',
           NULL, '{}', 'seed-' || n
    FROM generate_series(1, ${options.count}::int) AS n`.execute(db);
}
