import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAuth } from '../../platform/auth/auth.plugin.js';
import { errorResponses, IdParams, NoContent } from '../../platform/http/common.schemas.js';
import { AssignmentRule, AssignmentRuleQuery, CreateAssignmentRuleBody, UpdateAssignmentRuleBody } from './assignment.schemas.js';
import type { AssignmentService } from './assignment.service.js';

const tags = ['Automation: assignment rules'];
const PERMISSION = 'Administrators, or a profile that names `automation_assignment` (read to list, create or edit to change).';
const APPLIES =
  'A module’s active rule assigns every record created without an `owner_id` (forms, API, bulk API, imports, web forms) inside the create’s transaction: the answer already shows the owner. A record created with an `owner_id` keeps it.';

export const assignmentRoutes: FastifyPluginAsyncTypebox<{ rules: AssignmentService }> = async (app, { rules }) => {
  app.get(
    '/automation/assignment-rules',
    {
      schema: {
        tags,
        summary: 'Assignment rules, by module',
        description: `${PERMISSION} ${APPLIES}`,
        querystring: AssignmentRuleQuery,
        response: { 200: Type.Object({ data: Type.Array(AssignmentRule) }), ...errorResponses(401, 403) },
      },
    },
    async (request) => ({ data: await rules.list(requireAuth(request), request.query.module) }),
  );

  app.post(
    '/automation/assignment-rules',
    {
      schema: {
        tags,
        summary: 'Create an assignment rule',
        description: `${PERMISSION} A module has at most one active rule (409 \`conflict\`, reason \`active_rule_exists\`).`,
        body: CreateAssignmentRuleBody,
        response: { 201: AssignmentRule, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await rules.create(requireAuth(request), request.body)),
  );

  app.get(
    '/automation/assignment-rules/:id',
    {
      schema: {
        tags,
        summary: 'An assignment rule',
        params: IdParams,
        response: { 200: AssignmentRule, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => rules.get(requireAuth(request), request.params.id),
  );

  app.patch(
    '/automation/assignment-rules/:id',
    {
      schema: {
        tags,
        summary: 'Change an assignment rule',
        description: 'Send only what changes; `entries` replaces the whole list (keep each entry’s `id` so its round robin turn goes on).',
        params: IdParams,
        body: UpdateAssignmentRuleBody,
        response: { 200: AssignmentRule, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => rules.update(requireAuth(request), request.params.id, request.body),
  );

  app.delete(
    '/automation/assignment-rules/:id',
    {
      schema: {
        tags,
        summary: 'Delete an assignment rule',
        params: IdParams,
        response: { 204: NoContent, ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await rules.remove(requireAuth(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
};
