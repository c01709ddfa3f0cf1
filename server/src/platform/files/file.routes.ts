import { create as contentDisposition } from 'content-disposition';
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.js';
import { requireAuth } from '../auth/auth.plugin.js';
import { errorResponses, IdParams } from '../http/common.schemas.js';
import { notFound } from '../http/app-error.js';
import type { FileService } from './file.service.js';

const FileContent = Type.Unsafe<unknown>({ type: 'string', format: 'binary', description: 'The file’s bytes, as a download.' });

export const fileRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext; files: FileService }> = async (app, { files }) => {
  app.get(
    '/files/:id/content',
    {
      schema: {
        tags: ['Files'],
        summary: 'Download a file that is not attached to a record',
        description:
          'For files uploaded outside records (imports…): the person who uploaded it and administrators may download it. ' +
          'Record attachments are downloaded through their record. Always a download (Content-Disposition: attachment).',
        params: IdParams,
        response: { 200: FileContent, ...errorResponses(401, 404) },
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      const meta = await files.get(auth, request.params.id);
      if (meta.module !== null || (meta.createdBy !== auth.userId && !auth.isAdmin)) throw notFound('The file');
      const { file, stream } = await files.open(auth, request.params.id);
      return reply
        .header('content-type', file.contentType)
        .header('content-length', String(file.sizeBytes))
        .header('content-disposition', contentDisposition(file.name, { type: 'attachment' }))
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, no-store')
        .send(stream);
    },
  );
};
