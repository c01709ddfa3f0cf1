import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAuth } from '../../platform/auth/auth.plugin.js';
import { errorResponses } from '../../platform/http/common.schemas.js';
import { ModuleParams, RecordParams } from '../records/record.schemas.js';
import type { createCollaborationService } from './collaboration.service.js';

const tags = ['Records'];
const Tags = Type.Object({ tags: Type.Array(Type.String()) });
const FollowStatus = Type.Object({
  following: Type.Boolean({ description: 'Whether the caller follows the record (and is told of its changes).' }),
  followers: Type.Integer(),
});

export const collaborationRoutes: FastifyPluginAsyncTypebox<{ collaboration: ReturnType<typeof createCollaborationService> }> = async (
  app,
  { collaboration },
) => {
  app.get(
    '/records/:module/:id/tags',
    { schema: { tags, summary: 'The tags of a record', params: RecordParams, response: { 200: Tags, ...errorResponses(401, 403, 404) } } },
    async (request) => ({ tags: await collaboration.getTags(requireAuth(request), request.params.module, request.params.id) }),
  );

  app.put(
    '/records/:module/:id/tags',
    {
      schema: {
        tags,
        summary: 'Replace the tags of a record',
        description: 'Needs edit access to the record. Up to 50 tags of 1–40 letters, digits, spaces, dots, dashes or underscores.',
        params: RecordParams,
        body: Type.Object({ tags: Type.Array(Type.String({ maxLength: 60 }), { maxItems: 100 }) }, { additionalProperties: false }),
        response: { 200: Tags, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ({
      tags: await collaboration.putTags(requireAuth(request), request.params.module, request.params.id, request.body.tags),
    }),
  );

  app.get(
    '/records/:module/tags',
    {
      schema: {
        tags,
        summary: 'Tags in use in a module, most used first',
        params: ModuleParams,
        response: {
          200: Type.Object({ data: Type.Array(Type.Object({ tag: Type.String(), count: Type.Integer() })) }),
          ...errorResponses(401, 403, 404),
        },
      },
    },
    async (request) => ({ data: await collaboration.tagsInUse(requireAuth(request), request.params.module) }),
  );

  app.get(
    '/records/:module/:id/follow',
    {
      schema: {
        tags,
        summary: 'Whether the caller follows the record',
        params: RecordParams,
        response: { 200: FollowStatus, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => collaboration.followStatus(requireAuth(request), request.params.module, request.params.id),
  );

  app.put(
    '/records/:module/:id/follow',
    {
      schema: {
        tags,
        summary: 'Follow a record: be notified when someone else changes it',
        params: RecordParams,
        response: { 200: FollowStatus, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => collaboration.follow(requireAuth(request), request.params.module, request.params.id, true),
  );

  app.delete(
    '/records/:module/:id/follow',
    {
      schema: {
        tags,
        summary: 'Stop following a record',
        params: RecordParams,
        response: { 200: FollowStatus, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => collaboration.follow(requireAuth(request), request.params.module, request.params.id, false),
  );
};
