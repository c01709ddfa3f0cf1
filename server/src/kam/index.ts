import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../platform/context.js';
import { getRecords } from '../records/index.js';
import { createTouchpointSync } from './touchpoints/touchpoint-sync.service.js';
import { createSurveyService } from './surveys/survey.service.js';
import { surveyRoutes } from './surveys/survey.routes.js';
import { createKamSettingsService } from './settings/kam-settings.service.js';
import { kamSettingsRoutes } from './settings/kam-settings.routes.js';
import { createKpiService } from './kpis/kpi.service.js';
import { kpiRoutes } from './kpis/kpi.routes.js';
import { createHealthService } from './health/health.service.js';
import { healthRoutes } from './health/health.routes.js';

/** Key account management: touchpoints kept in step with activities, surveys, KAM settings, the KPI engine, the account health score. */
export const kamPlugin: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const module = getRecords(ctx);
  createTouchpointSync(ctx, module).subscribe();
  await app.register(surveyRoutes, { surveys: createSurveyService(ctx) });
  await app.register(kamSettingsRoutes, { settings: createKamSettingsService(ctx, module) });
  await app.register(kpiRoutes, { kpis: createKpiService(ctx, { metadata: module.metadata }) });
  await app.register(healthRoutes, { health: createHealthService(ctx, { metadata: module.metadata }) });
};
