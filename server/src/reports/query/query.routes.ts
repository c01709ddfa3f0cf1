import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireAuth } from '../../platform/auth/auth.plugin.js';
import { errorResponses } from '../../platform/http/common.schemas.js';
import { QueryBody, QueryResult } from './query.schemas.js';
import type { createQueryService } from './query.service.js';

export const queryRoutes: FastifyPluginAsyncTypebox<{ query: ReturnType<typeof createQueryService> }> = async (app, { query }) => {
  app.post(
    '/query',
    {
      schema: {
        tags: ['Reports'],
        summary: 'Ask a read-only question in the query language (SELECT … FROM … WHERE … GROUP BY … ORDER BY … LIMIT …)',
        description:
          'Needs the profile permission `reports` (`read`). Reads as the caller: the module permission (403), hidden fields (unknown), ' +
          'the records they may see. Parsed by Clave — the text never reaches the database. A query that cannot run is a 400 whose ' +
          '`details` give the line, column and text of the offending token. See docs/query-language.md.',
        body: QueryBody,
        response: { 200: QueryResult, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => query.run(requireAuth(request), request.body.q),
  );
};
