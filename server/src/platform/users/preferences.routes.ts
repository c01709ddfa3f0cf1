import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.js';
import { requireAuth } from '../auth/auth.plugin.js';
import { errorResponses } from '../http/common.schemas.js';
import { Preferences, UpdatePreferencesBody } from './preferences.schemas.js';
import { createPreferenceService } from './preferences.service.js';

export const preferenceRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const preferences = createPreferenceService(ctx);

  app.patch(
    '/me',
    {
      schema: {
        tags: ['My account'],
        summary: 'Change my name, language or time zone',
        description:
          'Only the fields sent change. A time zone Intl does not know is a 400 naming `timeZone`; it is stored under its canonical IANA name.',
        body: UpdatePreferencesBody,
        response: { 200: Preferences, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => preferences.update(requireAuth(request), request.body, request.ip),
  );
};
