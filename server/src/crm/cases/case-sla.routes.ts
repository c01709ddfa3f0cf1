import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAuth } from '../../platform/auth/auth.plugin.js';
import { recordAudit } from '../../platform/audit/audit.service.js';
import { badRequest } from '../../platform/http/app-error.js';
import { errorResponses } from '../../platform/http/common.schemas.js';
import type { AppContext } from '../../platform/context.js';
import type { MetadataStore } from '../../records/index.js';
import { listSlaPolicies, replaceSlaPolicies } from './case-sla.js';

const tags = ['Cases'];
const Policies = Type.Object({
  policies: Type.Record(Type.String(), Type.Integer({ minimum: 1, maximum: 525_600 }), {
    description: 'Resolution time per case priority code, in business minutes (the organization’s business hours and holidays).',
  }),
});

export const caseSlaRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext; metadata: MetadataStore }> = async (app, { ctx, metadata }) => {
  app.get(
    '/settings/case-sla',
    { schema: { tags, summary: 'SLA resolution times of cases, per priority', response: { 200: Policies, ...errorResponses(401) } } },
    async (request) => ({ policies: await listSlaPolicies(ctx.database.db, requireAuth(request).orgId) }),
  );

  app.put(
    '/settings/case-sla',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Set the SLA resolution times (new and re-prioritized cases use them)',
        body: Policies,
        response: { 200: Policies, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const auth = requireAuth(request);
      const cases = (await metadata.get(auth.orgId, auth.orgSchema)).modules.get('cases');
      const codes = new Set(cases?.fields.find((field) => field.apiName === 'priority')?.options.values?.map((value) => value.code) ?? []);
      for (const priority of Object.keys(request.body.policies)) {
        if (!codes.has(priority)) throw badRequest(`"${priority}" is not a case priority.`, `policies.${priority}`);
      }
      await ctx.database.transaction('cases.sla-policies', async (trx) => {
        await replaceSlaPolicies(trx, auth.orgId, request.body.policies);
        await recordAudit(trx, {
          orgId: auth.orgId,
          actorId: auth.userId,
          action: 'case_sla.updated',
          targetType: 'organization',
          targetId: auth.orgId,
          after: request.body.policies,
          ip: request.ip,
        });
      });
      return { policies: await listSlaPolicies(ctx.database.db, auth.orgId) };
    },
  );
};
