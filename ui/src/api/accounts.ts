// Accounts, their stored periods, linked returns and the lineage of a stored figure.
import { keepPreviousData, useQueries, useQuery } from '@tanstack/react-query';
import type { AccountPage, PeriodItem } from '../../../src/contracts/accounts.ts';
import type { PeriodLineage } from '../../../src/contracts/lineage.ts';
import type { ReturnsReport } from '../../../src/contracts/returns.ts';
import { api, type Query, withQuery } from './http.ts';

export function useAccounts(search: string, cursor: string | undefined) {
  return useQuery({
    queryKey: ['accounts', search, cursor],
    queryFn: ({ signal }) =>
      api<AccountPage>(withQuery('/api/v1/accounts', { search, cursor, limit: 50 }), { signal }),
    placeholderData: keepPreviousData,
  });
}

/** The account's own row of the list: the vendors that report it and over which dates. */
export function useAccount(accountId: string) {
  return useQuery({
    queryKey: ['accounts', 'one', accountId],
    queryFn: async ({ signal }) => {
      const page = await api<AccountPage>(withQuery('/api/v1/accounts', { search: accountId, limit: 1000 }), {
        signal,
      });
      return page.items.find((item) => item.accountId === accountId) ?? null;
    },
  });
}

export function usePeriods(accountId: string, vendor: string | undefined) {
  return useQuery({
    queryKey: ['accounts', accountId, 'periods', vendor],
    queryFn: ({ signal }) =>
      api<PeriodItem[]>(withQuery(`/api/v1/accounts/${encodeURIComponent(accountId)}/periods`, { vendor }), {
        signal,
      }),
  });
}

/** Either `{ from, to }` or `{ span }`: what the returns route accepts. */
export type ReturnRange = { from: string; to: string } | { span: string };

function returnsPath(accountId: string, vendor: string, range: ReturnRange, series: boolean): string {
  const query: Query = { vendor, series, ...range };
  return withQuery(`/api/v1/accounts/${encodeURIComponent(accountId)}/returns`, query);
}

/** One linked series per vendor that reports the account. */
export function useReturnSeries(accountId: string, vendors: readonly string[], range: ReturnRange) {
  return useQueries({
    queries: vendors.map((vendor) => ({
      queryKey: ['accounts', accountId, 'returns', vendor, range],
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        api<ReturnsReport>(returnsPath(accountId, vendor, range, true), { signal }),
    })),
  });
}

export function useSpanReturns(accountId: string, vendor: string, spans: readonly string[]) {
  return useQueries({
    queries: spans.map((span) => ({
      queryKey: ['accounts', accountId, 'returns', vendor, { span }],
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        api<ReturnsReport>(returnsPath(accountId, vendor, { span }, false), { signal }),
    })),
  });
}

export function useLineage(accountId: string, periodEnd: string, vendor: string) {
  return useQuery({
    queryKey: ['lineage', accountId, periodEnd, vendor],
    queryFn: ({ signal }) =>
      api<PeriodLineage[]>(
        withQuery(`/api/v1/accounts/${encodeURIComponent(accountId)}/periods/${periodEnd}/lineage`, {
          vendor,
        }),
        { signal },
      ),
  });
}
