// Monitoring: alarm episodes (acknowledged by an operator) and use and cost per vendor and day.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { AlarmItem } from '../../../src/contracts/alarms.ts';
import type { UsageReport } from '../../../src/contracts/usage.ts';
import type { AlarmState } from '../../../src/domain/alarm.ts';
import { api, withQuery } from './http.ts';

/** Alarms in these states, newest first; the alarm evaluator changes them, so they are re-read every 30 s. */
export function useAlarms(states: readonly AlarmState[], limit = 50) {
  return useQuery({
    queryKey: ['alarms', states, limit],
    queryFn: ({ signal }) =>
      api<AlarmItem[]>(withQuery('/api/v1/alarms', { state: states, limit }), { signal }),
    refetchInterval: 30_000,
  });
}

export function useAcknowledgeAlarm() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api<AlarmItem>(`/api/v1/alarms/${id}/acknowledge`, { method: 'POST' }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['alarms'] }),
  });
}

export function useUsage(range: { from: string; to: string }) {
  return useQuery({
    queryKey: ['usage', range],
    queryFn: ({ signal }) => api<UsageReport>(withQuery('/api/v1/usage', range), { signal }),
  });
}
