import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from './context.js';
import { authRoutes } from './auth/auth.routes.js';
import { meRoutes } from './users/me.routes.js';
import { tokenRoutes } from './tokens/token.routes.js';
import { invitationRoutes } from './invitations/invitation.routes.js';
import { emailRoutes } from './emails/email.routes.js';
import { passwordRoutes } from './auth/passwords.routes.js';
import { twoFactorRoutes } from './auth/two-factor.routes.js';
import { preferenceRoutes } from './users/preferences.routes.js';
import { accessRoutes } from './access/index.js';
import { userRoutes } from './users/user.routes.js';
import { organizationRoutes } from './orgs/organization.routes.js';
import { auditLogRoutes } from './audit/audit-log.routes.js';
import { mailOutboxRoutes } from './mail/mail-outbox.routes.js';
import { notificationsPlugin } from './notifications/index.js';
import { eventStreamRoutes } from './events/stream.routes.js';
import { webhooksPlugin } from './webhooks/index.js';

/** Every platform API route, mounted under /api/v1. Add a module's routes here. */
export const platformRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  await app.register(authRoutes, { ctx });
  await app.register(meRoutes, { ctx });
  await app.register(tokenRoutes, { ctx });
  await app.register(invitationRoutes, { ctx });
  await app.register(emailRoutes, { ctx });
  await app.register(passwordRoutes, { ctx });
  await app.register(twoFactorRoutes, { ctx });
  await app.register(preferenceRoutes, { ctx });
  await app.register(accessRoutes, { ctx });
  await app.register(userRoutes, { ctx });
  await app.register(organizationRoutes, { ctx });
  await app.register(auditLogRoutes, { ctx });
  await app.register(mailOutboxRoutes, { ctx });
  await app.register(notificationsPlugin, { ctx });
  await app.register(eventStreamRoutes, { ctx });
  await app.register(webhooksPlugin, { ctx });
};
