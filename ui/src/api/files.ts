// Files taken in: a page of them by status and vendor, and one with its timeline and problems.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { FilePage } from '../../../src/contracts/api.ts';
import type { FileDetail } from '../../../src/contracts/files.ts';
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
