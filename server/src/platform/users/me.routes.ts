import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.js';
import { requireAuth } from '../auth/auth.plugin.js';
import { errorResponses } from '../http/common.schemas.js';
import { MeResponse } from './me.schemas.js';

export const meRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get('/me', {
    schema: { tags: ['My account'], summary: 'The signed-in user, their organization, permissions and CSRF token', response: { 200: MeResponse, ...errorResponses(401) } },
  }, async (request) => {
    const auth = requireAuth(request);
    const [org, user] = await Promise.all([
      ctx.database.db.selectFrom('platform.organizations').select(['id', 'name', 'logo', 'currency', 'time_zone', 'default_language']).where('id', '=', auth.orgId).executeTakeFirstOrThrow(),
      ctx.database.db.selectFrom('platform.users').select(['totp_enabled']).where('id', '=', auth.userId).executeTakeFirstOrThrow(),
    ]);
    return {
      user: { id: auth.userId, name: auth.name, email: auth.email, language: auth.language, timeZone: auth.timeZone, roleId: auth.roleId, profileId: auth.profileId, twoFactorEnabled: user.totp_enabled },
      organization: { id: org.id, name: org.name, logo: org.logo, currency: org.currency, timeZone: org.time_zone, defaultLanguage: org.default_language },
      permissions: { isAdmin: auth.isAdmin, modules: auth.modulePermissions as Record<string, Record<string, boolean>>, fields: auth.fieldPermissions },
      csrfToken: auth.csrfToken ?? null,
    };
  });
};
