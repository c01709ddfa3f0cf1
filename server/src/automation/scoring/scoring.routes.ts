import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAuth } from '../../platform/auth/auth.plugin.js';
import { errorResponses, IdParams, NoContent } from '../../platform/http/common.schemas.js';
import {
  CreateScoringRuleBody,
  RecalculateBody,
  Recalculation,
  ScoreBreakdown,
  ScoreParams,
  ScoringRule,
  ScoringRuleQuery,
  ScoringRun,
  ScoringRunQuery,
  UpdateScoringRuleBody,
} from './scoring.schemas.js';
import type { ScoringService } from './scoring.service.js';

const tags = ['Automation: scoring rules'];
const PERMISSION = 'Administrators, or a profile that names `automation_scoring` (read to list, create or edit to change).';
const APPLIES =
  'A record’s `score` is the sum of the points of every field rule of the active rules of its module that it matches, plus the points of each of its touchpoints that is the event of a touchpoint rule (each touchpoint counts once). It is written after commit, and a rule change queues the recalculation of the module.';
const RECALCULATES = 'Saving queues the recalculation of the module’s scores (a job, in chunks).';

export const scoringRoutes: FastifyPluginAsyncTypebox<{ scoring: ScoringService }> = async (app, { scoring }) => {
  app.get(
    '/automation/scoring-rules',
    {
      schema: {
        tags,
        summary: 'Scoring rules, by module',
        description: `${PERMISSION} ${APPLIES}`,
        querystring: ScoringRuleQuery,
        response: { 200: Type.Object({ data: Type.Array(ScoringRule) }), ...errorResponses(401, 403) },
      },
    },
    async (request) => ({ data: await scoring.list(requireAuth(request), request.query.module) }),
  );

  app.post(
    '/automation/scoring-rules',
    {
      schema: {
        tags,
        summary: 'Create a scoring rule',
        description: `${PERMISSION} ${RECALCULATES}`,
        body: CreateScoringRuleBody,
        response: { 201: ScoringRule, ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => reply.status(201).send(await scoring.create(requireAuth(request), request.body)),
  );

  app.post(
    '/automation/scoring-rules/recalculate',
    {
      schema: {
        tags,
        summary: 'Recalculate the scores of a module',
        description: `${PERMISSION} Queues a job that scores every record of the module again, 500 per transaction; changed scores go on the timeline.`,
        body: RecalculateBody,
        response: { 202: Recalculation, ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => reply.status(202).send(await scoring.recalculate(requireAuth(request), request.body.module)),
  );

  app.get(
    '/automation/scoring-rules/:id',
    {
      schema: { tags, summary: 'A scoring rule', params: IdParams, response: { 200: ScoringRule, ...errorResponses(401, 403, 404) } },
    },
    async (request) => scoring.get(requireAuth(request), request.params.id),
  );

  app.patch(
    '/automation/scoring-rules/:id',
    {
      schema: {
        tags,
        summary: 'Change a scoring rule',
        description: `Send only what changes; \`fieldRules\` and \`touchpointRules\` replace the whole lists. ${RECALCULATES}`,
        params: IdParams,
        body: UpdateScoringRuleBody,
        response: { 200: ScoringRule, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => scoring.update(requireAuth(request), request.params.id, request.body),
  );

  for (const [action, active] of [
    ['enable', true],
    ['disable', false],
  ] as const)
    app.post(
      `/automation/scoring-rules/:id/${action}`,
      {
        schema: {
          tags,
          summary: `${active ? 'Enable' : 'Disable'} a scoring rule`,
          description: RECALCULATES,
          params: IdParams,
          response: { 200: ScoringRule, ...errorResponses(401, 403, 404) },
        },
      },
      async (request) => scoring.update(requireAuth(request), request.params.id, { active }),
    );

  app.delete(
    '/automation/scoring-rules/:id',
    {
      schema: {
        tags,
        summary: 'Delete a scoring rule',
        description: RECALCULATES,
        params: IdParams,
        response: { 204: NoContent, ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await scoring.remove(requireAuth(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/automation/scores/:module/:id',
    {
      schema: {
        tags,
        summary: 'A record’s score and which rules gave it',
        description: 'Anyone who may read the record (else 404). The items are what the active rules give now.',
        params: ScoreParams,
        response: { 200: ScoreBreakdown, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => scoring.breakdown(requireAuth(request), request.params.module, request.params.id),
  );

  app.get(
    '/automation/scoring-runs',
    {
      schema: {
        tags,
        summary: 'The scoring log',
        description: `${PERMISSION} Newest first: each scoring of a record (trigger, score before and after, the breakdown, a stop at the depth limit).`,
        querystring: ScoringRunQuery,
        response: { 200: Type.Object({ data: Type.Array(ScoringRun) }), ...errorResponses(401, 403) },
      },
    },
    async (request) => ({ data: await scoring.runs(requireAuth(request), request.query) }),
  );
};
