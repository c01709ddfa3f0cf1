import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.js';
import { requireAuth } from '../auth/auth.plugin.js';
import { errorResponses } from '../http/common.schemas.js';
import { ModuleParams, PutSharingBody, SharingDefault, SharingList } from './sharing.schemas.js';
import { createSharingService } from './sharing.service.js';

const tags = ['Sharing'];

export const sharingRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const sharing = createSharingService(ctx);

  app.get(
    '/sharing',
    {
      schema: {
        tags,
        summary: 'Org-wide default sharing of every module that has one (the rest are private)',
        response: { 200: SharingList, ...errorResponses(401) },
      },
    },
    async (request) => sharing.list(requireAuth(request)),
  );

  app.put(
    '/sharing/:module',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Set a module’s org-wide default sharing',
        params: ModuleParams,
        body: PutSharingBody,
        response: { 200: SharingDefault, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => sharing.set(requireAuth(request), request.params.module, request.body.access, request.ip),
  );
};
