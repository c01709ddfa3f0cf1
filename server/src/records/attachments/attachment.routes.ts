import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { create as contentDisposition } from 'content-disposition';
import { Type } from 'typebox';
import { requireAuth } from '../../platform/auth/auth.plugin.js';
import { receiveFilePart } from '../../platform/files/index.js';
import { errorResponses, NoContent, Uuid } from '../../platform/http/common.schemas.js';
import { RecordParams } from '../records/record.schemas.js';
import type { createAttachmentService } from './attachment.service.js';

const tags = ['Attachments'];
const FileParams = Type.Object({ ...RecordParams.properties, fileId: Uuid });
const Attachment = Type.Object({
  id: Uuid,
  name: Type.String(),
  contentType: Type.String({ description: 'The type confirmed from the file’s first bytes.' }),
  sizeBytes: Type.Integer(),
  sha256: Type.String(),
  module: Type.Union([Type.String(), Type.Null()]),
  recordId: Type.Union([Uuid, Type.Null()]),
  createdBy: Type.Union([Uuid, Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});
const FileContent = Type.Unsafe<unknown>({ type: 'string', format: 'binary', description: 'The file’s bytes, as a download.' });

export const attachmentRoutes: FastifyPluginAsyncTypebox<{ attachments: ReturnType<typeof createAttachmentService> }> = async (
  app,
  { attachments },
) => {
  app.get(
    '/records/:module/:id/attachments',
    {
      schema: {
        tags,
        summary: 'Files attached to a record',
        params: RecordParams,
        response: { 200: Type.Object({ data: Type.Array(Attachment) }), ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => ({ data: await attachments.list(requireAuth(request), request.params.module, request.params.id) }),
  );

  app.post(
    '/records/:module/:id/attachments',
    {
      schema: {
        tags,
        summary: 'Attach a file to a record (multipart/form-data, part "file")',
        description:
          'Needs edit access to the record. Over FILE_MAX_BYTES: 413 file_too_large; programs, scripts and bytes that contradict the declared type: 415 unsupported_file_type.',
        params: RecordParams,
        consumes: ['multipart/form-data'],
        response: { 201: Attachment, ...errorResponses(400, 401, 403, 404, 413, 415) },
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      const part = await receiveFilePart(request);
      return reply.status(201).send(await attachments.add(auth, request.params.module, request.params.id, part));
    },
  );

  app.get(
    '/records/:module/:id/attachments/:fileId',
    {
      schema: {
        tags,
        summary: 'Download a record’s file (always as a download)',
        params: FileParams,
        response: { 200: FileContent, ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { file, stream } = await attachments.open(
        requireAuth(request),
        request.params.module,
        request.params.id,
        request.params.fileId,
      );
      return reply
        .header('content-type', file.contentType)
        .header('content-length', String(file.sizeBytes))
        .header('content-disposition', contentDisposition(file.name, { type: 'attachment' }))
        .header('cache-control', 'private, no-store')
        .send(stream);
    },
  );

  app.delete(
    '/records/:module/:id/attachments/:fileId',
    {
      schema: {
        tags,
        summary: 'Remove a file from a record',
        params: FileParams,
        response: { 204: NoContent, ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await attachments.remove(requireAuth(request), request.params.module, request.params.id, request.params.fileId);
      return reply.status(204).send(null);
    },
  );
};
