import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAuth } from '../../platform/auth/auth.plugin.js';
import { errorResponses, IdParams, NoContent } from '../../platform/http/common.schemas.js';
import { CreateReportScheduleBody, ReportSchedule, UpdateReportScheduleBody } from './schedule.schemas.js';
import type { ReportScheduleService } from './schedule.service.js';

const tags = ['Reports'];
const PERMISSION =
  'Needs the `reports` profile key. Whoever sees a report sees its schedules; only its owner (with create or edit) or an administrator manages them (403 for others who see the report, 404 for those who do not).';

export const reportScheduleRoutes: FastifyPluginAsyncTypebox<{ schedules: ReportScheduleService }> = async (app, { schedules }) => {
  app.get(
    '/reports/:id/schedules',
    {
      schema: {
        tags,
        summary: 'The schedules of a report',
        description: PERMISSION,
        params: IdParams,
        response: { 200: Type.Object({ data: Type.Array(ReportSchedule) }), ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => ({ data: await schedules.list(requireAuth(request), request.params.id) }),
  );

  app.post(
    '/reports/:id/schedules',
    {
      schema: {
        tags,
        summary: 'Mail a report on a schedule',
        description: `${PERMISSION} The report runs as its owner at \`time\` in the organization’s time zone and is mailed (CSV, XLSX or PDF) to the active users among the recipients, each once.`,
        params: IdParams,
        body: CreateReportScheduleBody,
        response: { 201: ReportSchedule, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => reply.status(201).send(await schedules.create(requireAuth(request), request.params.id, request.body)),
  );

  app.patch(
    '/report-schedules/:id',
    {
      schema: {
        tags,
        summary: 'Change a report schedule',
        description: `${PERMISSION} Send only what changes; the next run is computed again.`,
        params: IdParams,
        body: UpdateReportScheduleBody,
        response: { 200: ReportSchedule, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => schedules.update(requireAuth(request), request.params.id, request.body),
  );

  app.delete(
    '/report-schedules/:id',
    {
      schema: {
        tags,
        summary: 'Stop mailing a report',
        description: PERMISSION,
        params: IdParams,
        response: { 204: NoContent, ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await schedules.remove(requireAuth(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
};
