// What `perfrecon token … --json` prints and the API returns for API tokens. The secret is in
// the creation's output only: it is stored as a SHA-256 and cannot be shown again.
import { type Static, Type } from 'typebox';
import { ROLES } from '../domain/api-access.ts';
import { Nullable, StringEnum, Timestamp } from './common.ts';

export const Role = StringEnum(ROLES, {
  description:
    'viewer (read), operator (upload, reconcile, act on breaks, replay), admin (tokens, tolerances)',
});

export const TokenItem = Type.Object({
  id: Type.Integer(),
  name: Type.String({ description: 'who holds it; the audit log records `api:<name>`' }),
  role: Role,
  createdBy: Type.String(),
  createdAt: Timestamp,
  revokedBy: Nullable(Type.String()),
  revokedAt: Nullable(Timestamp),
});
export type TokenItem = Static<typeof TokenItem>;

export const CreatedToken = Type.Object({
  token: TokenItem,
  secret: Type.String({ description: 'the bearer token; shown this once, store it now' }),
});
export type CreatedToken = Static<typeof CreatedToken>;

export const TokenHolder = Type.Object({
  name: Type.String({ description: 'the name of the token presented' }),
  role: Role,
});
export type TokenHolder = Static<typeof TokenHolder>;
