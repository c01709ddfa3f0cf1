import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../platform/context.js';
import { getRecords } from '../records/index.js';
import { createWorkflowEngine, type WorkflowEngine } from './workflow/workflow.engine.js';
import { createWorkflowService } from './workflow/workflow.service.js';
import { workflowRoutes } from './workflow/workflow.routes.js';
import { PRUNE_EXECUTIONS_JOB, pruneExecutions } from './workflow/workflow.retention.js';
import { assignmentPlugin } from './assignment/index.js';
import { escalationPlugin } from './escalation/index.js';
import { approvalsPlugin } from './approvals/index.js';
import { blueprintsPlugin } from './blueprints/index.js';
import { scoringPlugin } from './scoring/index.js';
import { functionsPlugin } from './functions/index.js';
import { schedulesPlugin } from './schedules/index.js';

/** The schedules' calendar (next run in an organization's time zone) and their list of organizations, reused by reports/schedules. */
export { nextRunAfter } from './schedules/schedule.calendar.js';
export { listOrganizations } from './schedules/schedule.repository.js';

const engines = new WeakMap<AppContext, WorkflowEngine>();

/** The workflow engine of this app (tests call its handlers directly to replay an event or a due job). */
export function getWorkflowEngine(ctx: AppContext): WorkflowEngine {
  let engine = engines.get(ctx);
  if (!engine) {
    const { records, metadata, behaviours } = getRecords(ctx);
    engine = createWorkflowEngine(ctx, { records, metadata, behaviours });
    engines.set(ctx, engine);
  }
  return engine;
}

/**
 * Automation: workflow rules (triggers, criteria, instant and scheduled actions) and their execution log,
 * assignment rules (in the create transaction), case escalation, approval processes, Blueprints and scoring rules.
 */
export const automationPlugin: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { records, metadata } = getRecords(ctx);
  const engine = getWorkflowEngine(ctx);
  await engine.subscribe();
  await app.register(workflowRoutes, { workflow: createWorkflowService(ctx, { records, metadata, engine }) });
  await ctx.jobs.work(PRUNE_EXECUTIONS_JOB, async () => {
    await pruneExecutions(ctx);
  });
  // Every day at 03:37 UTC.
  ctx.jobs.scheduleOnStart(PRUNE_EXECUTIONS_JOB, '37 3 * * *', {}, { expireInSeconds: 3 * 3600 });
  await app.register(assignmentPlugin, { ctx });
  await app.register(escalationPlugin, { ctx });
  await app.register(functionsPlugin, { ctx });
  await app.register(schedulesPlugin, { ctx });
  // After the workflow engine subscribed: a record event runs workflow rules, then approval processes.
  await app.register(approvalsPlugin, { ctx });
  // After approvals: a record event puts records in their Blueprint state once the approval processes ran.
  await app.register(blueprintsPlugin, { ctx });
  // Last: its event handlers run after the other rules' (workflow → approval → Blueprint → scoring).
  await app.register(scoringPlugin, { ctx });
};
