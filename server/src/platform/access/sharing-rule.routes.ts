import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.js';
import { requireAuth } from '../auth/auth.plugin.js';
import { errorResponses, IdParams, NoContent } from '../http/common.schemas.js';
import { CreateSharingRuleBody, SharingRule, SharingRuleList, UpdateSharingRuleBody } from './sharing-rule.schemas.js';
import { createSharingRuleService } from './sharing-rule.service.js';

const tags = ['Sharing'];

export const sharingRuleRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const rules = createSharingRuleService(ctx);

  app.get(
    '/sharing-rules',
    {
      config: { access: 'admin' },
      schema: { tags, summary: 'Every sharing rule of the organization', response: { 200: SharingRuleList, ...errorResponses(401, 403) } },
    },
    async (request) => ({ data: await rules.list(requireAuth(request)) }),
  );

  app.post(
    '/sharing-rules',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Create a sharing rule',
        description:
          'Records of `module` owned by the source (role, role and subordinates, or group) become readable (read) or editable (read_write) by the target. An unknown module, role or group is a 400 naming the field.',
        body: CreateSharingRuleBody,
        response: { 201: SharingRule, ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => reply.status(201).send(await rules.create(requireAuth(request), request.body, request.ip)),
  );

  app.patch(
    '/sharing-rules/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Change a sharing rule (its module stays)',
        params: IdParams,
        body: UpdateSharingRuleBody,
        response: { 200: SharingRule, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => rules.update(requireAuth(request), request.params.id, request.body, request.ip),
  );

  app.delete(
    '/sharing-rules/:id',
    {
      config: { access: 'admin' },
      schema: { tags, summary: 'Delete a sharing rule', params: IdParams, response: { 204: NoContent, ...errorResponses(401, 403, 404) } },
    },
    async (request, reply) => {
      await rules.remove(requireAuth(request), request.params.id, request.ip);
      return reply.status(204).send(null);
    },
  );
};
