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
import { createHealthDaily, HEALTH_DAILY_JOB } from './health/health.daily.js';
import { createRollupService, ROLLUP_REBUILD_JOB } from './rollups/rollup.service.js';

// Currency conversion as the KPIs do it, for features that sum amounts (forecasts).
export { amountInCurrency } from './kpis/definitions/common.js';

/** Key account management: touchpoints kept in step with activities, surveys, KAM settings, the KPI engine and its rollups, the account health score. */
export const kamPlugin: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const module = getRecords(ctx);
  createTouchpointSync(ctx, module).subscribe();
  await app.register(surveyRoutes, { surveys: createSurveyService(ctx) });
  await app.register(kamSettingsRoutes, { settings: createKamSettingsService(ctx, module) });
  const rollups = createRollupService(ctx, { metadata: module.metadata });
  rollups.subscribe();
  await ctx.jobs.work(ROLLUP_REBUILD_JOB, async (job) => {
    await rollups.rebuildOrg(job.data.orgId);
  });
  app.addHook('onClose', () => rollups.close());
  const kpis = createKpiService(ctx, { metadata: module.metadata, rollups });
  await app.register(kpiRoutes, { kpis });
  await app.register(healthRoutes, { health: createHealthService(ctx, { metadata: module.metadata }) });
  const daily = createHealthDaily(ctx, { metadata: module.metadata, kpis });
  await ctx.jobs.work(HEALTH_DAILY_JOB, async () => {
    await daily.runDaily();
  });
  // Every hour: each organization's snapshot of its own local day, once, from 06:00 its time.
  ctx.jobs.scheduleOnStart(HEALTH_DAILY_JOB, '10 * * * *', {}, { expireInSeconds: 3600 });
};
