// Files: upload (into the landing folder's intake), list, show, and an upload's status.

import multipart from '@fastify/multipart';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { Type } from 'typebox';
import { FilePage, UploadAccepted, UploadStatus } from '../../contracts/api.ts';
import { FileDetail, FileStatus, FileWarningPage } from '../../contracts/files.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { ingestJobState } from '../../pipeline/queues.ts';
import { fileWithContent, listFiles, listFileWarnings, showFile } from '../../services/files.ts';
import { findVendorOrFail } from '../../services/vendors.ts';
import { errorResponses, IdParams, Limit } from '../schemas.ts';
import type { Api, ApiContext } from '../types.ts';
import { receiveUpload } from '../upload.ts';

const tags = ['files'];

/** Validates the upload's other parts with Fastify's settings (only the body is left to the handler). */
const partValidator = addFormats.default(
  new Ajv({ coerceTypes: 'array', useDefaults: true, removeAdditional: true, strict: false }),
);

const FileQuery = Type.Object(
  {
    status: Type.Optional(FileStatus),
    vendor: Type.Optional(Type.String({ minLength: 1 })),
    receivedFrom: Type.Optional(Type.String({ format: 'date-time', description: 'received at or after' })),
    receivedTo: Type.Optional(Type.String({ format: 'date-time', description: 'received before' })),
    cursor: Type.Optional(
      Type.String({ pattern: '^[1-9][0-9]{0,15}$', description: 'nextCursor of the previous page' }),
    ),
    limit: Limit(50, 500),
  },
  { additionalProperties: false },
);

export function registerFileRoutes(api: Api, context: ApiContext): void {
  const { app } = context;

  // The multipart parser and its hooks (one on every request and response, for temporary files)
  // only where a multipart body is read: the upload.
  void api.register(async (uploads: Api) => {
    await uploads.register(multipart);
    uploads.post(
      '/api/v1/files',
      {
        config: { access: 'operator' },
        // The body is a multipart stream read by the handler, never buffered: Fastify does not
        // validate it; the handler checks its media type and size (415, 413) while streaming.
        validatorCompiler: ({ schema, httpPart }) =>
          httpPart === 'body' ? () => true : partValidator.compile(schema),
        schema: {
          tags,
          summary: 'Upload a performance file (multipart/form-data, one part "file"); 202 with the job',
          consumes: ['multipart/form-data'],
          querystring: Type.Object(
            {
              vendor: Type.Optional(
                Type.String({ minLength: 1, description: 'vendor code, when the name does not tell' }),
              ),
            },
            { additionalProperties: false },
          ),
          response: { 202: UploadAccepted, ...errorResponses(404, 413, 415) },
        },
      },
      async (request, reply) => {
        if (request.query.vendor !== undefined) findVendorOrFail(app.vendors, request.query.vendor);
        const accepted = await receiveUpload(context, request, request.query.vendor);
        return reply.code(202).header('Location', accepted.statusUrl).send(accepted);
      },
    );
  });

  api.get(
    '/api/v1/uploads/:jobId',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: "An upload's ingest job and, once recorded, its file",
        params: Type.Object({ jobId: Type.String({ format: 'uuid' }) }),
        response: { 200: UploadStatus, ...errorResponses(404) },
      },
    },
    async (request) => {
      const job = await ingestJobState(context.boss, request.params.jobId);
      if (job === undefined) throw new NotFoundError(`there is no upload job ${request.params.jobId}`);
      const known = ['created', 'retry', 'active', 'completed', 'cancelled', 'failed'] as const;
      const state: UploadStatus['job'] = known.find((s) => s === job.state) ?? 'unknown';
      return { jobId: request.params.jobId, job: state, file: await fileWithContent(app, job.sha256) };
    },
  );

  api.get(
    '/api/v1/files',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Files taken in, newest first, with filters and cursor paging',
        querystring: FileQuery,
        response: { 200: FilePage, ...errorResponses() },
      },
    },
    async (request) => {
      const { status, vendor, receivedFrom, receivedTo, cursor, limit } = request.query;
      const rows = await listFiles(app, {
        status,
        vendorCode: vendor,
        receivedFrom,
        receivedBefore: receivedTo,
        beforeId: cursor === undefined ? undefined : Number(cursor),
        limit: limit + 1,
      });
      const items = rows.slice(0, limit);
      return { items, nextCursor: rows.length > limit ? String(items.at(-1)?.id) : null };
    },
  );

  api.get(
    '/api/v1/files/:id',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'One file: status, processing timeline, quarantined rows, dead letters',
        params: IdParams,
        response: { 200: FileDetail, ...errorResponses(404) },
      },
    },
    async (request) => showFile(app, request.params.id),
  );
  api.get(
    '/api/v1/files/:id/warnings',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: "A file's warnings in the order found, each with its location, with cursor paging",
        params: IdParams,
        querystring: Type.Object(
          {
            cursor: Type.Optional(
              Type.String({ pattern: '^[1-9][0-9]{0,15}$', description: 'nextCursor of the previous page' }),
            ),
            limit: Limit(100, 1000),
          },
          { additionalProperties: false },
        ),
        response: { 200: FileWarningPage, ...errorResponses(404) },
      },
    },
    async (request) =>
      listFileWarnings(app, request.params.id, {
        after: request.query.cursor === undefined ? 0 : Number(request.query.cursor),
        limit: request.query.limit,
      }),
  );
}
