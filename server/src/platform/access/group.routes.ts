import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.js';
import { requireAuth } from '../auth/auth.plugin.js';
import { errorResponses, IdParams, NoContent } from '../http/common.schemas.js';
import { CreateGroupBody, Group, GroupList, UpdateGroupBody } from './group.schemas.js';
import { createGroupService } from './group.service.js';

const tags = ['Groups'];

export const groupRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const groups = createGroupService(ctx);

  app.get(
    '/groups',
    {
      schema: { tags, summary: 'Every group of the organization, with its members', response: { 200: GroupList, ...errorResponses(401) } },
    },
    async (request) => ({ data: await groups.list(requireAuth(request)) }),
  );

  app.get(
    '/groups/:id',
    {
      schema: { tags, summary: 'One group with its members', params: IdParams, response: { 200: Group, ...errorResponses(401, 404) } },
    },
    async (request) => groups.get(requireAuth(request), request.params.id),
  );

  app.post(
    '/groups',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Create a group',
        description: 'A member id that is not a user, role or group of the organization is a 400 naming members.<i>.id.',
        body: CreateGroupBody,
        response: { 201: Group, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await groups.create(requireAuth(request), request.body, request.ip)),
  );

  app.patch(
    '/groups/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Change a group (members replaces the whole list)',
        description: 'A group that would contain itself, directly or through other groups, is a 400 naming members.<i>.id.',
        params: IdParams,
        body: UpdateGroupBody,
        response: { 200: Group, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => groups.update(requireAuth(request), request.params.id, request.body, request.ip),
  );

  app.delete(
    '/groups/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Delete a group (and its membership in other groups)',
        params: IdParams,
        response: { 204: NoContent, ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await groups.remove(requireAuth(request), request.params.id, request.ip);
      return reply.status(204).send(null);
    },
  );
};
