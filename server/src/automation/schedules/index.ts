import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../platform/context.js';
import { getRecords } from '../../records/index.js';
import { getWorkflowEngine } from '../index.js';
import { getFunctionRunner } from '../functions/index.js';
import { createWorkflowService } from '../workflow/workflow.service.js';
import { createScheduleRunner, EMAIL_JOB, RUN_JOB, TICK_JOB, type ScheduleRunner } from './schedule.runner.js';
import { createScheduleService } from './schedule.service.js';
import { scheduleRoutes } from './schedule.routes.js';

const runners = new WeakMap<AppContext, ScheduleRunner>();

/** The schedule runner of this app (tests drive its tick and run job directly). */
export function getScheduleRunner(ctx: AppContext): ScheduleRunner {
  let runner = runners.get(ctx);
  if (!runner) {
    const { records, metadata } = getRecords(ctx);
    runner = createScheduleRunner(ctx, { records, metadata, functions: getFunctionRunner(ctx) });
    runners.set(ctx, runner);
  }
  return runner;
}

/** Schedules (AUT-5): the API, a tick every minute, the run job and its e-mails. */
export const schedulesPlugin: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { records, metadata } = getRecords(ctx);
  const runner = getScheduleRunner(ctx);
  const workflow = createWorkflowService(ctx, { records, metadata, engine: getWorkflowEngine(ctx) });
  await app.register(scheduleRoutes, { schedules: createScheduleService(ctx, { workflow, runner }) });
  await ctx.jobs.work(TICK_JOB, async () => {
    await runner.tick();
  });
  await ctx.jobs.work(RUN_JOB, (job) => runner.runOne(job.data));
  await ctx.jobs.work(EMAIL_JOB, (job) => runner.sendEmail(job.data));
  ctx.jobs.scheduleOnStart(TICK_JOB, '* * * * *', {}, { expireInSeconds: 120 });
};
