import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../platform/context.js';
import { getRecords } from '../records/index.js';
import { dealStageBehaviour } from './deals/deal-stage.behaviour.js';
import { leadConversionRoutes } from './leads/lead-conversion.routes.js';
import { createLeadConversionService } from './leads/lead-conversion.service.js';
import { caseSlaBehaviour } from './cases/case-sla.js';
import { caseSlaRoutes } from './cases/case-sla.routes.js';
import { calendarCardRoutes } from './calendar-cards/calendar-cards.routes.js';
import { createLineItemsService } from './inventory/line-items.service.js';
import { lineItemRoutes } from './inventory/line-items.routes.js';

// What other features use of crm: working time on the organization's business hours and holidays (case escalation).
export { addBusinessMinutes, localParts, zonedTime, type BusinessCalendar } from './cases/business-calendar.js';

/** The standard modules' behaviour (deal stages, lead conversion, cases, inventory documents). */
export const crmPlugin: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const module = getRecords(ctx);
  const { records, behaviours, metadata } = module;
  behaviours.set('deals', dealStageBehaviour);
  behaviours.set('cases', caseSlaBehaviour);
  await app.register(caseSlaRoutes, { ctx, metadata });
  await app.register(calendarCardRoutes, { ctx, records });
  await app.register(lineItemRoutes, { lineItems: createLineItemsService(ctx, module) });
  await app.register(leadConversionRoutes, { conversion: createLeadConversionService(ctx) });
};
