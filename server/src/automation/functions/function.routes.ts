import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireAuth } from '../../platform/auth/auth.plugin.js';
import { errorResponses, IdParams, NoContent } from '../../platform/http/common.schemas.js';
import {
  CreateFunctionBody,
  CustomFunction,
  FunctionList,
  FunctionRun,
  FunctionRunList,
  TestFunctionBody,
  UpdateFunctionBody,
} from './function.schemas.js';
import type { FunctionService } from './function.service.js';

const tags = ['Automation: custom functions'];
const PERMISSION =
  'Needs the profile permission `automation` (`read` to look, `create` or `edit` to change and test); administrators have it.';
const SANDBOX =
  'The code runs in a QuickJS sandbox in a worker thread, as its owner (their record permissions), within its time (≤ 10 s) and memory (≤ 128 MB) limits; HTTP only to its allowed hosts over https.';

export const functionRoutes: FastifyPluginAsyncTypebox<{ functions: FunctionService }> = async (app, { functions }) => {
  app.get(
    '/automation/functions',
    {
      schema: {
        tags,
        summary: 'Custom functions, by name',
        description: PERMISSION,
        response: { 200: FunctionList, ...errorResponses(401, 403) },
      },
    },
    async (request) => ({ data: await functions.list(requireAuth(request)) }),
  );

  app.post(
    '/automation/functions',
    {
      schema: {
        tags,
        summary: 'Create a custom function',
        description: `${PERMISSION} ${SANDBOX} The code is compiled first: a syntax error is a 400 naming the line (\`line\` in the error).`,
        body: CreateFunctionBody,
        response: { 201: CustomFunction, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await functions.create(requireAuth(request), request.body)),
  );

  app.get(
    '/automation/functions/:id',
    {
      schema: { tags, summary: 'A custom function', params: IdParams, response: { 200: CustomFunction, ...errorResponses(401, 403, 404) } },
    },
    async (request) => functions.get(requireAuth(request), request.params.id),
  );

  app.patch(
    '/automation/functions/:id',
    {
      schema: {
        tags,
        summary: 'Change a custom function',
        description: 'Send only what changes; the code is compiled again (400 with the line).',
        params: IdParams,
        body: UpdateFunctionBody,
        response: { 200: CustomFunction, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => functions.update(requireAuth(request), request.params.id, request.body),
  );

  app.delete(
    '/automation/functions/:id',
    {
      schema: {
        tags,
        summary: 'Delete a custom function',
        description: 'Refused (409, reason `in_use`) while a schedule runs it; a workflow action naming it fails and says so.',
        params: IdParams,
        response: { 204: NoContent, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await functions.remove(requireAuth(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/automation/functions/:id/test',
    {
      schema: {
        tags,
        summary: 'Test a function on a record: its result and logs, its record writes rolled back',
        description: `${SANDBOX} The record (module and id) is the input's \`record\`, as the owner sees it (404 if they cannot). HTTP calls are made.`,
        params: IdParams,
        body: TestFunctionBody,
        response: { 200: FunctionRun, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => functions.test(requireAuth(request), request.params.id, request.body),
  );

  app.get(
    '/automation/functions/:id/runs',
    {
      schema: {
        tags,
        summary: 'The function’s last 50 runs (workflow actions and schedules), newest first',
        params: IdParams,
        response: { 200: FunctionRunList, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => ({ data: await functions.runs(requireAuth(request), request.params.id) }),
  );
};
