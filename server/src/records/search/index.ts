import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../platform/context.js';
import { getRecords } from '../index.js';
import { searchRoutes } from './search.routes.js';
import { createSearchService } from './search.service.js';

/** GET /api/v1/search: the global search over every module's records. */
export const searchPlugin: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  await app.register(searchRoutes, { search: createSearchService(ctx, { metadata: getRecords(ctx).metadata }) });
};
