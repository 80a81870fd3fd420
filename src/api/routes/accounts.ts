// Accounts: search, stored periods, returns (the figures of `perfrecon returns --json`) and the
// lineage of a stored figure. Cached until a file stores periods or a run covers the account.
import { Type } from 'typebox';
import { tags as cacheTags, TTL } from '../../cache/index.ts';
import { SPANS } from '../../calculate/index.ts';
import { AccountPage, PeriodItem } from '../../contracts/accounts.ts';
import { IsoDate, StringEnum } from '../../contracts/common.ts';
import { PeriodLineage } from '../../contracts/lineage.ts';
import { ReturnsReport } from '../../contracts/returns.ts';
import { listAccountPeriods, listAccounts } from '../../services/accounts.ts';
import { periodLineage } from '../../services/lineage.ts';
import { accountReturns, returnsReport } from '../../services/returns.ts';
import { cachedGet } from '../http-cache.ts';
import { errorResponses, Limit } from '../schemas.ts';
import type { Api, ApiContext } from '../types.ts';

const tags = ['accounts'];
const AccountParams = Type.Object({ accountId: Type.String({ minLength: 1, maxLength: 200 }) });
const accountTags = (accountId: string) => [cacheTags.periods, cacheTags.account(accountId)];

export function registerAccountRoutes(api: Api, context: ApiContext): void {
  const { app } = context;

  api.get(
    '/api/v1/accounts',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Accounts in id order, with who reports them; search by part of the id',
        querystring: Type.Object(
          {
            search: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            cursor: Type.Optional(
              Type.String({ minLength: 1, description: 'nextCursor of the previous page' }),
            ),
            limit: Limit(100, 1000),
          },
          { additionalProperties: false },
        ),
        response: { 200: AccountPage, ...errorResponses() },
      },
    },
    async (request, reply) =>
      cachedGet(context, request, reply, { ttlSeconds: TTL.list, tags: [cacheTags.periods] }, () =>
        listAccounts(app, request.query),
      ),
  );

  api.get(
    '/api/v1/accounts/:accountId/periods',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: "An account's stored periods, by end date",
        params: AccountParams,
        querystring: Type.Object(
          {
            vendor: Type.Optional(Type.String({ minLength: 1 })),
            from: Type.Optional(IsoDate),
            to: Type.Optional(IsoDate),
            limit: Limit(1000, 10000),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(PeriodItem), ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      const { accountId } = request.params;
      const { vendor, from, to, limit } = request.query;
      return cachedGet(context, request, reply, { ttlSeconds: TTL.list, tags: accountTags(accountId) }, () =>
        listAccountPeriods(app, accountId, { vendorCode: vendor, from, to, limit }),
      );
    },
  );

  api.get(
    '/api/v1/accounts/:accountId/returns',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Linked time-weighted return between two valuation dates or over a standard span',
        description:
          'The same figures as `perfrecon returns ACCOUNT --json`. Give from and to, or span [asOf].',
        params: AccountParams,
        querystring: Type.Object(
          {
            from: Type.Optional(IsoDate),
            to: Type.Optional(IsoDate),
            span: Type.Optional(StringEnum(SPANS)),
            asOf: Type.Optional(IsoDate),
            vendor: Type.Optional(Type.String({ minLength: 1 })),
            basis: StringEnum(['gross', 'net'] as const, { default: 'net' }),
            annualizationBasis: StringEnum(['365', '365.25'] as const, { default: '365' }),
            series: Type.Boolean({ default: false }),
          },
          { additionalProperties: false },
        ),
        response: { 200: ReturnsReport, ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      const { accountId } = request.params;
      const q = request.query;
      return cachedGet(
        context,
        request,
        reply,
        { ttlSeconds: TTL.reconciliation, tags: accountTags(accountId) },
        async () =>
          returnsReport(
            await accountReturns(app, {
              accountId,
              from: q.from,
              to: q.to,
              span: q.span,
              asOf: q.asOf,
              vendorCode: q.vendor,
              basis: q.basis,
              daysInYear: q.annualizationBasis === '365.25' ? 365.25 : 365,
              series: q.series,
            }),
          ),
      );
    },
  );

  api.get(
    '/api/v1/accounts/:accountId/periods/:periodEnd/lineage',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Where a stored figure came from: file, row, column, configuration, calculation, checks',
        params: Type.Object({ accountId: AccountParams.properties.accountId, periodEnd: IsoDate }),
        querystring: Type.Object(
          { vendor: Type.Optional(Type.String({ minLength: 1 })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(PeriodLineage), ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      const { accountId, periodEnd } = request.params;
      return cachedGet(
        context,
        request,
        reply,
        { ttlSeconds: TTL.reconciliation, tags: accountTags(accountId) },
        () => periodLineage(app, { accountId, periodEnd, vendorCode: request.query.vendor }),
      );
    },
  );
}
