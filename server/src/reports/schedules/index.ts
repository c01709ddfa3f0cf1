import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../platform/context.js';
import type { ReportService } from '../report.service.js';
import { createReportScheduleService, SEND_JOB, TICK_JOB, type ReportScheduleService } from './schedule.service.js';
import { reportScheduleRoutes } from './schedule.routes.js';

const services = new WeakMap<AppContext, ReportScheduleService>();

/** The report schedules of this app (tests drive its tick and send job directly). */
export function getReportSchedules(ctx: AppContext, reports: ReportService): ReportScheduleService {
  let service = services.get(ctx);
  if (!service) {
    service = createReportScheduleService(ctx, { reports });
    services.set(ctx, service);
  }
  return service;
}

/** Scheduled reports (CRM-8): the API, a tick every minute and the job that runs and mails each due report. */
export const reportSchedulesPlugin: FastifyPluginAsyncTypebox<{ ctx: AppContext; reports: ReportService }> = async (
  app,
  { ctx, reports },
) => {
  const schedules = getReportSchedules(ctx, reports);
  await app.register(reportScheduleRoutes, { schedules });
  await ctx.jobs.work(TICK_JOB, async () => {
    await schedules.tick();
  });
  await ctx.jobs.work(SEND_JOB, (job) => schedules.send(job.data));
  ctx.jobs.scheduleOnStart(TICK_JOB, '* * * * *', {}, { expireInSeconds: 120 });
};
