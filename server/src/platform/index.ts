import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from './context.js';
import { authRoutes } from './auth/auth.routes.js';
import { meRoutes } from './users/me.routes.js';
import { tokenRoutes } from './tokens/token.routes.js';
import { notificationsPlugin } from './notifications/index.js';
import { eventStreamRoutes } from './events/stream.routes.js';

/** Every platform API route, mounted under /api/v1. Add a module's routes here. */
export const platformRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  await app.register(authRoutes, { ctx });
  await app.register(meRoutes, { ctx });
  await app.register(tokenRoutes, { ctx });
  await app.register(notificationsPlugin, { ctx });
  await app.register(eventStreamRoutes, { ctx });
};
