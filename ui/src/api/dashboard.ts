// What the dashboard reads, refreshed every REFRESH_MS while it is open: the counts of
// GET /api/v1/dashboard (counted by the database, at the reader's day boundaries).
import { useQuery } from '@tanstack/react-query';
import type { Dashboard } from '../../../src/contracts/dashboard.ts';
import { api, withQuery } from './http.ts';

export const REFRESH_MS = 30_000;
export const TREND_DAYS = 30;

/** Counts from the reader's last midnight; days and the trend as the reader's calendar has them. */
export function useDashboard(midnight: Date) {
  // getTimezoneOffset is minutes *behind* UTC (UTC+2 gives -120).
  const utcOffset = -midnight.getTimezoneOffset();
  return useQuery({
    refetchInterval: REFRESH_MS,
    staleTime: 0,
    queryKey: ['dashboard', midnight.toISOString(), utcOffset],
    queryFn: ({ signal }) =>
      api<Dashboard>(
        withQuery('/api/v1/dashboard', { since: midnight.toISOString(), utcOffset, days: TREND_DAYS }),
        { signal },
      ),
  });
}
