// What the API returns for the audit log of an entity: every change with who made it.
import { type Static, Type } from 'typebox';
import { Nullable, Timestamp } from './common.ts';

export const AuditEntry = Type.Object({
  id: Type.Integer(),
  at: Timestamp,
  action: Type.String({ description: 'INSERT, UPDATE or DELETE' }),
  actor: Type.String({ description: 'cli:<os user>, api:<token name>, worker:<host:pid>…' }),
  key: Type.Record(Type.String(), Type.Unknown(), { description: 'the key of the changed row' }),
  oldValues: Nullable(Type.Record(Type.String(), Type.Unknown())),
  newValues: Nullable(Type.Record(Type.String(), Type.Unknown())),
});
export type AuditEntry = Static<typeof AuditEntry>;
