import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireAuth } from '../../platform/auth/auth.plugin.js';
import { errorResponses, NoContent } from '../../platform/http/common.schemas.js';
import type { createMetadataService } from './metadata.service.js';
import {
  CreateFieldBody,
  CreateModuleBody,
  CreateValidationRuleBody,
  FieldParams,
  FieldSchema,
  ModuleDetail,
  ModuleList,
  ModuleNameParams,
  RuleParams,
  UpdateFieldBody,
  UpdateModuleBody,
} from './metadata.schemas.js';
import { Type } from 'typebox';

const tags = ['Modules and fields'];

export const metadataRoutes: FastifyPluginAsyncTypebox<{ metadata: ReturnType<typeof createMetadataService> }> = async (
  app,
  { metadata },
) => {
  app.get(
    '/modules',
    {
      schema: {
        tags,
        summary: 'The modules the caller can read, in menu order, with what their profile allows',
        response: { 200: ModuleList, ...errorResponses(401) },
      },
    },
    async (request) => ({ data: await metadata.listModules(requireAuth(request)) }),
  );

  app.get(
    '/modules/:module',
    {
      schema: {
        tags,
        summary: 'A module: its fields (with picklist values and deal stages), layout sections and related lists',
        params: ModuleNameParams,
        response: { 200: ModuleDetail, ...errorResponses(401, 404) },
      },
    },
    async (request) => metadata.getModule(requireAuth(request), request.params.module),
  );

  app.post(
    '/modules',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Create a custom module',
        description: 'Its API name comes from the plural label and ends in `_c`. It starts with a required `name` field and an owner.',
        body: CreateModuleBody,
        response: { 201: ModuleDetail, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await metadata.createModule(requireAuth(request), request.body, request.ip)),
  );

  app.patch(
    '/modules/:module',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Rename a module, change its layout, or hide a custom module',
        params: ModuleNameParams,
        body: UpdateModuleBody,
        response: { 200: ModuleDetail, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => metadata.updateModule(requireAuth(request), request.params.module, request.body, request.ip),
  );

  app.post(
    '/modules/:module/fields',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Add a custom field (live, no restart)',
        description: 'Answers the field with its new `apiName` (from the label, ending in `_c`, never colliding with a standard name).',
        params: ModuleNameParams,
        body: CreateFieldBody,
        response: { 201: FieldSchema, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await metadata.createField(requireAuth(request), request.params.module, request.body, request.ip)),
  );

  app.patch(
    '/modules/:module/fields/:field',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Rename, hide, require or change a field’s settings',
        description:
          'The API name and type never change, so renaming or hiding never loses data. Picklist values can be added or hidden, not removed.',
        params: FieldParams,
        body: UpdateFieldBody,
        response: { 200: Type.Object({ ...FieldSchema.properties, hidden: Type.Boolean() }), ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => metadata.updateField(requireAuth(request), request.params.module, request.params.field, request.body, request.ip),
  );

  app.post(
    '/modules/:module/validation-rules',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Add a record validation rule',
        description: 'A record that matches `condition` (a filter) is refused with `message` (400, reason validation_rule).',
        params: ModuleNameParams,
        body: CreateValidationRuleBody,
        response: {
          201: Type.Object({
            id: Type.String(),
            name: Type.String(),
            condition: Type.Unknown(),
            message: Type.String(),
            active: Type.Boolean(),
          }),
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await metadata.createValidationRule(requireAuth(request), request.params.module, request.body, request.ip)),
  );

  app.delete(
    '/modules/:module/validation-rules/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Remove a validation rule',
        params: RuleParams,
        response: { 204: NoContent, ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await metadata.deleteValidationRule(requireAuth(request), request.params.module, request.params.id, request.ip);
      return reply.status(204).send(null);
    },
  );
};
