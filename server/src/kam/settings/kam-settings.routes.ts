import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireAuth } from '../../platform/auth/auth.plugin.js';
import { errorResponses } from '../../platform/http/common.schemas.js';
import { KamSettings, PutKamSettingsBody } from './kam-settings.schemas.js';
import type { KamSettingsService } from './kam-settings.service.js';

const tags = ['KAM settings'];

export const kamSettingsRoutes: FastifyPluginAsyncTypebox<{ settings: KamSettingsService }> = async (app, { settings }) => {
  app.get(
    '/kam/settings',
    {
      schema: {
        tags,
        summary: 'KAM settings: acquisition cost, cadence per tier, KPI targets, health weights',
        response: { 200: KamSettings, ...errorResponses(401) },
      },
    },
    async (request) => settings.get(requireAuth(request)),
  );

  app.put(
    '/kam/settings',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Change the KAM settings (administrators)',
        description:
          'Cadence keys are account tier codes (1–365 days); target keys are KPI ids; weight keys are health factor ids (0–100).',
        body: PutKamSettingsBody,
        response: { 200: KamSettings, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => settings.put(requireAuth(request), request.body),
  );
};
