// API tokens: created with a role and shown once, listed, revoked; and the caller a presented
// token stands for. A token is 256 random bits; only its SHA-256 is stored, which is enough for
// a secret that cannot be guessed (no slow KDF needed, unlike a password).
import { hash, randomBytes } from 'node:crypto';
import { type Cache, cached, decodedHit, TTL } from '../cache/index.ts';
import { optionalTimestamp, timestamp } from '../contracts/common.ts';
import type { CreatedToken, TokenItem } from '../contracts/tokens.ts';
import { apiActor, type Caller, ROLES, type Role } from '../domain/api-access.ts';
import { ConflictError, InvalidInputError, NotFoundError } from '../domain/errors.ts';
import type { Database } from '../store/db/database.ts';
import {
  findLiveTokenByHash,
  findLiveTokenByName,
  findToken,
  insertToken,
  listTokens as listTokenRows,
  revokeLiveToken,
  type TokenRow,
} from '../store/token-repository.ts';
import { setAuditActor } from '../store/vendor-repository.ts';

export interface TokenDeps {
  database: Pick<Database, 'db'>;
  cache: Cache;
}

const TOKEN_PREFIX = 'prt_';
const NAME = /^[A-Za-z0-9._@-]{1,64}$/;
/** Bumped on every revocation, so no process keeps accepting a revoked token from its cache. */
const TOKENS_TAG = 'api:tokens';
/**
 * A verified token is trusted from the process's memory for at most this long: every request
 * needs its caller, and a round trip to Redis for it would cost more than the rest of a cached
 * answer. A revocation drops the copies at once in the process that makes it and, through Redis
 * pub/sub, in every other (API processes, whoever revoked: the CLI too); this is the bound should
 * that message be lost without the subscription noticing.
 */
export const TOKEN_REVOCATION_BOUND_SECONDS = 5;

function sha256(secret: string): string {
  return hash('sha256', secret, 'hex');
}

function tokenItem(row: TokenRow): TokenItem {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    createdBy: row.created_by,
    createdAt: timestamp(row.created_at),
    revokedBy: row.revoked_by,
    revokedAt: optionalTimestamp(row.revoked_at),
  };
}

export async function createToken(
  deps: TokenDeps,
  request: { name: string; role: string },
  actor: string,
): Promise<CreatedToken> {
  if (!NAME.test(request.name)) {
    throw new InvalidInputError(
      `token name "${request.name}" is not allowed`,
      'Use 1 to 64 letters, digits, ".", "_", "@" or "-" (e.g. the person or system that holds it).',
    );
  }
  if (!ROLES.includes(request.role as Role)) {
    throw new InvalidInputError(`role "${request.role}" is not one of ${ROLES.join(', ')}`);
  }
  const secret = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const row = await deps.database.db.transaction().execute(async (trx) => {
    await setAuditActor(trx, actor);
    if ((await findLiveTokenByName(trx, request.name)) !== undefined) {
      throw new ConflictError(
        `a live token named "${request.name}" exists already`,
        'Revoke it first (perfrecon token list, then token revoke ID), or choose another name.',
      );
    }
    return insertToken(trx, {
      name: request.name,
      role: request.role as Role,
      sha256: sha256(secret),
      createdBy: actor,
    });
  });
  return { token: tokenItem(row), secret };
}

export async function listTokens(deps: Pick<TokenDeps, 'database'>): Promise<TokenItem[]> {
  return (await listTokenRows(deps.database.db)).map(tokenItem);
}

export async function revokeToken(deps: TokenDeps, id: number, actor: string): Promise<TokenItem> {
  const row = await deps.database.db.transaction().execute(async (trx) => {
    await setAuditActor(trx, actor);
    const revoked = await revokeLiveToken(trx, id, actor);
    if (revoked !== undefined) return revoked;
    const existing = await findToken(trx, id);
    if (existing === undefined)
      throw new NotFoundError(`there is no token #${id}`, 'List them with: perfrecon token list');
    throw new ConflictError(`token #${id} (${existing.name}) is revoked already`);
  });
  await deps.cache.invalidate([TOKENS_TAG]);
  return tokenItem(row);
}

const TOKEN_CACHE = {
  ttlSeconds: TTL.user,
  tags: [TOKENS_TAG],
  local: { seconds: TOKEN_REVOCATION_BOUND_SECONDS },
};

/**
 * The caller a presented token stands for when this process can tell at once, from its memory
 * (see Cache.peek): a request then waits for nothing. Undefined when authenticateToken must ask.
 */
export function knownCaller(deps: Pick<TokenDeps, 'cache'>, secret: string): Caller | null | undefined {
  if (!secret.startsWith(TOKEN_PREFIX)) return null;
  const found = deps.cache.peek(`token:${sha256(secret)}`, TOKEN_CACHE.tags, TOKEN_CACHE.local);
  return found === undefined ? undefined : decodedHit<Caller | null>(found)?.value;
}

/** The caller a presented token stands for, or null when it is unknown or revoked. */
export async function authenticateToken(deps: TokenDeps, secret: string): Promise<Caller | null> {
  if (!secret.startsWith(TOKEN_PREFIX)) return null;
  const hash = sha256(secret);
  return cached(deps.cache, `token:${hash}`, TOKEN_CACHE, async () => {
    const row = await findLiveTokenByHash(deps.database.db, hash);
    return row === undefined
      ? null
      : { tokenId: row.id, name: row.name, role: row.role, actor: apiActor(row.name) };
  });
}
