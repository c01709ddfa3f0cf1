import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireAuth } from '../../platform/auth/auth.plugin.js';
import { errorResponses, NoContent } from '../../platform/http/common.schemas.js';
import type { createViewService } from './view.service.js';
import { CreateViewBody, UpdateViewBody, View, ViewList, ViewParams, ViewsQuery } from './view.schemas.js';

const tags = ['List views'];

export const viewRoutes: FastifyPluginAsyncTypebox<{ views: ReturnType<typeof createViewService> }> = async (app, { views }) => {
  app.get(
    '/views',
    {
      schema: {
        tags,
        summary: 'Saved list views of a module: the caller’s own and the shared ones',
        querystring: ViewsQuery,
        response: { 200: ViewList, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ({ data: await views.list(requireAuth(request), request.query.module) }),
  );

  app.post(
    '/views',
    {
      schema: {
        tags,
        summary: 'Save a list view (filter, sort, columns)',
        description: 'The filter is checked against the caller’s view of the module: a bad part is a 400 naming it.',
        body: CreateViewBody,
        response: { 201: View, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => reply.status(201).send(await views.create(requireAuth(request), request.body)),
  );

  app.patch(
    '/views/:id',
    {
      schema: {
        tags,
        summary: 'Change a list view (its owner or an administrator)',
        params: ViewParams,
        body: UpdateViewBody,
        response: { 200: View, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => views.update(requireAuth(request), request.params.id, request.body),
  );

  app.delete(
    '/views/:id',
    {
      schema: {
        tags,
        summary: 'Delete a list view (its owner or an administrator)',
        params: ViewParams,
        response: { 204: NoContent, ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await views.remove(requireAuth(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
};
