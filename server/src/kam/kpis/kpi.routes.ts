import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireAuth } from '../../platform/auth/auth.plugin.js';
import { errorResponses } from '../../platform/http/common.schemas.js';
import type { KpiService } from './kpi.service.js';
import {
  AcquisitionCurveQuery,
  AcquisitionCurveResponse,
  KpiIdParams,
  KpiListQuery,
  KpiListResponse,
  KpiRecordsQuery,
  KpiRecordsResponse,
} from './kpi.schemas.js';

const tags = ['KAM'];

/** The KPI engine's API: KPIs of a scope and period, the records behind one, the acquisition curve. */
export const kpiRoutes: FastifyPluginAsyncTypebox<{ kpis: KpiService }> = async (app, { kpis }) => {
  app.get(
    '/kam/kpis',
    {
      schema: {
        tags,
        summary: 'Key-account KPIs of a scope and period, with the previous period, the target and the last 8 periods',
        querystring: KpiListQuery,
        response: { 200: KpiListResponse, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => kpis.listKpis(requireAuth(request), request.query),
  );

  app.get(
    '/kam/kpis/:id/records',
    {
      schema: {
        tags,
        summary: 'The records behind a KPI for a scope and period (paged by id)',
        params: KpiIdParams,
        querystring: KpiRecordsQuery,
        response: { 200: KpiRecordsResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => kpis.listKpiRecords(requireAuth(request), request.params.id, request.query),
  );

  app.get(
    '/kam/acquisition-curve',
    {
      schema: {
        tags,
        summary: 'Conversion of leads by number of touchpoints over the 12 months ending with the period, per channel',
        querystring: AcquisitionCurveQuery,
        response: { 200: AcquisitionCurveResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => kpis.getAcquisitionCurve(requireAuth(request), request.query),
  );
};
