// API tokens, by the SHA-256 of the token (the token itself is never stored).
import { sql } from 'kysely';
import type { Role } from '../domain/api-access.ts';
import type { Executor } from './db/database.ts';

export function insertToken(
  db: Executor,
  token: { name: string; role: Role; sha256: string; createdBy: string },
) {
  return db
    .insertInto('api_tokens')
    .values({ name: token.name, role: token.role, token_sha256: token.sha256, created_by: token.createdBy })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function listTokens(db: Executor) {
  return db.selectFrom('api_tokens').selectAll().orderBy('id').execute();
}

export type TokenRow = Awaited<ReturnType<typeof listTokens>>[number];

export function findLiveTokenByHash(db: Executor, sha256: string) {
  return db
    .selectFrom('api_tokens')
    .select(['id', 'name', 'role'])
    .where('token_sha256', '=', sha256)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}

export function findLiveTokenByName(db: Executor, name: string) {
  return db
    .selectFrom('api_tokens')
    .select('id')
    .where('name', '=', name)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}

export function findToken(db: Executor, id: number) {
  return db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Revoke a live token; undefined when it is not live (unknown or revoked already). */
export function revokeLiveToken(db: Executor, id: number, actor: string) {
  return db
    .updateTable('api_tokens')
    .set({ revoked_by: actor, revoked_at: sql`clock_timestamp()` })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}
