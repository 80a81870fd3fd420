// Schema pieces every route shares: the error responses, ids, paging.
import { Type } from 'typebox';
import type { ApiError } from '../contracts/api.ts';

/** The one error shape, registered once (server.ts) and referenced by every route. */
export const ErrorRef = Type.Unsafe<ApiError>({ $ref: 'ApiError#' });

/** The errors any route may answer with, plus the ones given. */
export function errorResponses(...statuses: number[]) {
  const all = new Set([400, 401, 403, 429, 500, ...statuses]);
  return Object.fromEntries([...all].map((status) => [status, ErrorRef]));
}

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, description: 'the id' }) });

export const Limit = (fallback: number, maximum: number) =>
  Type.Integer({
    minimum: 1,
    maximum,
    default: fallback,
    description: `at most this many (up to ${maximum})`,
  });
