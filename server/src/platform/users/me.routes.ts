import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.js';
import { requireAuth } from '../auth/auth.plugin.js';
import { errorResponses } from '../http/common.schemas.js';
import { MeResponse } from './me.schemas.js';

export const meRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/me',
    {
      schema: {
        tags: ['My account'],
        summary: 'The signed-in user, their organization, permissions and CSRF token',
        response: { 200: MeResponse, ...errorResponses(401) },
      },
    },
    async (request) => {
      // Everything comes from the request context, read in the one statement that authenticated the caller.
      const auth = requireAuth(request);
      const org = auth.organization;
      return {
        user: {
          id: auth.userId,
          name: auth.name,
          email: auth.email,
          language: auth.language,
          timeZone: auth.timeZone,
          roleId: auth.roleId,
          profileId: auth.profileId,
          twoFactorEnabled: auth.twoFactorEnabled,
        },
        organization: {
          id: auth.orgId,
          name: org.name,
          logo: org.logo,
          currency: org.currency,
          timeZone: org.timeZone,
          defaultLanguage: org.defaultLanguage,
        },
        mailDelivery: ctx.config.smtpUrl ? ('smtp' as const) : ('outbox' as const),
        permissions: {
          isAdmin: auth.isAdmin,
          modules: auth.modulePermissions as Record<string, Record<string, boolean>>,
          fields: auth.fieldPermissions,
        },
        csrfToken: auth.csrfToken ?? null,
      };
    },
  );
};
