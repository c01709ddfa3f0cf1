import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.js';
import { requireAuth } from '../auth/auth.plugin.js';
import { errorResponses } from '../http/common.schemas.js';
import { AuditLogPage, AuditLogQuery } from './audit-log.schemas.js';
import { createAuditLogService } from './audit-log.service.js';

export const auditLogRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const auditLog = createAuditLogService(ctx);

  app.get(
    '/audit-log',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['Audit log'],
        summary: 'The organization’s audit log, newest first',
        description:
          'Sign-ins, failed sign-ins, and every change to users, roles, profiles, groups, sharing, settings and tokens, with before/after of the changed values.',
        querystring: AuditLogQuery,
        response: { 200: AuditLogPage, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => auditLog.list(requireAuth(request), request.query),
  );
};
