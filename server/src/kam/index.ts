import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../platform/context.js';
import { getRecords } from '../records/index.js';
import { createKpiService } from './kpis/kpi.service.js';
import { kpiRoutes } from './kpis/kpi.routes.js';

/** Key account management: the KPI engine (more capabilities join here: touchpoints, surveys, settings, health). */
export const kamPlugin: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { metadata } = getRecords(ctx);
  await app.register(kpiRoutes, { kpis: createKpiService(ctx, { metadata }) });
};
