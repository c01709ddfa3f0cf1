import fs from 'node:fs';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireAuth } from '../../platform/auth/auth.plugin.js';
import { errorResponses } from '../../platform/http/common.schemas.js';
import { Type as T } from 'typebox';
import type { Readable } from 'node:stream';

const FileStream = T.Unsafe<Readable>({ type: 'string', format: 'binary', description: 'The file, streamed.' });
import { badRequest } from '../../platform/http/app-error.js';
import type { Mapping } from './import-mapping.js';
import { receiveUpload } from './import-upload.js';
import { IMPORT_MODES, type ImportMode, type ImportService } from './import.service.js';
import {
  ImportAccepted,
  ImportDetail,
  ImportList,
  ImportListQuery,
  ImportParams,
  MultipartBody,
  PreviewResponse,
} from './import.schemas.js';

const tags = ['Imports'];

function parseMapping(text: string | undefined): Mapping | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badRequest('"mapping" must be a JSON object {column header: field API name or null}.', 'mapping');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw badRequest('"mapping" must be a JSON object {column header: field API name or null}.', 'mapping');
  for (const target of Object.values(value)) {
    if (target !== null && typeof target !== 'string') throw badRequest('Each "mapping" value is a field API name or null.', 'mapping');
  }
  return value as Mapping;
}

function parseBoolean(text: string | undefined, field: string): boolean {
  if (text === undefined || text === '') return false;
  if (/^(true|1|on|yes)$/i.test(text)) return true;
  if (/^(false|0|off|no)$/i.test(text)) return false;
  throw badRequest(`"${field}" is true or false.`, field);
}

export const importRoutes: FastifyPluginAsyncTypebox<{ imports: ImportService; maxBytes: number }> = async (app, { imports, maxBytes }) => {
  app.post(
    '/imports/preview',
    {
      schema: {
        tags,
        summary: 'Read the start of a file and suggest a mapping',
        description:
          'multipart: `file`, `module`. Answers the headers, the first five rows and a suggested field per column (the mapping used last time for the module first, then API names, labels in Spanish and English and the column names of Zoho CRM and Salesforce exports). Needs the profile’s "import" permission on the module.',
        body: MultipartBody,
        response: { 200: PreviewResponse, ...errorResponses(400, 401, 403, 404, 413, 415) },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      const { file, fields } = await receiveUpload(request, await imports.uploadPath(), maxBytes);
      if (!fields.module) throw badRequest('"module" is required.', 'module');
      return imports.preview(auth, fields.module, file);
    },
  );

  app.post(
    '/imports',
    {
      schema: {
        tags,
        summary: 'Start an import',
        description:
          'multipart: `file`, `module`, `mode` (create | update | upsert | skip — skip creates new records and leaves existing ones alone), `key` (the field that finds existing records: id, email…; needed by update, upsert and skip; with create it reports rows whose key exists as "duplicate"), `mapping` (JSON; default: the suggested one), `dryRun` (check everything, write nothing). Answers 202 with the import id; a background job does the work in batches — follow it with GET /imports/{id}. Needs the profile’s "import" permission, and create and/or edit as the mode needs.',
        body: MultipartBody,
        response: { 202: ImportAccepted, ...errorResponses(400, 401, 403, 404, 413, 415) },
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      const { file, fields } = await receiveUpload(request, await imports.uploadPath(), maxBytes);
      try {
        if (!fields.module) throw badRequest('"module" is required.', 'module');
        const mode = (fields.mode || 'create') as ImportMode;
        if (!IMPORT_MODES.includes(mode)) throw badRequest('"mode" is create, update, upsert or skip.', 'mode');
        const input = {
          module: fields.module,
          mode,
          key: fields.key || undefined,
          mapping: parseMapping(fields.mapping),
          dryRun: parseBoolean(fields.dryRun, 'dryRun'),
        };
        return reply.status(202).send(await imports.start(auth, input, file));
      } finally {
        await fs.promises.rm(file.path, { force: true });
      }
    },
  );

  app.get(
    '/imports',
    {
      schema: {
        tags,
        summary: 'Past imports',
        description: 'Newest first; yours (administrators: everyone’s in the organization). Filter by `module`.',
        querystring: ImportListQuery,
        response: { 200: ImportList, ...errorResponses(400, 401) },
      },
    },
    async (request) => imports.list(requireAuth(request), request.query.module, request.query.limit),
  );

  app.get(
    '/imports/:id',
    {
      schema: {
        tags,
        summary: 'An import’s status, progress, counts and per-row errors',
        params: ImportParams,
        response: { 200: ImportDetail, ...errorResponses(401, 404) },
      },
    },
    async (request) => imports.get(requireAuth(request), request.params.id),
  );

  app.get(
    '/imports/:id/errors.csv',
    {
      schema: {
        tags,
        summary: 'The error report: the failed rows with an "Error" column',
        params: ImportParams,
        response: { 200: FileStream, ...errorResponses(401, 404) },
      },
    },
    async (request, reply) => {
      const { fileName, stream } = await imports.errorReport(requireAuth(request), request.params.id);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${fileName.replace(/["\\\r\n]/g, '_')}"`)
        .send(stream);
    },
  );
};
