// Who may do what through the API. Roles are ordered: each one may do what the ones below it may.
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** What a route needs: nothing (health, docs) or at least a role. */
export type Access = 'public' | Role;

export function roleAllows(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

/** The caller behind a valid token; `actor` is what the audit log and the four-eyes check record. */
export interface Caller {
  tokenId: number;
  name: string;
  role: Role;
  actor: string;
}

export function apiActor(tokenName: string): string {
  return `api:${tokenName}`;
}
