import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../platform/context.js';
import { getRecords } from '../../records/index.js';
import { createBlueprintEngine } from './blueprint.engine.js';
import { createBlueprintService } from './blueprint.service.js';
import { createBlueprintRecordService } from './blueprint-record.service.js';
import { createBlueprintRunner, TIME_LIMIT_JOB } from './blueprint.runner.js';
import { blueprintRoutes } from './blueprint.routes.js';

/**
 * Blueprints (AUT-4): the API under /automation/blueprints and /automation/blueprint-records, the lock on a Blueprint's
 * field (records' beforeUpdate hook), the record event handlers that put records in their state (registered after
 * the approvals', before scoring's) and the time-limit job (every 5 minutes).
 */
export const blueprintsPlugin: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { records, metadata, hooks } = getRecords(ctx);
  const engine = createBlueprintEngine(ctx, { records, metadata });
  (hooks.beforeUpdate ??= []).push(engine.guard);
  engine.subscribe();
  await app.register(blueprintRoutes, {
    blueprints: createBlueprintService(ctx, { records, metadata, engine }),
    blueprintRecords: createBlueprintRecordService(ctx, { records, metadata, engine }),
  });
  const runner = createBlueprintRunner(ctx, { engine });
  await ctx.jobs.work(TIME_LIMIT_JOB, async () => {
    await runner.runAll();
  });
  ctx.jobs.scheduleOnStart(TIME_LIMIT_JOB, '*/5 * * * *', {}, { expireInSeconds: 600 });
};
