import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireAuth } from '../../platform/auth/auth.plugin.js';
import { errorResponses } from '../../platform/http/common.schemas.js';
import { SearchQuery, SearchResponse } from './search.schemas.js';
import type { SearchService } from './search.service.js';

export const searchRoutes: FastifyPluginAsyncTypebox<{ search: SearchService }> = async (app, { search }) => {
  app.get(
    '/search',
    {
      schema: {
        tags: ['Records'],
        summary: 'Search records across modules',
        description:
          'Typo-tolerant and accent-insensitive. Only modules, records and fields the caller may read are searched. A text under 2 letters or digits is a 400 naming q.',
        querystring: SearchQuery,
        response: { 200: SearchResponse, ...errorResponses(400, 401) },
      },
    },
    async (request) => {
      const { q, modules, limit } = request.query;
      return search.search(requireAuth(request), { q, limit, modules: modules ? modules.split(',') : undefined });
    },
  );
};
