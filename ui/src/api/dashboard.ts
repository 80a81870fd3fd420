// What the dashboard reads, refreshed every REFRESH_MS while it is open: today's files, the
// latest reconciliation runs, the active breaks and the open dead letters.
import { useQuery } from '@tanstack/react-query';
import type { FilePage } from '../../../src/contracts/api.ts';
import type { BreakView } from '../../../src/contracts/breaks.ts';
import type { DeadLetterItem } from '../../../src/contracts/dead-letters.ts';
import type { RunItem } from '../../../src/contracts/runs.ts';
import { api, withQuery } from './http.ts';

export const REFRESH_MS = 30_000;
/** The API's largest pages: a dashboard count at the limit is shown as "at least". */
export const LIMITS = { files: 500, runs: 500, breaks: 1000, deadLetters: 1000 } as const;

const live = { refetchInterval: REFRESH_MS, staleTime: 0 } as const;

export function useTodaysFiles(since: Date) {
  return useQuery({
    ...live,
    queryKey: ['dashboard', 'files', since.toISOString()],
    queryFn: ({ signal }) =>
      api<FilePage>(withQuery('/api/v1/files', { receivedFrom: since.toISOString(), limit: LIMITS.files }), {
        signal,
      }),
  });
}

export function useRecentRuns() {
  return useQuery({
    ...live,
    queryKey: ['dashboard', 'runs'],
    queryFn: ({ signal }) =>
      api<RunItem[]>(withQuery('/api/v1/reconciliation/runs', { limit: LIMITS.runs }), { signal }),
  });
}

export function useActiveBreaks() {
  return useQuery({
    ...live,
    queryKey: ['dashboard', 'breaks'],
    queryFn: ({ signal }) =>
      api<BreakView[]>(withQuery('/api/v1/breaks', { limit: LIMITS.breaks }), { signal }),
  });
}

export function useOpenDeadLetters() {
  return useQuery({
    ...live,
    queryKey: ['dashboard', 'dead-letters'],
    queryFn: ({ signal }) =>
      api<DeadLetterItem[]>(withQuery('/api/v1/dead-letters', { state: 'open', limit: LIMITS.deadLetters }), {
        signal,
      }),
  });
}
