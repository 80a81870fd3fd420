// One way to call the API: the session's bearer token on every request, errors as ApiFailure
// carrying the API's own message and hint, and a 401 ending the session (the token expired or
// was revoked, so the sign-in page is the next step).
import type { ApiError } from '../../../src/contracts/api.ts';
import { currentSession, signOut } from './session.ts';

export class ApiFailure extends Error {
  readonly status: number;
  readonly hint: string | undefined;
  /** Seconds to wait before trying again (429), from the Retry-After header. */
  readonly retryAfterSeconds: number | undefined;

  constructor(status: number, message: string, hint?: string, retryAfterSeconds?: number) {
    super(message);
    this.status = status;
    this.hint = hint;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export type Query = Record<string, string | number | boolean | readonly string[] | undefined>;

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === '') continue;
    for (const one of Array.isArray(value) ? value : [value]) params.append(name, String(one));
  }
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}

export function authHeaders(token = currentSession()?.token): Record<string, string> {
  return token === undefined ? {} : { authorization: `Bearer ${token}` };
}

export async function failureOf(response: Response): Promise<ApiFailure> {
  const body = (await response.json().catch(() => null)) as Partial<ApiError> | null;
  const retryAfter = Number(response.headers.get('retry-after'));
  return new ApiFailure(
    response.status,
    body?.message ?? `${response.status} ${response.statusText}`,
    body?.hint,
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
  );
}

export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown; token?: string; signal?: AbortSignal } = {},
): Promise<T> {
  const headers: Record<string, string> = authHeaders(init.token);
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: init.signal,
  });
  if (!response.ok) {
    const failure = await failureOf(response);
    if (failure.status === 401 && init.token === undefined) signOut();
    throw failure;
  }
  return (response.status === 204 ? null : await response.json()) as T;
}
