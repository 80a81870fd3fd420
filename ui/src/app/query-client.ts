// One cache for every API read (TanStack Query). A 4xx is the caller's to fix (sign in again,
// change a filter, wait out a 429), so only network failures and 5xx are retried.
import { QueryClient } from '@tanstack/react-query';
import { ApiFailure } from '../api/http.ts';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        retry: (failures, error) => !(error instanceof ApiFailure && error.status < 500) && failures < 2,
      },
      mutations: { retry: false },
    },
  });
}
