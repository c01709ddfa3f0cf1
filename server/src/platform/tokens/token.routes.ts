import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.js';
import { requireAuth } from '../auth/auth.plugin.js';
import { errorResponses, IdParams, NoContent } from '../http/common.schemas.js';
import { CreatedToken, CreateTokenBody, TokenList } from './token.schemas.js';
import { createTokenService } from './token.service.js';

const tags = ['API tokens'];

export const tokenRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tokens = createTokenService(ctx);

  app.get(
    '/tokens',
    { schema: { tags, summary: 'My personal API tokens', response: { 200: TokenList, ...errorResponses(401) } } },
    async (request) => ({
      data: await tokens.list(requireAuth(request)),
    }),
  );

  app.post(
    '/tokens',
    {
      schema: {
        tags,
        summary: 'Create a personal API token (shown once)',
        body: CreateTokenBody,
        response: { 201: CreatedToken, ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => reply.status(201).send(await tokens.create(requireAuth(request), request.body.name, request.ip)),
  );

  app.delete(
    '/tokens/:id',
    {
      schema: { tags, summary: 'Revoke a token', params: IdParams, response: { 204: NoContent, ...errorResponses(401, 403, 404) } },
    },
    async (request, reply) => {
      await tokens.revoke(requireAuth(request), request.params.id, request.ip);
      return reply.status(204).send(null);
    },
  );
};
