// The signed-in token lives in sessionStorage: it is gone when the browser tab closes, and never
// written anywhere that outlives the session. Components read it through useSession(), which
// re-renders them when someone signs in or out (in this tab).
import { useSyncExternalStore } from 'react';
import type { Role } from '../../../src/domain/api-access.ts';

export interface Session {
  token: string;
  name: string;
  role: Role;
}

const KEY = 'perfrecon.session';
const listeners = new Set<() => void>();
let cached: { raw: string | null; session: Session | null } = { raw: null, session: null };

export function currentSession(): Session | null {
  const raw = sessionStorage.getItem(KEY);
  if (raw !== cached.raw) cached = { raw, session: raw === null ? null : (JSON.parse(raw) as Session) };
  return cached.session;
}

export function signIn(session: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
  for (const listener of listeners) listener();
}

export function signOut(): void {
  sessionStorage.removeItem(KEY);
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useSession(): Session | null {
  return useSyncExternalStore(subscribe, currentSession);
}

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** Whether the signed-in role may do what needs `needed`; the API checks again on every call. */
export function useCan(needed: Role): boolean {
  const session = useSession();
  return session !== null && RANK[session.role] >= RANK[needed];
}
