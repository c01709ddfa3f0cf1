import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAuth } from '../../platform/auth/auth.plugin.js';
import { errorResponses, IdParams, NoContent } from '../../platform/http/common.schemas.js';
import { CreateDashboardBody, Dashboard, DashboardRun, RunDashboardBody, UpdateDashboardBody } from './dashboard.schemas.js';
import type { DashboardService } from './dashboard.service.js';

const tags = ['Reports'];
const PERMISSION =
  'Needs the `reports` profile key (read to see and run, create or edit to make dashboards) or an administrator. A dashboard is seen by its owner, by administrators and by those it is shared with (roles, groups, everyone); a dashboard one cannot see is a 404.';

export const dashboardRoutes: FastifyPluginAsyncTypebox<{ dashboards: DashboardService }> = async (app, { dashboards }) => {
  app.get(
    '/dashboards',
    {
      schema: {
        tags,
        summary: 'Dashboards: mine and shared with me',
        description: PERMISSION,
        response: { 200: Type.Object({ data: Type.Array(Dashboard) }), ...errorResponses(401, 403) },
      },
    },
    async (request) => ({ data: await dashboards.list(requireAuth(request)) }),
  );

  app.post(
    '/dashboards',
    {
      schema: {
        tags,
        summary: 'Create a dashboard',
        description: `${PERMISSION} Every widget’s report must be visible to the caller (400 naming the widget otherwise).`,
        body: CreateDashboardBody,
        response: { 201: Dashboard, ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => reply.status(201).send(await dashboards.create(requireAuth(request), request.body)),
  );

  app.get(
    '/dashboards/:id',
    {
      schema: {
        tags,
        summary: 'A dashboard',
        description: PERMISSION,
        params: IdParams,
        response: { 200: Dashboard, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => dashboards.get(requireAuth(request), request.params.id),
  );

  app.patch(
    '/dashboards/:id',
    {
      schema: {
        tags,
        summary: 'Change a dashboard',
        description: `${PERMISSION} Only the owner or an administrator (403 for others who see it). Send only what changes; \`widgets\` replaces the whole list (keep each widget’s \`id\`).`,
        params: IdParams,
        body: UpdateDashboardBody,
        response: { 200: Dashboard, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => dashboards.update(requireAuth(request), request.params.id, request.body),
  );

  app.delete(
    '/dashboards/:id',
    {
      schema: {
        tags,
        summary: 'Delete a dashboard',
        description: `${PERMISSION} Only the owner or an administrator. The reports stay.`,
        params: IdParams,
        response: { 204: NoContent, ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await dashboards.remove(requireAuth(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/dashboards/:id/run',
    {
      // The body is optional, as for a report's run: a bare POST runs with the dashboard's period.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        tags,
        summary: 'Run every widget of a dashboard',
        description: `${PERMISSION} Each widget runs as the caller, with \`period\` (else the dashboard’s period) replacing its report’s range. A widget whose report the caller may not see answers \`{id, error: {code: "forbidden"}}\` and the others still run.`,
        params: IdParams,
        body: RunDashboardBody,
        response: { 200: DashboardRun, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => dashboards.run(requireAuth(request), request.params.id, request.body.period),
  );
};
