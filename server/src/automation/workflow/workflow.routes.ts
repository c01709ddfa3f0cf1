import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAuth } from '../../platform/auth/auth.plugin.js';
import { errorResponses, IdParams, NoContent } from '../../platform/http/common.schemas.js';
import {
  AutomationStats,
  CreateRuleBody,
  ExecutionPage,
  ExecutionQuery,
  Rule,
  RuleList,
  TestResult,
  TestRuleBody,
  UpdateRuleBody,
} from './workflow.schemas.js';
import { EXAMPLES } from './workflow.examples.js';
import type { WorkflowService } from './workflow.service.js';

const tags = ['Automation'];
const PERMISSION = 'Needs the profile permission `automation` (`read` to look, `create` or `edit` to change); administrators have it.';

export const workflowRoutes: FastifyPluginAsyncTypebox<{ workflow: WorkflowService }> = async (app, { workflow }) => {
  app.get(
    '/automation/workflow-rules',
    {
      schema: {
        tags,
        summary: 'Workflow rules, by module then age (the order they run in)',
        description: PERMISSION,
        querystring: Type.Object({ module: Type.Optional(Type.String({ maxLength: 63 })) }, { additionalProperties: false }),
        response: { 200: RuleList, ...errorResponses(401, 403) },
      },
    },
    async (request) => ({ data: await workflow.list(requireAuth(request), request.query.module) }),
  );

  app.post(
    '/automation/workflow-rules',
    {
      schema: {
        tags,
        summary: 'Create a workflow rule',
        description: `${PERMISSION} Fields, criteria (the list-view filter language), templates, users and webhooks are checked: 400 names the bad part.`,
        body: CreateRuleBody,
        response: { 201: Rule, ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => reply.status(201).send(await workflow.create(requireAuth(request), request.body)),
  );

  app.post(
    '/automation/workflow-rules/examples/:name',
    {
      schema: {
        tags,
        summary: 'Create a ready-made rule',
        description: `${PERMISSION} high_priority_lead: a lead created with rating Hot e-mails the owner’s manager and sets Lead Status to Contacted. 409 (reason example_exists, with its ruleId) when a rule of the module already has the example's name.`,
        params: Type.Object({ name: Type.Union(EXAMPLES.map((name) => Type.Literal(name))) }),
        response: { 201: Rule, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await workflow.createExample(requireAuth(request), request.params.name)),
  );

  app.get(
    '/automation/workflow-rules/:id',
    {
      schema: { tags, summary: 'A workflow rule', params: IdParams, response: { 200: Rule, ...errorResponses(401, 403, 404) } },
    },
    async (request) => workflow.get(requireAuth(request), request.params.id),
  );

  app.patch(
    '/automation/workflow-rules/:id',
    {
      schema: {
        tags,
        summary: 'Change a workflow rule',
        description: 'Only the fields sent change; the whole rule is checked again.',
        params: IdParams,
        body: UpdateRuleBody,
        response: { 200: Rule, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => workflow.update(requireAuth(request), request.params.id, request.body),
  );

  for (const [path, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    app.post(
      `/automation/workflow-rules/:id/${path}`,
      {
        schema: {
          tags,
          summary: enabled ? 'Turn a workflow rule on' : 'Turn a workflow rule off (scheduled actions then fall due without running)',
          params: IdParams,
          response: { 200: Rule, ...errorResponses(401, 403, 404) },
        },
      },
      async (request) => workflow.setEnabled(requireAuth(request), request.params.id, enabled),
    );
  }

  app.delete(
    '/automation/workflow-rules/:id',
    {
      schema: {
        tags,
        summary: 'Delete a workflow rule and its execution log',
        params: IdParams,
        response: { 204: NoContent, ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await workflow.remove(requireAuth(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/automation/workflow-rules/:id/test',
    {
      schema: {
        tags,
        summary: 'Test a rule on a record: what would happen, nothing done',
        description:
          'The criteria are checked and the actions run inside a transaction that is rolled back: a value the record would refuse shows as failed; no e-mail, task, webhook or schedule is made.',
        params: IdParams,
        body: TestRuleBody,
        response: { 200: TestResult, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => workflow.test(requireAuth(request), request.params.id, request.body.recordId),
  );

  app.get(
    '/automation/executions',
    {
      schema: {
        tags,
        summary: 'The execution log: each rule run on a record, newest first',
        description: `${PERMISSION} Trigger, criteria result, each action's outcome and duration, errors; filter by rule and/or record.`,
        querystring: ExecutionQuery,
        response: { 200: ExecutionPage, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => workflow.executions(requireAuth(request), request.query),
  );

  app.get(
    '/automation/stats',
    {
      schema: {
        tags,
        summary: 'How fast this server decides which workflow rules run',
        description:
          'Administrators only. Per record event, in microseconds, amortized over each batch of events this server node handled (the trigger, the criteria of every rule of the module in one query per rule, the log of the rules that did not match): median and 95th percentile over the last 10,000 batches, weighted by their events. In memory, per node, since it started or since the last DELETE.',
        response: { 200: AutomationStats, ...errorResponses(401, 403) },
      },
    },
    async (request) => workflow.stats(requireAuth(request)),
  );

  app.delete(
    '/automation/stats',
    {
      schema: {
        tags,
        summary: 'Start the rule evaluation figures again (this node)',
        description: 'Administrators only.',
        response: { 204: NoContent, ...errorResponses(401, 403) },
      },
    },
    async (request, reply) => {
      workflow.resetStats(requireAuth(request));
      return reply.status(204).send(null);
    },
  );
};
