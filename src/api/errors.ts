// Errors mapped once for the whole API: domain errors by their kind, validation errors naming
// the parameter and what it allows, Fastify's own 4xx as they are; anything else is a 500 that
// says nothing of the internals (the log has the details, found by the request id).
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiError } from '../contracts/api.ts';
import {
  ConflictError,
  DomainError,
  FileRejectedError,
  InvalidInputError,
  NotFoundError,
} from '../domain/errors.ts';
import type { Api } from './types.ts';

const DOMAIN_STATUS: [new (...args: never[]) => DomainError, number][] = [
  [InvalidInputError, 400],
  [NotFoundError, 404],
  [ConflictError, 409],
  [FileRejectedError, 422],
];

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** An error the API raises itself (authentication, media type…): its status and message are public. */
export class HttpError extends Error {
  readonly statusCode: number;
  readonly code: string;
  readonly hint: string | undefined;
  constructor(statusCode: number, code: string, message: string, hint?: string) {
    super(message);
    this.statusCode = statusCode;
    this.code = code;
    this.hint = hint;
  }
}

interface ValidationIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** "querystring.limit must be <= 500", "body.role must be one of: viewer, operator, admin". */
function describeValidation(part: string, issue: ValidationIssue): string {
  const missing = issue.params.missingProperty as string | undefined;
  const extra = issue.params.additionalProperty as string | undefined;
  const field = [part, ...issue.instancePath.split('/').filter(Boolean), missing ?? extra ?? '']
    .filter(Boolean)
    .join('.');
  if (missing !== undefined) return `${field} is required`;
  if (extra !== undefined) return `${field} is not a known parameter`;
  const allowed = issue.params.allowedValues as unknown[] | undefined;
  if (allowed !== undefined) return `${field} must be one of: ${allowed.join(', ')}`;
  return `${field} ${issue.message ?? 'is not valid'}`;
}

function body(request: FastifyRequest, statusCode: number, code: string, message: string, hint?: string) {
  const error: ApiError = {
    statusCode,
    error: STATUS_TEXT[statusCode] ?? 'Error',
    code,
    message,
    requestId: String(request.id),
  };
  if (hint !== undefined) error.hint = hint;
  return error;
}

function send(reply: FastifyReply, error: ApiError) {
  return reply.code(error.statusCode).type('application/json; charset=utf-8').send(error);
}

export function registerErrorHandling(api: Api): void {
  api.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation !== undefined) {
      const issue = error.validation[0] as ValidationIssue | undefined;
      const message =
        issue === undefined ? error.message : describeValidation(error.validationContext ?? 'request', issue);
      return send(reply, body(request, 400, 'VALIDATION', message));
    }
    if (error instanceof DomainError) {
      const status = DOMAIN_STATUS.find(([kind]) => error instanceof kind)?.[1];
      if (status !== undefined)
        return send(reply, body(request, status, error.code, error.message, error.hint));
    }
    if (error instanceof HttpError) {
      return send(reply, body(request, error.statusCode, error.code, error.message, error.hint));
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // Fastify's and its plugins' client errors (media type, body size, rate limit…) carry
      // messages meant for the client.
      return send(reply, body(request, status, error.code ?? 'BAD_REQUEST', error.message));
    }
    request.log.error({ err: error }, 'request failed');
    return send(
      reply,
      body(
        request,
        500,
        'INTERNAL',
        'the request failed on the server',
        'Retry later; report the request id if it persists.',
      ),
    );
  });
}

/** Unknown routes: 404 in the one error shape, rate-limited like the rest (the limiter must be registered). */
export function registerNotFound(api: Api): void {
  api.setNotFoundHandler({ preHandler: api.rateLimit() }, (request, reply) =>
    send(
      reply,
      body(
        request,
        404,
        'NO_ROUTE',
        `there is no ${request.method} ${request.url.split('?')[0]}`,
        'See /api/docs.',
      ),
    ),
  );
}
