import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireAuth } from '../platform/auth/auth.plugin.js';
import { errorResponses } from '../platform/http/common.schemas.js';
import { RecordList } from '../records/index.js';
import {
  ForecastDealsQuery,
  ForecastQuery,
  ForecastResponse,
  ForecastSettings,
  QuotasResponse,
  SetForecastSettingsBody,
  SetQuotasBody,
  SnapshotList,
  SnapshotTaken,
} from './forecast.schemas.js';
import type { ForecastService } from './forecast.service.js';

const tags = ['Forecasts'];
const READ =
  'Administrators, or a profile that names `forecasts` (read; edit also sets quotas), with read access to deals and their forecast fields. Only the deals the caller may see are counted, as in lists.';

export const forecastRoutes: FastifyPluginAsyncTypebox<{ forecasts: ForecastService }> = async (app, { forecasts }) => {
  app.get(
    '/forecasts',
    {
      schema: {
        tags,
        summary: 'A user’s forecast for a period, with their direct reports',
        description: `${READ} Open deals count in the period of their expected close date, won and lost ones in that of their closing. Won stages are closed, lost ones omitted; an open deal takes its \`forecast_category\`, else its stage’s. A manager sees the people below them in the role hierarchy; 403 for anyone else.`,
        querystring: ForecastQuery,
        response: { 200: ForecastResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => forecasts.getForecast(requireAuth(request), request.query),
  );

  app.get(
    '/forecasts/deals',
    {
      schema: {
        tags,
        summary: 'The deals behind a forecast number',
        description: `${READ} The deals of one category, period and user (with their team unless \`scope=own\`), largest first, as \`POST /records/deals/query\` answers.`,
        querystring: ForecastDealsQuery,
        response: { 200: RecordList, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => forecasts.listDeals(requireAuth(request), request.query),
  );

  app.put(
    '/forecasts/quotas',
    {
      schema: {
        tags,
        summary: 'Set or remove quotas',
        description:
          'Administrators for anyone; a profile with `forecasts.edit` for the users below the caller in the role hierarchy (403 for anyone else, and nothing is written).',
        body: SetQuotasBody,
        response: { 200: QuotasResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ({ data: await forecasts.setQuotas(requireAuth(request), request.body.quotas) }),
  );

  app.get(
    '/forecasts/settings',
    {
      schema: {
        tags,
        summary: 'Deal stages and their forecast categories',
        description: 'Administrators, or a profile that names `forecasts`.',
        response: { 200: ForecastSettings, ...errorResponses(401, 403) },
      },
    },
    async (request) => forecasts.getSettings(requireAuth(request)),
  );

  app.put(
    '/forecasts/settings',
    {
      schema: {
        tags,
        summary: 'Map open deal stages to forecast categories',
        description: 'Administrators only. Won and lost stages cannot be mapped (400).',
        body: SetForecastSettingsBody,
        response: { 200: ForecastSettings, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => forecasts.setSettings(requireAuth(request), request.body),
  );

  app.get(
    '/forecasts/snapshots',
    {
      schema: {
        tags,
        summary: 'Forecast snapshots, newest first',
        description:
          'Administrators, or a profile that names `forecasts`. One is taken every Monday from 06:00 in the organization’s time zone; its date is what `compareTo` takes.',
        response: { 200: SnapshotList, ...errorResponses(401, 403) },
      },
    },
    async (request) => ({ data: await forecasts.listSnapshots(requireAuth(request)) }),
  );

  app.post(
    '/forecasts/snapshots',
    {
      schema: {
        tags,
        summary: 'Take a forecast snapshot now',
        description:
          'Administrators only. Stores every user’s own figures (all their deals) for the current and next fiscal month and quarter under today’s date, replacing a snapshot of the same date.',
        response: { 201: SnapshotTaken, ...errorResponses(401, 403) },
      },
    },
    async (request, reply) => reply.status(201).send(await forecasts.snapshotNow(requireAuth(request))),
  );
};
