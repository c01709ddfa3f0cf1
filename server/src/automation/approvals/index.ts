import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../platform/context.js';
import { getRecords } from '../../records/index.js';
import { createApprovalEngine } from './approval.engine.js';
import { createApprovalService } from './approval.service.js';
import { approvalRoutes } from './approval.routes.js';

/**
 * Approval processes (AUT-2): the API under /automation/approval-processes, /automation/approvals and
 * /automation/approval-delegates, the record lock (records' beforeUpdate hook) and the event handlers that submit
 * records (registered after the workflow rules', so an event runs its workflow rules first).
 */
export const approvalsPlugin: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { records, metadata, hooks } = getRecords(ctx);
  const engine = createApprovalEngine(ctx, { records, metadata });
  (hooks.beforeUpdate ??= []).push(engine.guard);
  await engine.subscribe();
  await app.register(approvalRoutes, { approvals: createApprovalService(ctx, { records, metadata, engine }) });
};
