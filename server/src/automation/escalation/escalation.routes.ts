import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAuth } from '../../platform/auth/auth.plugin.js';
import { errorResponses, IdParams, NoContent } from '../../platform/http/common.schemas.js';
import {
  CaseEscalation,
  CaseEscalationQuery,
  CreateEscalationRuleBody,
  EscalationRule,
  UpdateEscalationRuleBody,
} from './escalation.schemas.js';
import type { EscalationService } from './escalation.service.js';

const tags = ['Automation: case escalation'];
const PERMISSION = 'Administrators, or a profile that names `automation_escalation` (read to list, create or edit to change).';
const HOW =
  'Every 5 minutes, each open case (not resolved or closed) past its SLA due time that the active rule’s criteria match escalates: level 1 after its business minutes from the due time, each next level after its minutes from the previous one. Each level of a case escalates once, with an in-app notification (`case.escalated`) and a timeline entry.';

export const escalationRoutes: FastifyPluginAsyncTypebox<{ rules: EscalationService }> = async (app, { rules }) => {
  app.get(
    '/automation/escalation-rules',
    {
      schema: {
        tags,
        summary: 'Case escalation rules',
        description: `${PERMISSION} ${HOW}`,
        response: { 200: Type.Object({ data: Type.Array(EscalationRule) }), ...errorResponses(401, 403) },
      },
    },
    async (request) => ({ data: await rules.list(requireAuth(request)) }),
  );

  app.post(
    '/automation/escalation-rules',
    {
      schema: {
        tags,
        summary: 'Create a case escalation rule',
        description: `${PERMISSION} At most one rule is active (409 \`conflict\`, reason \`active_rule_exists\`).`,
        body: CreateEscalationRuleBody,
        response: { 201: EscalationRule, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await rules.create(requireAuth(request), request.body)),
  );

  app.get(
    '/automation/escalation-rules/:id',
    {
      schema: {
        tags,
        summary: 'A case escalation rule',
        params: IdParams,
        response: { 200: EscalationRule, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => rules.get(requireAuth(request), request.params.id),
  );

  app.patch(
    '/automation/escalation-rules/:id',
    {
      schema: {
        tags,
        summary: 'Change a case escalation rule',
        description: 'Send only what changes; `levels` replaces the whole list. Levels already escalated stay escalated.',
        params: IdParams,
        body: UpdateEscalationRuleBody,
        response: { 200: EscalationRule, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => rules.update(requireAuth(request), request.params.id, request.body),
  );

  app.delete(
    '/automation/escalation-rules/:id',
    {
      schema: {
        tags,
        summary: 'Delete a case escalation rule',
        params: IdParams,
        response: { 204: NoContent, ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await rules.remove(requireAuth(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/automation/case-escalations',
    {
      schema: {
        tags,
        summary: 'Levels escalated, newest first (the last 500), or those of one case',
        querystring: CaseEscalationQuery,
        response: { 200: Type.Object({ data: Type.Array(CaseEscalation) }), ...errorResponses(401, 403) },
      },
    },
    async (request) => ({ data: await rules.escalations(requireAuth(request), request.query.caseId) }),
  );
};
