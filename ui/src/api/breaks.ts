// Breaks: the server filters, sorts and pages; the UI only says which page it wants.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { BreakDetail, BreakView } from '../../../src/contracts/breaks.ts';
import type { BreakSort, BreakStatus } from '../../../src/domain/reconciliation.ts';
import { api, withQuery } from './http.ts';

export interface BreakFilter {
  statuses: BreakStatus[];
  vendor: string;
  account: string;
  sort: BreakSort;
  order: 'asc' | 'desc';
  pageIndex: number;
  pageSize: number;
}

export interface BreakPage {
  rows: BreakView[];
  hasNextPage: boolean;
}

/** One row more than the page is asked for: its presence says whether there is a next page. */
export async function fetchBreakPage(filter: BreakFilter, signal?: AbortSignal): Promise<BreakPage> {
  const rows = await api<BreakView[]>(
    withQuery('/api/v1/breaks', {
      status: filter.statuses,
      vendor: filter.vendor,
      account: filter.account,
      sort: filter.sort,
      order: filter.order,
      limit: filter.pageSize + 1,
      offset: filter.pageIndex * filter.pageSize,
    }),
    { signal },
  );
  return { rows: rows.slice(0, filter.pageSize), hasNextPage: rows.length > filter.pageSize };
}

export function useBreakPage(filter: BreakFilter) {
  return useQuery({
    queryKey: ['breaks', 'page', filter],
    queryFn: ({ signal }) => fetchBreakPage(filter, signal),
    placeholderData: keepPreviousData,
  });
}

export function useBreak(id: number) {
  return useQuery({
    queryKey: ['breaks', 'one', id],
    queryFn: ({ signal }) => api<BreakDetail>(`/api/v1/breaks/${id}`, { signal }),
  });
}

export type BreakAction = 'acknowledge' | 'resolve' | 'approve' | 'reopen';

export function useBreakAction(id: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ action, comment }: { action: BreakAction; comment?: string }) =>
      api<BreakView>(`/api/v1/breaks/${id}/${action}`, { method: 'POST', body: comment ? { comment } : {} }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['breaks'] }),
  });
}
