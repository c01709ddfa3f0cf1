import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../platform/context.js';
import { getRecords } from '../records/index.js';
import { dealStageBehaviour } from './deals/deal-stage.behaviour.js';
import { leadConversionRoutes } from './leads/lead-conversion.routes.js';
import { createLeadConversionService } from './leads/lead-conversion.service.js';

/** The standard modules' behaviour (deal stages, lead conversion, cases, inventory documents). */
export const crmPlugin: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  getRecords(ctx).behaviours.set('deals', dealStageBehaviour);
  await app.register(leadConversionRoutes, { conversion: createLeadConversionService(ctx) });
};
