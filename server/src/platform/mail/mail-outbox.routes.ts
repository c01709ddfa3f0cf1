import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.js';
import { requireAuth } from '../auth/auth.plugin.js';
import { errorResponses } from '../http/common.schemas.js';
import { MailOutboxPage, MailOutboxQuery } from './mail-outbox.schemas.js';
import { createMailOutboxService } from './mail-outbox.service.js';

export const mailOutboxRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const outbox = createMailOutboxService(ctx);

  app.get(
    '/mail-outbox',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['Mail outbox'],
        summary: 'Mail sent or stored for the organization, newest first',
        description: 'Without SMTP_URL this is where mail goes: administrators read it here.',
        querystring: MailOutboxQuery,
        response: { 200: MailOutboxPage, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => outbox.list(requireAuth(request), request.query),
  );
};
