import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireAuth } from '../../platform/auth/auth.plugin.js';
import { errorResponses, NoContent } from '../../platform/http/common.schemas.js';
import type { RecordService } from './record.service.js';
import { sortFromQueryString } from './record-sort.js';
import {
  BulkBody,
  BulkResponse,
  MassDeleteBody,
  MassUpdateBody,
  CreateQuery,
  ListQuery,
  ModuleParams,
  PageQuery,
  QueryBody,
  RecordList,
  RecordParams,
  RecordResponse,
  RecordValues,
  TimelineList,
} from './record.schemas.js';

const tags = ['Records'];

/** `?allowDuplicates=true` or the header `X-Allow-Duplicates: true` skips the duplicate check of a create. */
const allowDuplicates = (request: { query: { allowDuplicates?: boolean }; headers: Record<string, unknown> }) =>
  request.query.allowDuplicates === true || String(request.headers['x-allow-duplicates'] ?? '').toLowerCase() === 'true';

export const recordRoutes: FastifyPluginAsyncTypebox<{ records: RecordService }> = async (app, { records }) => {
  app.get(
    '/records/:module',
    {
      schema: {
        tags,
        summary: 'List records of a module',
        description: 'Newest first unless `sort` says otherwise; keyset pagination with `cursor`. For filters use POST …/query.',
        params: ModuleParams,
        querystring: ListQuery,
        response: { 200: RecordList, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { limit, cursor, sort, fields, count } = request.query;
      return records.query(requireAuth(request), request.params.module, {
        limit,
        cursor,
        count,
        sort: sortFromQueryString(sort),
        fields: fields ? fields.split(',').filter(Boolean) : undefined,
      });
    },
  );

  app.post(
    '/records/:module/query',
    {
      schema: {
        tags,
        summary: 'Query records with a filter, sort and field list',
        params: ModuleParams,
        body: QueryBody,
        response: { 200: RecordList, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => records.query(requireAuth(request), request.params.module, request.body),
  );

  app.post(
    '/records/:module',
    {
      schema: {
        tags,
        summary: 'Create a record',
        description:
          'Unknown, hidden or read-only fields, bad values and missing required fields are a 400 naming the field (`details.errors` lists all); a taken unique value is a 409. A record matching a duplicate rule of the module is a 409 `duplicate` with the matches in `details.matches`, unless `allowDuplicates=true` (or the header `X-Allow-Duplicates: true`).',
        params: ModuleParams,
        querystring: CreateQuery,
        body: RecordValues,
        response: { 201: RecordResponse, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await records.create(requireAuth(request), request.params.module, request.body, { allowDuplicates: allowDuplicates(request) }),
        ),
  );

  app.post(
    '/records/:module/bulk',
    {
      schema: {
        tags,
        summary: 'Create, update or upsert up to 1,000 records',
        description:
          'Answers 200 with one result per record, in order; a bad record never stops the others. `key` finds existing records (default id). New records matching a duplicate rule are errors (reason `duplicate`) unless `allowDuplicates=true`.',
        params: ModuleParams,
        querystring: CreateQuery,
        body: BulkBody,
        response: { 200: BulkResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ({
      data: await records.bulk(requireAuth(request), request.params.module, request.body, { allowDuplicates: allowDuplicates(request) }),
    }),
  );

  app.post(
    '/records/:module/mass-update',
    {
      schema: {
        tags,
        summary: 'Set the same values on many records (mass update, change owner)',
        description:
          'By `ids` (at most 1000) or by `filter`. One result per record, like bulk; records the caller cannot change are errors.',
        params: ModuleParams,
        body: MassUpdateBody,
        response: { 200: BulkResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ({ data: await records.massUpdate(requireAuth(request), request.params.module, request.body) }),
  );

  app.post(
    '/records/:module/mass-delete',
    {
      schema: {
        tags,
        summary: 'Move many records to the recycle bin',
        description: 'By `ids` (at most 1000) or by `filter`. One result per record (`deleted` or `error`).',
        params: ModuleParams,
        body: MassDeleteBody,
        response: { 200: BulkResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ({ data: await records.massDelete(requireAuth(request), request.params.module, request.body) }),
  );

  app.get(
    '/records/:module/deleted',
    {
      schema: {
        tags,
        summary: 'The recycle bin of a module',
        description: 'Deleted records the caller could delete, newest deletion first, with `deleted_at` and `deleted_by`.',
        params: ModuleParams,
        querystring: PageQuery,
        response: { 200: RecordList, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => records.listDeleted(requireAuth(request), request.params.module, request.query),
  );

  app.get(
    '/records/:module/:id',
    {
      schema: { tags, summary: 'One record', params: RecordParams, response: { 200: RecordResponse, ...errorResponses(401, 403, 404) } },
    },
    async (request) => records.get(requireAuth(request), request.params.module, request.params.id),
  );

  app.patch(
    '/records/:module/:id',
    {
      schema: {
        tags,
        summary: 'Change fields of a record',
        description: 'Only the fields sent change. Server-kept fields (id, created_at…) sent back unchanged are ignored.',
        params: RecordParams,
        body: RecordValues,
        response: { 200: RecordResponse, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => records.update(requireAuth(request), request.params.module, request.params.id, request.body),
  );

  app.delete(
    '/records/:module/:id',
    {
      schema: {
        tags,
        summary: 'Move a record to the recycle bin',
        params: RecordParams,
        response: { 204: NoContent, ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await records.remove(requireAuth(request), request.params.module, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/records/:module/:id/restore',
    {
      schema: {
        tags,
        summary: 'Bring a record back from the recycle bin',
        params: RecordParams,
        response: { 204: NoContent, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await records.restore(requireAuth(request), request.params.module, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/records/:module/:id/timeline',
    {
      schema: {
        tags,
        summary: 'Everything that happened to a record, newest first',
        params: RecordParams,
        querystring: PageQuery,
        response: { 200: TimelineList, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => records.timeline(requireAuth(request), request.params.module, request.params.id, request.query),
  );
};
