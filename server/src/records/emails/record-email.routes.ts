import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAuth } from '../../platform/auth/auth.plugin.js';
import { Email, errorResponses, IdParams, NoContent, Uuid } from '../../platform/http/common.schemas.js';
import { RecordParams } from '../records/record.schemas.js';
import type { createRecordEmailService } from './record-email.service.js';

const tags = ['E-mail'];
const Template = Type.Object({
  id: Uuid,
  module: Type.Union([Type.String(), Type.Null()], { description: 'The module it is for (null: any).' }),
  name: Type.String(),
  subject: Type.String(),
  body: Type.String({ description: 'Plain text with merge fields: {{first_name}}, {{account_id}}, {{me.name}}…' }),
  createdBy: Type.Union([Uuid, Type.Null()]),
  updatedAt: Type.String({ format: 'date-time' }),
});
const TemplateBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 120 }),
    module: Type.Optional(Type.Union([Type.String({ pattern: '^[a-z][a-z0-9_]{1,62}$' }), Type.Null()])),
    subject: Type.String({ minLength: 1, maxLength: 250 }),
    body: Type.String({ minLength: 1, maxLength: 50_000 }),
  },
  { additionalProperties: false },
);

export const recordEmailRoutes: FastifyPluginAsyncTypebox<{ emails: ReturnType<typeof createRecordEmailService> }> = async (
  app,
  { emails },
) => {
  app.get(
    '/email-templates',
    {
      schema: {
        tags,
        summary: 'E-mail templates of the organization',
        querystring: Type.Object({ module: Type.Optional(Type.String({ maxLength: 63 })) }),
        response: { 200: Type.Object({ data: Type.Array(Template) }), ...errorResponses(401) },
      },
    },
    async (request) => ({ data: await emails.listTemplates(requireAuth(request), request.query.module) }),
  );

  app.post(
    '/email-templates',
    {
      schema: { tags, summary: 'Create an e-mail template', body: TemplateBody, response: { 201: Template, ...errorResponses(400, 401) } },
    },
    async (request, reply) => reply.status(201).send(await emails.createTemplate(requireAuth(request), request.body)),
  );

  app.patch(
    '/email-templates/:id',
    {
      schema: {
        tags,
        summary: 'Change a template (its author or an administrator)',
        params: IdParams,
        body: Type.Partial(TemplateBody, { additionalProperties: false }),
        response: { 200: Template, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => emails.updateTemplate(requireAuth(request), request.params.id, request.body),
  );

  app.delete(
    '/email-templates/:id',
    {
      schema: {
        tags,
        summary: 'Delete a template (its author or an administrator)',
        params: IdParams,
        response: { 204: NoContent, ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await emails.deleteTemplate(requireAuth(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/records/:module/:id/emails',
    {
      schema: {
        tags,
        summary: 'Write an e-mail from a record',
        description:
          'Merge fields are filled from the record as you see it; an unknown one is a 400. The mail goes through SMTP (or the outbox), replies go to you, and it is logged on the record’s timeline as an outbound e-mail.',
        params: RecordParams,
        body: Type.Object(
          {
            to: Type.Array(Email, { minItems: 1, maxItems: 20 }),
            cc: Type.Optional(Type.Array(Email, { maxItems: 20 })),
            subject: Type.Optional(Type.String({ maxLength: 250 })),
            body: Type.Optional(Type.String({ maxLength: 50_000 })),
            templateId: Type.Optional(Uuid),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            mailId: Uuid,
            status: Type.Union([Type.Literal('sent'), Type.Literal('stored'), Type.Literal('failed')], {
              description: 'stored: no SMTP server, kept in the outbox.',
            }),
            timelineId: Uuid,
            subject: Type.String(),
            text: Type.String(),
          }),
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await emails.send(requireAuth(request), request.params.module, request.params.id, request.body)),
  );
};
