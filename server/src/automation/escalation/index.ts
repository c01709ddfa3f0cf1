import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../platform/context.js';
import { getRecords } from '../../records/index.js';
import { createEscalationService } from './escalation.service.js';
import { escalationRoutes } from './escalation.routes.js';
import { createEscalationRunner, ESCALATION_JOB } from './escalation.runner.js';

/** Case escalation (AUT-7): the rules' API and the job that escalates overdue cases every 5 minutes. */
export const escalationPlugin: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { metadata, records } = getRecords(ctx);
  await app.register(escalationRoutes, { rules: createEscalationService(ctx, { metadata }) });
  const runner = createEscalationRunner(ctx, { metadata, records });
  await ctx.jobs.work(ESCALATION_JOB, async () => {
    await runner.runAll();
  });
  ctx.jobs.scheduleOnStart(ESCALATION_JOB, '*/5 * * * *', {}, { expireInSeconds: 600 });
};
