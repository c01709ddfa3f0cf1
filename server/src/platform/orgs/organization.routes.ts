import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.js';
import { requireAuth } from '../auth/auth.plugin.js';
import { errorResponses } from '../http/common.schemas.js';
import { Organization, UpdateOrganizationBody } from './organization.schemas.js';
import { createOrganizationSettingsService } from './organization-settings.service.js';

const tags = ['Organization'];

export const organizationRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const settings = createOrganizationSettingsService(ctx);

  app.get(
    '/organization',
    {
      schema: { tags, summary: 'The organization’s settings', response: { 200: Organization, ...errorResponses(401) } },
    },
    async (request) => settings.get(requireAuth(request)),
  );

  app.patch(
    '/organization',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Change the organization’s settings',
        description: 'Send only the settings to change; exchangeRates, businessHours and holidays replace the whole value.',
        body: UpdateOrganizationBody,
        response: { 200: Organization, ...errorResponses(400, 401, 403, 413) },
      },
    },
    async (request) => settings.update(requireAuth(request), request.body, request.ip),
  );
};
