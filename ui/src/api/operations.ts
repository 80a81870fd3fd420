// What operations look after: dead letters (with replay), vendor configurations, tolerances.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { AuditEntry } from '../../../src/contracts/audit.ts';
import type { DeadLetterItem, ReplayResult } from '../../../src/contracts/dead-letters.ts';
import type { ToleranceItem } from '../../../src/contracts/tolerances.ts';
import type { VendorDetail, VendorSummary } from '../../../src/contracts/vendors.ts';
import { api, withQuery } from './http.ts';

export function useDeadLetters(state: 'open' | 'all') {
  return useQuery({
    queryKey: ['dead-letters', state],
    queryFn: ({ signal }) => api<DeadLetterItem[]>(withQuery('/api/v1/dead-letters', { state }), { signal }),
  });
}

export function useReplay() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api<ReplayResult>(`/api/v1/dead-letters/${id}/replay`, { method: 'POST' }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['dead-letters'] }),
  });
}

export function useVendors() {
  return useQuery({
    queryKey: ['vendors'],
    queryFn: ({ signal }) => api<VendorSummary[]>('/api/v1/vendors', { signal }),
    staleTime: 3_600_000,
  });
}

export function useVendor(code: string | null) {
  return useQuery({
    queryKey: ['vendors', code],
    queryFn: ({ signal }) =>
      api<VendorDetail>(`/api/v1/vendors/${encodeURIComponent(code ?? '')}`, { signal }),
    enabled: code !== null,
  });
}

export function useTolerances() {
  return useQuery({
    queryKey: ['tolerances'],
    queryFn: ({ signal }) => api<ToleranceItem[]>('/api/v1/tolerances', { signal }),
  });
}

export interface ToleranceChange {
  account?: string;
  vendor?: string;
  effectiveFrom: string;
  returnBps?: number;
  comment?: string;
}

export function useSetTolerance() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (change: ToleranceChange) =>
      api<ToleranceItem>('/api/v1/tolerances', { method: 'PUT', body: change }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['tolerances'] }),
  });
}

export function useAudit(entity: string, id: string) {
  return useQuery({
    queryKey: ['audit', entity, id],
    queryFn: ({ signal }) =>
      api<AuditEntry[]>(`/api/v1/audit/${entity}/${encodeURIComponent(id)}`, { signal }),
  });
}
