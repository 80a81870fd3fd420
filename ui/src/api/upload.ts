// Uploading a file: XMLHttpRequest rather than fetch, because only it reports upload progress.
// Then the upload's job is followed (TanStack Query polls it) until its file is terminal.
import { useQuery } from '@tanstack/react-query';
import type { UploadAccepted, UploadStatus } from '../../../src/contracts/api.ts';
import { isTerminal } from '../../../src/domain/file-status.ts';
import { ApiFailure, api, authHeaders } from './http.ts';
import { signOut } from './session.ts';

export interface UploadProgress {
  loaded: number;
  total: number;
}

export function uploadFile(
  file: File,
  vendor: string,
  onProgress: (progress: UploadProgress) => void,
): Promise<UploadAccepted> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open(
      'POST',
      vendor === '' ? '/api/v1/files' : `/api/v1/files?vendor=${encodeURIComponent(vendor)}`,
    );
    for (const [name, value] of Object.entries(authHeaders())) request.setRequestHeader(name, value);
    request.upload.onprogress = (event) =>
      onProgress({ loaded: event.loaded, total: event.total || file.size });
    request.onerror = () =>
      reject(new Error('the upload did not reach the API; check the connection and try again'));
    request.onload = () => {
      const body = JSON.parse(request.responseText || 'null') as
        | (UploadAccepted & { message?: string; hint?: string })
        | null;
      if (request.status === 202 && body !== null) return resolve(body);
      if (request.status === 401) signOut();
      const retryAfter = Number(request.getResponseHeader('retry-after')) || undefined;
      reject(
        new ApiFailure(
          request.status,
          body?.message ?? `upload failed (${request.status})`,
          body?.hint,
          retryAfter,
        ),
      );
    };
    const form = new FormData();
    form.append('file', file, file.name);
    request.send(form);
  });
}

/** A job is done with when its file is terminal, or when it failed for good (dead-lettered). */
export function uploadSettled(status: UploadStatus | undefined): boolean {
  if (status === undefined) return false;
  if (status.job === 'failed' || status.job === 'cancelled') return true;
  return status.file !== null && isTerminal(status.file.status);
}

export function useUploadStatus(jobId: string | null) {
  return useQuery({
    queryKey: ['uploads', jobId],
    queryFn: ({ signal }) => api<UploadStatus>(`/api/v1/uploads/${jobId}`, { signal }),
    enabled: jobId !== null,
    refetchInterval: (query) => (uploadSettled(query.state.data) ? false : 1000),
  });
}
