// What the UI's component tests share: the providers the app wraps pages in, a signed-in
// session, and a fetch that answers from the test's own function and records every URL asked for.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { vi } from 'vitest';
import { signIn } from '../../ui/src/api/session.ts';

/** A page in the app's providers; `at` a URL matched by `route` for a page that reads its parameters. */
export function renderPage(element: ReactElement, at?: { url: string; route: string }) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={at === undefined ? undefined : [at.url]}>
        {at === undefined ? (
          element
        ) : (
          <Routes>
            <Route path={at.route} element={element} />
          </Routes>
        )}
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

export function signedIn(role: 'viewer' | 'operator' | 'admin' = 'operator') {
  signIn({ token: 'test-token', name: `test-${role}`, role });
}

/**
 * Replaces fetch: `answer` gets each request's URL (path and query) and returns the JSON body, or
 * a promise of it (a test can hold an answer back to see what the page shows meanwhile).
 */
export function stubApi(answer: (url: URL) => unknown) {
  const asked: URL[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: string) => {
      const url = new URL(input, 'http://ui.test');
      asked.push(url);
      return new Response(JSON.stringify(await answer(url)), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    }),
  );
  return {
    asked,
    last: (path: string) => asked.filter((url) => url.pathname === path).at(-1),
  };
}

/** ECharts follows its box's size; jsdom has no layout to observe (undo with vi.unstubAllGlobals). */
export function stubResizeObserver() {
  vi.stubGlobal(
    'ResizeObserver',
    class {
      observe() {}
      disconnect() {}
    },
  );
}
