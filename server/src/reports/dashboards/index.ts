import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../platform/context.js';
import type { ReportService } from '../report.service.js';
import { createDashboardService } from './dashboard.service.js';
import { dashboardRoutes } from './dashboard.routes.js';

/** Dashboards (CRM-8): grids of report widgets, shared with roles, groups or everyone, run with one period. */
export const dashboardsPlugin: FastifyPluginAsyncTypebox<{ ctx: AppContext; reports: ReportService }> = async (app, { ctx, reports }) => {
  await app.register(dashboardRoutes, { dashboards: createDashboardService(ctx, { reports }) });
};
