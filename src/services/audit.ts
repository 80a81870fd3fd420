// The audit log of an entity: who changed it, when, from what to what. The triggers record
// every change of the audited tables with the actor of the transaction (cli:, api:, worker:).

import type { AuditEntry } from '../contracts/audit.ts';
import { timestamp } from '../contracts/common.ts';
import { InvalidInputError } from '../domain/errors.ts';
import { auditOfRow } from '../store/audit-repository.ts';
import type { Database } from '../store/db/database.ts';

/** Entities with an audit trail, by the table their trigger writes and the key column of the id. */
const AUDITED = {
  alarms: { table: 'alarms', key: 'id', numeric: true },
  breaks: { table: 'reconciliation_breaks', key: 'id', numeric: true },
  'dead-letters': { table: 'dead_letters', key: 'id', numeric: true },
  tokens: { table: 'api_tokens', key: 'id', numeric: true },
  vendors: { table: 'vendors', key: 'code', numeric: false },
} as const;

export type AuditedEntity = keyof typeof AUDITED;
export const AUDITED_ENTITIES = Object.keys(AUDITED) as AuditedEntity[];

export async function auditLog(
  deps: { database: Pick<Database, 'db'> },
  entity: AuditedEntity,
  id: string,
  limit = 1000,
): Promise<AuditEntry[]> {
  const audited = AUDITED[entity];
  if (audited.numeric && !/^[1-9]\d{0,15}$/.test(id))
    throw new InvalidInputError(`the id of ${entity} is a whole number, got "${id}"`);
  const key = { [audited.key]: audited.numeric ? Number(id) : id };
  return (await auditOfRow(deps.database.db, audited.table, key, limit)).map((row) => ({
    id: row.id,
    at: timestamp(row.at),
    action: row.action,
    actor: row.actor,
    key: row.row_key,
    oldValues: row.old_values,
    newValues: row.new_values,
  }));
}
