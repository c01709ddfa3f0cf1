import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../platform/context.js';
import { getRecords } from '../../records/index.js';
import { createAssignmentEngine } from './assignment-engine.js';
import { createAssignmentService } from './assignment.service.js';
import { assignmentRoutes } from './assignment.routes.js';

/** Assignment rules (AUT-1): the API under /automation/assignment-rules and the hooks that apply them on every create. */
export const assignmentPlugin: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const records = getRecords(ctx);
  const engine = createAssignmentEngine(ctx, records);
  (records.hooks.beforeInsert ??= []).push(engine.assign);
  records.hooks.afterWrite.push(engine.createFollowUpTasks);
  await app.register(assignmentRoutes, { rules: createAssignmentService(ctx, { metadata: records.metadata }) });
};
