import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../platform/context.js';
import { getRecords } from '../records/index.js';
import { createReportService, type ReportService } from './report.service.js';
import { reportRoutes } from './report.routes.js';
import { createQueryService } from './query/query.service.js';
import { queryRoutes } from './query/query.routes.js';
import { dashboardsPlugin } from './dashboards/index.js';
import { reportSchedulesPlugin } from './schedules/index.js';

export type { ReportService } from './report.service.js';
export type { RunResult } from './report.engine.js';
export { REPORTS_PERMISSION } from './report.service.js';
export { getReportSchedules } from './schedules/index.js';

const services = new WeakMap<AppContext, ReportService>();

/** The report service of this app (dashboards and schedules run reports through it, as the caller or the report's owner). */
export function getReports(ctx: AppContext): ReportService {
  let service = services.get(ctx);
  if (!service) {
    const { records, metadata } = getRecords(ctx);
    service = createReportService(ctx, { records, metadata });
    services.set(ctx, service);
  }
  return service;
}

/** Reports (CRM-8): tabular, summary and matrix reports over any module, run as the caller; the gallery of ready reports. */
export const reportsPlugin: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  await app.register(reportRoutes, { reports: getReports(ctx) });
  await app.register(queryRoutes, { query: createQueryService({ reports: getReports(ctx), now: () => ctx.now() }) });
  await app.register(dashboardsPlugin, { ctx, reports: getReports(ctx) });
  await app.register(reportSchedulesPlugin, { ctx, reports: getReports(ctx) });
};
