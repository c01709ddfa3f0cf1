import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.js';
import { requireAuth } from '../auth/auth.plugin.js';
import { errorResponses, IdParams, NoContent } from '../http/common.schemas.js';
import { CreateRoleBody, DeleteRoleQuery, Role, RoleList, UpdateRoleBody } from './role.schemas.js';
import { createRoleService } from './role.service.js';

const tags = ['Roles'];

export const roleRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const roles = createRoleService(ctx);

  app.get(
    '/roles',
    {
      schema: {
        tags,
        summary: 'Every role of the organization (flat, with parentId)',
        response: { 200: RoleList, ...errorResponses(401) },
      },
    },
    async (request) => ({ data: await roles.list(requireAuth(request)) }),
  );

  app.post(
    '/roles',
    {
      config: { access: 'admin' },
      schema: { tags, summary: 'Create a role', body: CreateRoleBody, response: { 201: Role, ...errorResponses(400, 401, 403, 409) } },
    },
    async (request, reply) => reply.status(201).send(await roles.create(requireAuth(request), request.body, request.ip)),
  );

  app.patch(
    '/roles/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Rename a role, move it in the hierarchy or change peer sharing',
        description: 'A parent that is the role itself or below it is a 400 on parentId (no cycles).',
        params: IdParams,
        body: UpdateRoleBody,
        response: { 200: Role, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => roles.update(requireAuth(request), request.params.id, request.body, request.ip),
  );

  app.delete(
    '/roles/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Delete a role',
        description:
          'A role with users, child roles or pending invitations answers 409 (details: users, childRoles, pendingInvitations) unless transferTo names the role that takes them over.',
        params: IdParams,
        querystring: DeleteRoleQuery,
        response: { 204: NoContent, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await roles.remove(requireAuth(request), request.params.id, request.query.transferTo, request.ip);
      return reply.status(204).send(null);
    },
  );
};
