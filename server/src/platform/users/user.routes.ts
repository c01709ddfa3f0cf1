import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.js';
import { requireAuth } from '../auth/auth.plugin.js';
import { errorResponses, IdParams, NoContent } from '../http/common.schemas.js';
import { ListUsersQuery, UpdateUserBody, User, UserList } from './user.schemas.js';
import { createUserService } from './user.service.js';

const tags = ['Users'];

export const userRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const users = createUserService(ctx);

  app.get(
    '/users',
    {
      schema: {
        tags,
        summary: 'The organization’s users (for pickers and Settings → Users)',
        querystring: ListUsersQuery,
        response: { 200: UserList, ...errorResponses(400, 401) },
      },
    },
    async (request) => ({ data: await users.list(requireAuth(request), request.query) }),
  );

  app.get(
    '/users/:id',
    {
      schema: { tags, summary: 'One user of the organization', params: IdParams, response: { 200: User, ...errorResponses(401, 404) } },
    },
    async (request) => users.get(requireAuth(request), request.params.id),
  );

  app.patch(
    '/users/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Change a user’s name, role, profile, or deactivate / reactivate them',
        description:
          'Deactivating ends the user’s sessions and revokes their API tokens; their records stay. Deactivating yourself, or removing the last active administrator, answers 409.',
        params: IdParams,
        body: UpdateUserBody,
        response: { 200: User, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => users.update(requireAuth(request), request.params.id, request.body, request.ip),
  );

  app.post(
    '/users/:id/two-factor/reset',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Turn off a user’s two-factor authentication (a lost phone)',
        description: 'The user then signs in with the password alone and can set two-factor up again. Audited as user.two_factor_reset.',
        params: IdParams,
        response: { 204: NoContent, ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await users.resetTwoFactor(requireAuth(request), request.params.id, request.ip);
      return reply.status(204).send(null);
    },
  );
};
