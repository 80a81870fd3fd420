// The audit log, read back: the changes of one row of an audited table, oldest first.
import { sql } from 'kysely';
import type { Executor } from './db/database.ts';

export function auditOfRow(db: Executor, table: string, key: Record<string, unknown>, limit: number) {
  return db
    .selectFrom('audit_log')
    .selectAll()
    .where('table_name', '=', table)
    .where(sql<boolean>`row_key @> ${JSON.stringify(key)}::jsonb`)
    .orderBy('id')
    .limit(limit)
    .execute();
}
