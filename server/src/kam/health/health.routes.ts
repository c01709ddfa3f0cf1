import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireAuth } from '../../platform/auth/auth.plugin.js';
import { errorResponses } from '../../platform/http/common.schemas.js';
import { AccountHealthParams, AccountHealthResponse } from './health.schemas.js';
import type { HealthService } from './health.service.js';

const tags = ['KAM'];

/** The explained health score of an account with its daily history. */
export const healthRoutes: FastifyPluginAsyncTypebox<{ health: HealthService }> = async (app, { health }) => {
  app.get(
    '/kam/accounts/:id/health',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Health score of an account (0–100, band, each factor’s contribution explained) and its last 90 days',
        params: AccountHealthParams,
        response: { 200: AccountHealthResponse, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => health.getAccountHealth(requireAuth(request), request.params.id),
  );
};
