import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../platform/context.js';
import { getRecords } from '../records/index.js';
import { forecastRoutes } from './forecast.routes.js';
import { createForecastService, type ForecastService } from './forecast.service.js';
import { runWeeklySnapshots, WEEKLY_SNAPSHOT_JOB } from './forecast-snapshots.js';

export { FORECASTS_PERMISSION } from './forecast.service.js';

const services = new WeakMap<AppContext, ForecastService>();

/** The forecast service of this app (tests run the weekly snapshot through it). */
export function getForecasts(ctx: AppContext): ForecastService {
  let service = services.get(ctx);
  if (!service) {
    const { records, metadata } = getRecords(ctx);
    service = createForecastService(ctx, { records, metadata });
    services.set(ctx, service);
  }
  return service;
}

/** Sales forecasts: figures by category per user and fiscal period up the role hierarchy, quotas and weekly snapshots. */
export const forecastsPlugin: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const forecasts = getForecasts(ctx);
  await app.register(forecastRoutes, { forecasts });
  await ctx.jobs.work(WEEKLY_SNAPSHOT_JOB, async () => {
    await runWeeklySnapshots(ctx, forecasts);
  });
  // Every hour: each organization's snapshot once on Monday, from 06:00 its time.
  ctx.jobs.scheduleOnStart(WEEKLY_SNAPSHOT_JOB, '25 * * * *', {}, { expireInSeconds: 3600 });
};
