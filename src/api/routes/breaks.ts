// Breaks: list with filters, sorting and paging; show with explanation, lineage and history;
// acknowledge, resolve with a comment, approve (four-eyes: the approver is not the resolver),
// reopen with a comment.
import { Type } from 'typebox';
import { tags as cacheTags, TTL } from '../../cache/index.ts';
import { BreakDetail, BreakView } from '../../contracts/breaks.ts';
import { StringEnum } from '../../contracts/common.ts';
import { ACTIVE_STATUSES, BREAK_SORTS, BREAK_STATUSES } from '../../domain/reconciliation.ts';
import { actOnBreak, listBreakViews, showBreak } from '../../services/reconciliation/index.ts';
import { cachedGet } from '../http-cache.ts';
import { errorResponses, IdParams, Limit } from '../schemas.ts';
import { type Api, type ApiContext, callerOf } from '../types.ts';

const tags = ['breaks'];

export function registerBreakRoutes(api: Api, context: ApiContext): void {
  const { app } = context;

  api.get(
    '/api/v1/breaks',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Breaks with their age; by default the active ones, oldest first',
        querystring: Type.Object(
          {
            status: Type.Optional(
              Type.Array(StringEnum(BREAK_STATUSES), {
                description: `repeat for several; default ${ACTIVE_STATUSES.join(', ')}`,
              }),
            ),
            account: Type.Optional(Type.String({ minLength: 1 })),
            vendor: Type.Optional(Type.String({ minLength: 1 })),
            sort: StringEnum(BREAK_SORTS, { default: 'openedAt' }),
            order: StringEnum(['asc', 'desc'] as const, { default: 'asc' }),
            limit: Limit(100, 1000),
            offset: Type.Integer({ minimum: 0, default: 0 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(BreakView), ...errorResponses() },
      },
    },
    async (request, reply) => {
      const q = request.query;
      return cachedGet(context, request, reply, { ttlSeconds: TTL.list, tags: [cacheTags.breaks] }, () =>
        listBreakViews(app, {
          statuses: q.status ?? ACTIVE_STATUSES,
          accountId: q.account,
          vendorCode: q.vendor,
          sort: q.sort,
          order: q.order,
          limit: q.limit,
          offset: q.offset,
        }),
      );
    },
  );

  api.get(
    '/api/v1/breaks/:id',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'A break with its figures, explanation, lineage and audited history',
        params: IdParams,
        response: { 200: BreakDetail, ...errorResponses(404) },
      },
    },
    async (request, reply) =>
      cachedGet(context, request, reply, { ttlSeconds: TTL.reconciliation, tags: [cacheTags.breaks] }, () =>
        showBreak(app, request.params.id),
      ),
  );

  const actions = [
    ['acknowledge', 'Acknowledge an open break (someone is on it)', false],
    ['resolve', 'Resolve a break with a comment; with four-eyes it then awaits approval', true],
    ['approve', 'Approve a resolution (four-eyes: not by the token that resolved it)', false],
    ['reopen', 'Reopen a resolved break whose resolution proved wrong, with a comment', true],
  ] as const;
  for (const [action, summary, needsComment] of actions) {
    api.post(
      `/api/v1/breaks/:id/${action}`,
      {
        config: { access: 'operator' },
        schema: {
          tags,
          summary,
          params: IdParams,
          body: Type.Object(
            {
              comment: needsComment
                ? Type.String({ minLength: 1, maxLength: 4000, description: 'why (kept in the audit log)' })
                : Type.Optional(Type.String({ maxLength: 4000 })),
            },
            { additionalProperties: false },
          ),
          response: { 200: BreakView, ...errorResponses(404, 409) },
        },
      },
      async (request) =>
        actOnBreak({ ...app, fourEyes: app.config.breaks.fourEyes }, request.params.id, {
          action,
          actor: callerOf(request).actor,
          comment: request.body.comment,
        }),
    );
  }
}
