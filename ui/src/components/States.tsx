// What a page shows while it waits, when there is nothing, and when a call failed: each says
// what to do next. A 401 has already ended the session (api/http.ts), so the router shows the
// sign-in page; a 429 says when to try again.
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { ApiFailure } from '../api/http.ts';

export function Loading({ what }: { what: string }) {
  return (
    <p className="state" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="state empty">{children}</p>;
}

function nextStep(error: unknown): ReactNode {
  if (!(error instanceof ApiFailure))
    return 'Check that the perfrecon API is running and reachable, then reload.';
  if (error.status === 401) return <Link to="/sign-in">Sign in again with a valid token.</Link>;
  if (error.status === 403) return 'Your token’s role may not do this; ask an admin for one that may.';
  if (error.status === 429)
    return `Too many requests: try again in ${error.retryAfterSeconds ?? 60} seconds.`;
  if (error.status >= 500) return 'The server failed; try again, and quote the request id if it persists.';
  return error.hint ?? 'Change the request and try again.';
}

export function ErrorState({ error, retry }: { error: unknown; retry?: () => void }) {
  return (
    <div className="state error" role="alert">
      <p>{error instanceof Error ? error.message : String(error)}</p>
      <p>{nextStep(error)}</p>
      {retry === undefined ? null : (
        <button type="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** The usual three-way switch of a query: loading, failed, or its data. */
export function QueryView<T>({
  query,
  what,
  children,
}: {
  query: { isPending: boolean; error: unknown; data: T | undefined; refetch: () => unknown };
  what: string;
  children: (data: T) => ReactNode;
}) {
  if (query.error) return <ErrorState error={query.error} retry={() => void query.refetch()} />;
  if (query.isPending || query.data === undefined) return <Loading what={what} />;
  return <>{children(query.data)}</>;
}
