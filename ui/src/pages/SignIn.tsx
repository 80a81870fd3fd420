// Sign in with an API token: the API says whose it is and which role it has; the token is kept
// for this browser session only (api/session.ts).
import { type FormEvent, useState } from 'react';
import { useLocation, useNavigate } from 'react-router';
import type { Role } from '../../../src/domain/api-access.ts';
import { api } from '../api/http.ts';
import { signIn } from '../api/session.ts';
import { ErrorState } from '../components/States.tsx';

export function SignIn() {
  const [token, setToken] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const navigate = useNavigate();
  const from = (useLocation().state as { from?: string } | null)?.from ?? '/';

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const me = await api<{ name: string; role: Role }>('/api/v1/me', { token: token.trim() });
      signIn({ token: token.trim(), ...me });
      navigate(from, { replace: true });
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" className="sign-in">
      <h1>Sign in to perfrecon</h1>
      <form onSubmit={submit}>
        <label htmlFor="token">API token</label>
        <input
          id="token"
          type="password"
          autoComplete="off"
          required
          value={token}
          onChange={(event) => setToken(event.target.value)}
          aria-describedby="token-help"
        />
        <p id="token-help" className="help">
          An admin creates one with{' '}
          <code>perfrecon token create --name YOU --role viewer|operator|admin</code>. It is kept in this
          browser tab only and forgotten when you close it.
        </p>
        <button type="submit" disabled={busy || token.trim() === ''}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      {error === null ? null : <ErrorState error={error} />}
    </main>
  );
}
