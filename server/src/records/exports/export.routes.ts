import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAuth } from '../../platform/auth/auth.plugin.js';
import { errorResponses } from '../../platform/http/common.schemas.js';
import { Type as T } from 'typebox';
import type { Readable } from 'node:stream';

const FileStream = T.Unsafe<Readable>({ type: 'string', format: 'binary', description: 'The file, streamed.' });
import { ModuleParams, QueryBody } from '../records/record.schemas.js';
import type { ExportService } from './export.service.js';

const ExportBody = Type.Object(
  {
    filter: QueryBody.properties.filter,
    sort: QueryBody.properties.sort,
    fields: QueryBody.properties.fields,
    format: Type.Optional(
      Type.Union([Type.Literal('csv'), Type.Literal('xlsx')], { default: 'csv', description: 'csv (UTF-8 with BOM) or xlsx.' }),
    ),
  },
  { additionalProperties: false },
);

export const exportRoutes: FastifyPluginAsyncTypebox<{ exports: ExportService }> = async (app, { exports }) => {
  app.post(
    '/records/:module/export',
    {
      schema: {
        tags: ['Records'],
        summary: 'Export records as CSV or XLSX',
        description:
          'Same filter and sort as POST …/query; streams every matching record the caller can see, read in keyset pages. The first column is the id; then the fields (default: every field the caller can see — hidden ones never), headed by their labels in the caller’s language. Picklists hold their codes, lookups and users their ids, so the file imports back. Needs the profile’s "export" permission.',
        params: ModuleParams,
        body: ExportBody,
        response: { 200: FileStream, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { fileName, contentType, stream } = await exports.exportRecords(requireAuth(request), request.params.module, request.body);
      return reply.type(contentType).header('content-disposition', `attachment; filename="${fileName}"`).send(stream);
    },
  );
};
