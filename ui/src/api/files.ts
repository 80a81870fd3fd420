// Files taken in: a page of them by status and vendor, and one with its timeline and problems.
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { FilePage } from '../../../src/contracts/api.ts';
import type { FileDetail, FileWarningPage } from '../../../src/contracts/files.ts';
import { api, withQuery } from './http.ts';

export interface FileFilter {
  status: string;
  vendor: string;
  cursor: string | undefined;
}

export function useFiles(filter: FileFilter) {
  return useQuery({
    queryKey: ['files', 'page', filter],
    queryFn: ({ signal }) =>
      api<FilePage>(
        withQuery('/api/v1/files', {
          status: filter.status,
          vendor: filter.vendor,
          cursor: filter.cursor,
          limit: 50,
        }),
        { signal },
      ),
    placeholderData: keepPreviousData,
  });
}

export function useFile(id: number) {
  return useQuery({
    queryKey: ['files', 'one', id],
    queryFn: ({ signal }) => api<FileDetail>(`/api/v1/files/${id}`, { signal }),
  });
}

/**
 * A file's warnings after the first ones its detail holds (`after`: the last one's position),
 * a page at a time; nothing is asked until `enabled`.
 */
export function useFileWarnings(id: number, after: number, enabled: boolean) {
  return useInfiniteQuery({
    queryKey: ['files', 'warnings', id, after],
    queryFn: ({ pageParam, signal }) =>
      api<FileWarningPage>(withQuery(`/api/v1/files/${id}/warnings`, { cursor: pageParam, limit: 200 }), {
        signal,
      }),
    initialPageParam: String(after),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    enabled,
  });
}
