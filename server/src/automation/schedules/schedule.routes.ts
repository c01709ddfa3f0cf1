import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAuth } from '../../platform/auth/auth.plugin.js';
import { errorResponses, IdParams, NoContent } from '../../platform/http/common.schemas.js';
import { CreateScheduleBody, Schedule, ScheduleList, ScheduleRunList, UpdateScheduleBody } from './schedule.schemas.js';
import type { ScheduleService } from './schedule.service.js';

const tags = ['Automation: schedules'];
const PERMISSION = 'Needs the profile permission `automation` (`read` to look, `create` or `edit` to change); administrators have it.';
const HOW =
  'Checked every minute; a run handles the matching records in chunks of 100, each record once per run (a run resumed after a crash skips those done).';

export const scheduleRoutes: FastifyPluginAsyncTypebox<{ schedules: ScheduleService }> = async (app, { schedules }) => {
  app.get(
    '/automation/schedules',
    {
      schema: {
        tags,
        summary: 'Schedules, with their next run',
        description: PERMISSION,
        response: { 200: ScheduleList, ...errorResponses(401, 403) },
      },
    },
    async (request) => ({ data: await schedules.list(requireAuth(request)) }),
  );

  app.post(
    '/automation/schedules',
    {
      schema: {
        tags,
        summary: 'Create a schedule',
        description: `${PERMISSION} ${HOW} A custom function, or actions (field update, task, e-mail) on the records of \`module\` matching \`criteria\`.`,
        body: CreateScheduleBody,
        response: { 201: Schedule, ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => reply.status(201).send(await schedules.create(requireAuth(request), request.body)),
  );

  app.get(
    '/automation/schedules/:id',
    { schema: { tags, summary: 'A schedule', params: IdParams, response: { 200: Schedule, ...errorResponses(401, 403, 404) } } },
    async (request) => schedules.get(requireAuth(request), request.params.id),
  );

  app.patch(
    '/automation/schedules/:id',
    {
      schema: {
        tags,
        summary: 'Change a schedule',
        description: 'Send only what changes; the next run is computed again.',
        params: IdParams,
        body: UpdateScheduleBody,
        response: { 200: Schedule, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => schedules.update(requireAuth(request), request.params.id, request.body),
  );

  for (const [action, summary] of [
    ['enable', 'Turn a schedule on (its next run is computed)'],
    ['disable', 'Turn a schedule off'],
  ] as const)
    app.post(
      `/automation/schedules/:id/${action}`,
      { schema: { tags, summary, params: IdParams, response: { 200: Schedule, ...errorResponses(400, 401, 403, 404) } } },
      async (request) => schedules[action](requireAuth(request), request.params.id),
    );

  app.post(
    '/automation/schedules/:id/run',
    {
      schema: {
        tags,
        summary: 'Run a schedule now (its regular times stay)',
        params: IdParams,
        response: { 202: Type.Object({ runId: Type.String({ format: 'uuid' }) }), ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => reply.status(202).send(await schedules.runNow(requireAuth(request), request.params.id)),
  );

  app.get(
    '/automation/schedules/:id/runs',
    {
      schema: {
        tags,
        summary: 'A schedule’s last 50 runs, newest first, with their counts',
        params: IdParams,
        response: { 200: ScheduleRunList, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => ({ data: await schedules.runs(requireAuth(request), request.params.id) }),
  );

  app.delete(
    '/automation/schedules/:id',
    {
      schema: {
        tags,
        summary: 'Delete a schedule and its history',
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
