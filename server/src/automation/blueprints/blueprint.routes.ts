import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAuth } from '../../platform/auth/auth.plugin.js';
import { errorResponses, IdParams, NoContent } from '../../platform/http/common.schemas.js';
import {
  Blueprint,
  BlueprintExampleList,
  BlueprintList,
  CreateBlueprintBody,
  ExampleParams,
  RecordBlueprint,
  RecordParams,
  TransitionBody,
  TransitionParams,
  UpdateBlueprintBody,
} from './blueprint.schemas.js';
import type { BlueprintService } from './blueprint.service.js';
import type { BlueprintRecordService } from './blueprint-record.service.js';

const tags = ['Automation: Blueprints'];
const MANAGE = 'Administrators, or a profile that names `automation` (read to list; create or edit to change).';
const ONE_ENABLED = 'At most one enabled Blueprint per field: enabling a second one is 409 `conflict` (reason `blueprint_enabled`).';
const LOCK =
  'While an enabled Blueprint governs a record (its value is a state and it meets the criteria), a direct change of the field (record PATCH, mass update, import) is 409 `conflict` (reason `blueprint_field`): only transitions change it.';

export const blueprintRoutes: FastifyPluginAsyncTypebox<{
  blueprints: BlueprintService;
  blueprintRecords: BlueprintRecordService;
}> = async (app, { blueprints, blueprintRecords }) => {
  app.get(
    '/automation/blueprints',
    {
      schema: { tags, summary: 'Blueprints', description: MANAGE, response: { 200: BlueprintList, ...errorResponses(401, 403) } },
    },
    async (request) => blueprints.list(requireAuth(request)),
  );

  app.post(
    '/automation/blueprints',
    {
      schema: {
        tags,
        summary: 'Create a Blueprint',
        description: `${MANAGE} States are values of the picklist; transitions lead from states to a state. ${ONE_ENABLED} ${LOCK}`,
        body: CreateBlueprintBody,
        response: { 201: Blueprint, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await blueprints.create(requireAuth(request), request.body)),
  );

  app.get(
    '/automation/blueprints/examples',
    {
      schema: {
        tags,
        summary: 'Ready-made Blueprints',
        description: 'In the caller’s language: the lead qualification of the automation article (leads.lead_status).',
        response: { 200: BlueprintExampleList, ...errorResponses(401, 403) },
      },
    },
    async (request) => blueprints.examples(requireAuth(request)),
  );

  app.post(
    '/automation/blueprints/examples/:key',
    {
      schema: {
        tags,
        summary: 'Install a ready-made Blueprint',
        description:
          'Creates it as the caller: enabled when no other Blueprint is enabled on its field, disabled otherwise (`enabled` in the answer says which).',
        params: ExampleParams,
        response: { 201: Blueprint, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await blueprints.installExample(requireAuth(request), request.params.key)),
  );

  app.get(
    '/automation/blueprints/:id',
    {
      schema: { tags, summary: 'A Blueprint', params: IdParams, response: { 200: Blueprint, ...errorResponses(401, 403, 404) } },
    },
    async (request) => blueprints.get(requireAuth(request), request.params.id),
  );

  app.patch(
    '/automation/blueprints/:id',
    {
      schema: {
        tags,
        summary: 'Change a Blueprint',
        description: `Send only what changes; \`definition\` replaces the whole definition. Records keep their state. ${ONE_ENABLED}`,
        params: IdParams,
        body: UpdateBlueprintBody,
        response: { 200: Blueprint, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => blueprints.update(requireAuth(request), request.params.id, request.body),
  );

  app.delete(
    '/automation/blueprints/:id',
    {
      schema: {
        tags,
        summary: 'Delete a Blueprint',
        description: 'Its records’ states and history and its execution log go with it; the records keep their values.',
        params: IdParams,
        response: { 204: NoContent, ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await blueprints.remove(requireAuth(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  for (const action of ['enable', 'disable'] as const)
    app.post(
      `/automation/blueprints/:id/${action}`,
      {
        schema: {
          tags,
          summary: action === 'enable' ? 'Enable a Blueprint' : 'Disable a Blueprint',
          description: action === 'enable' ? ONE_ENABLED : 'Its records’ field can be changed freely again.',
          params: IdParams,
          response: { 200: Blueprint, ...errorResponses(401, 403, 404, 409) },
        },
      },
      async (request) => blueprints.setEnabled(requireAuth(request), request.params.id, action === 'enable'),
    );

  app.get(
    '/automation/blueprint-records/:module/:id',
    {
      schema: {
        tags,
        summary: 'A record’s Blueprint',
        description:
          'Any user who can read the record (404 otherwise): the enabled Blueprint governing it, its state (time limit), the transitions the caller may take now, and the history.',
        params: RecordParams,
        response: { 200: RecordBlueprint, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => blueprintRecords.ofRecord(requireAuth(request), request.params.module, request.params.id),
  );

  app.post(
    '/automation/blueprint-records/:module/:id/transitions/:transitionId',
    {
      schema: {
        tags,
        summary: 'Take a transition',
        description:
          'Changes the field with the values asked for, the note and the attachment; the history and the timeline say so, then the transition’s actions run. 400 naming the missing or invalid values (`details.fields`, `details.errors`); 403 when the caller may not take it (who, criteria, edit permission); 404 for a record they cannot see or an unknown transition; 409 `conflict` when the record is no longer in a state the transition leaves (reason `state_changed`), is pending approval (`approval_pending`) or no enabled Blueprint governs it (`not_governed`).',
        params: TransitionParams,
        body: Type.Optional(TransitionBody),
        response: { 200: RecordBlueprint, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      blueprintRecords.take(
        requireAuth(request),
        request.params.module,
        request.params.id,
        request.params.transitionId,
        request.body ?? {},
      ),
  );
};
