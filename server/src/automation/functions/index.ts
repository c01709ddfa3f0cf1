import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../platform/context.js';
import { getRecords } from '../../records/index.js';
import { createFunctionRunner, type FunctionRunner } from './function.runner.js';
import { createFunctionService } from './function.service.js';
import { functionRoutes } from './function.routes.js';

const runners = new WeakMap<AppContext, FunctionRunner>();

/** The function runner of this app (workflow actions and schedules run functions through it). */
export function getFunctionRunner(ctx: AppContext): FunctionRunner {
  let runner = runners.get(ctx);
  if (!runner) {
    runner = createFunctionRunner(ctx, { records: getRecords(ctx).records });
    runners.set(ctx, runner);
  }
  return runner;
}

/** Custom functions (AUT-6): the API; the runner serves workflow actions and schedules. */
export const functionsPlugin: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  await app.register(functionRoutes, {
    functions: createFunctionService(ctx, { metadata: getRecords(ctx).metadata, runner: getFunctionRunner(ctx) }),
  });
};
