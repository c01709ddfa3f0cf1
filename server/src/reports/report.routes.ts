import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireAuth } from '../platform/auth/auth.plugin.js';
import { errorResponses, IdParams, NoContent } from '../platform/http/common.schemas.js';
import {
  CreateReportBody,
  DrillDownBody,
  DrillDownDefinitionBody,
  DrillDownPage,
  GalleryList,
  Report,
  ReportList,
  ReportListQuery,
  RunDefinitionBody,
  RunResult,
  RunSavedBody,
  UpdateReportBody,
} from './report.schemas.js';
import type { ReportService } from './report.service.js';

const tags = ['Reports'];
const PERMISSION =
  'Needs the profile permission `reports` (`read` to see and run the reports shared with you, `create` or `edit` to build your own); administrators have it. ' +
  'Every run reads as the caller: the module permission (403), hidden fields (unknown: 400) and the records the caller may see.';
const BAD_DEFINITION = '400 names the bad part of the definition in `details.path` (`groupBy[1].field`).';

export const reportRoutes: FastifyPluginAsyncTypebox<{ reports: ReportService }> = async (app, { reports }) => {
  app.get(
    '/reports',
    {
      schema: {
        tags,
        summary: 'The caller’s reports and those shared with them, by name',
        description: PERMISSION,
        querystring: ReportListQuery,
        response: { 200: ReportList, ...errorResponses(401, 403) },
      },
    },
    async (request) => ({ data: await reports.list(requireAuth(request), request.query.folder) }),
  );

  app.post(
    '/reports',
    {
      schema: {
        tags,
        summary: 'Create a report',
        description: `${PERMISSION} ${BAD_DEFINITION}`,
        body: CreateReportBody,
        response: { 201: Report, ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => reply.status(201).send(await reports.create(requireAuth(request), request.body)),
  );

  app.get(
    '/reports/gallery',
    {
      schema: {
        tags,
        summary: 'Ready reports over the standard modules',
        description: 'Pipeline by stage, won revenue by month, deals by owner, cases by SLA status, leads by source, activities by user.',
        response: { 200: GalleryList, ...errorResponses(401, 403) },
      },
    },
    async (request) => ({ data: await reports.gallery(requireAuth(request)) }),
  );

  app.post(
    '/reports/run',
    {
      schema: {
        tags,
        summary: 'Run a definition that is not saved (the builder’s preview)',
        description: `${PERMISSION} ${BAD_DEFINITION}`,
        body: RunDefinitionBody,
        response: { 200: RunResult, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => reports.preview(requireAuth(request), request.body.definition, request.body.period),
  );

  app.post(
    '/reports/records',
    {
      schema: {
        tags,
        summary: 'The records behind a group, bar or cell of a definition that is not saved',
        description: `${PERMISSION} The same records and shape as GET /records/{module}.`,
        body: DrillDownDefinitionBody,
        response: { 200: DrillDownPage, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { definition, ...input } = request.body;
      return reports.drillDownPreview(requireAuth(request), definition, input);
    },
  );

  app.get(
    '/reports/:id',
    { schema: { tags, summary: 'A report', params: IdParams, response: { 200: Report, ...errorResponses(401, 403, 404) } } },
    async (request) => reports.get(requireAuth(request), request.params.id),
  );

  app.patch(
    '/reports/:id',
    {
      schema: {
        tags,
        summary: 'Change a report',
        description: `Its owner or an administrator; only the fields sent change. ${BAD_DEFINITION}`,
        params: IdParams,
        body: UpdateReportBody,
        response: { 200: Report, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => reports.update(requireAuth(request), request.params.id, request.body),
  );

  app.delete(
    '/reports/:id',
    {
      schema: {
        tags,
        summary: 'Delete a report',
        description: 'Its owner or an administrator.',
        params: IdParams,
        response: { 204: NoContent, ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await reports.remove(requireAuth(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/reports/:id/run',
    {
      // The body is optional: a bare POST runs the report as saved.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        tags,
        summary: 'Run a saved report',
        description: `${PERMISSION} \`period\` overrides the range of the report’s period field (a dashboard’s period).`,
        params: IdParams,
        body: RunSavedBody,
        response: { 200: RunResult, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => reports.run(requireAuth(request), request.params.id, request.body.period),
  );

  app.post(
    '/reports/:id/records',
    {
      schema: {
        tags,
        summary: 'The records behind a group, bar or cell of a saved report',
        description: `${PERMISSION} \`keys\` are the group’s keys as the run gave them (row and column keys for a cell); the same records and shape as GET /records/{module}.`,
        params: IdParams,
        body: DrillDownBody,
        response: { 200: DrillDownPage, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => reports.drillDown(requireAuth(request), request.params.id, request.body),
  );
};
