import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { requireAuth } from '../../platform/auth/auth.plugin.js';
import { AppError } from '../../platform/http/app-error.js';
import { errorResponses, IdParams, NoContent, Uuid } from '../../platform/http/common.schemas.js';
import type { createWebFormService } from './web-form.service.js';
import { renderFormPage, renderThankYouPage } from './web-form-page.js';

const tags = ['Web forms'];
const FieldEntry = Type.Object(
  { field: Type.String({ maxLength: 63 }), required: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
const WebForm = Type.Object({
  id: Uuid,
  name: Type.String(),
  module: Type.String(),
  publicKey: Type.String({ description: 'Part of the public addresses of the form.' }),
  fields: Type.Array(Type.Object({ field: Type.String(), required: Type.Boolean() })),
  defaults: Type.Record(Type.String(), Type.Unknown(), { description: 'Values every submission gets (lead_source: web_form…).' }),
  ownerId: Uuid,
  language: Type.Union([Type.Literal('es'), Type.Literal('en')]),
  thankYou: Type.Union([Type.String(), Type.Null()]),
  redirectUrl: Type.Union([Type.String(), Type.Null()]),
  active: Type.Boolean(),
  submissions: Type.Integer(),
  pageUrl: Type.String({ description: 'The hosted page, to link to or embed in an iframe.' }),
  createdAt: Type.String({ format: 'date-time' }),
});
const WebFormBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 120 }),
    module: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_]{1,62}$', description: 'Default leads.' })),
    fields: Type.Array(FieldEntry, { minItems: 1, maxItems: 40 }),
    defaults: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    ownerId: Type.Optional(Uuid),
    language: Type.Optional(Type.Union([Type.Literal('es'), Type.Literal('en')])),
    thankYou: Type.Optional(Type.Union([Type.String({ maxLength: 1000 }), Type.Null()])),
    redirectUrl: Type.Optional(Type.Union([Type.String({ pattern: '^https?://', maxLength: 2000 }), Type.Null()])),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const KeyParams = Type.Object({ key: Type.String({ pattern: '^[A-Za-z0-9_-]{8,64}$' }) });
const THANKS = { es: 'Gracias. Hemos recibido tus datos.', en: 'Thank you. We have received your details.' };
const SEND = { es: 'Enviar', en: 'Send' };

export const webFormRoutes: FastifyPluginAsyncTypebox<{ forms: ReturnType<typeof createWebFormService> }> = async (app, { forms }) => {
  // Plain HTML forms post application/x-www-form-urlencoded; repeated names (multi-select) become lists.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => {
    const values: Record<string, string | string[]> = {};
    for (const [key, value] of new URLSearchParams(body as string)) {
      const existing = values[key];
      values[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
    }
    done(null, values);
  });

  app.get(
    '/web-forms',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Web forms of the organization',
        response: { 200: Type.Object({ data: Type.Array(WebForm) }), ...errorResponses(401, 403) },
      },
    },
    async (request) => ({
      data: await forms.list(requireAuth(request)),
    }),
  );

  app.get(
    '/web-forms/:id',
    {
      config: { access: 'admin' },
      schema: { tags, summary: 'One web form', params: IdParams, response: { 200: WebForm, ...errorResponses(401, 403, 404) } },
    },
    async (request) => forms.get(requireAuth(request), request.params.id),
  );

  app.post(
    '/web-forms',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Create a web-to-lead form',
        description:
          'Every field the module requires must be on the form or have a default; only plain value fields can be public (never lookups or users).',
        body: WebFormBody,
        response: { 201: WebForm, ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => reply.status(201).send(await forms.create(requireAuth(request), request.body)),
  );

  app.patch(
    '/web-forms/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Change a web form',
        params: IdParams,
        body: Type.Partial(WebFormBody, { additionalProperties: false }),
        response: { 200: WebForm, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => forms.update(requireAuth(request), request.params.id, request.body),
  );

  app.delete(
    '/web-forms/:id',
    {
      config: { access: 'admin' },
      schema: { tags, summary: 'Delete a web form', params: IdParams, response: { 204: NoContent, ...errorResponses(401, 403, 404) } },
    },
    async (request, reply) => {
      await forms.remove(requireAuth(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/public/forms/:key',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'A public form’s fields and a timing token (for sites that draw the form themselves)',
        description: 'Send the token back as `_ts` with the answers; leave the `_hp` field empty (it catches bots).',
        params: KeyParams,
        response: {
          200: Type.Object({
            name: Type.String(),
            language: Type.String(),
            fields: Type.Array(
              Type.Object({
                field: Type.String(),
                label: Type.String(),
                type: Type.String(),
                required: Type.Boolean(),
                values: Type.Optional(Type.Array(Type.Object({ code: Type.String(), label: Type.String() }))),
              }),
            ),
            token: Type.String(),
            thankYou: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errorResponses(404),
        },
      },
    },
    async (request) => forms.definition(request.params.key),
  );

  app.get(
    '/public/forms/:key/page',
    {
      config: { access: 'public', embeddable: true },
      schema: { tags, summary: 'The hosted page of a public form (HTML, embeddable)', params: KeyParams, produces: ['text/html'] },
    },
    async (request, reply) => {
      const definition = await forms.definition(request.params.key);
      const language = definition.language === 'en' ? 'en' : 'es';
      return reply.type('text/html; charset=utf-8').send(
        renderFormPage({
          title: definition.name,
          action: `/api/v1/public/forms/${request.params.key}`,
          token: definition.token,
          fields: definition.fields,
          submit: SEND[language],
          language,
        }),
      );
    },
  );

  app.post(
    '/public/forms/:key',
    {
      config: { access: 'public', embeddable: true },
      schema: {
        tags,
        summary: 'Send a public form',
        description:
          'JSON or an HTML form post. Answers 201 {ok} (JSON), or the thank-you page / a 303 to the form’s redirect address (HTML). Too many submissions from one address: 429.',
        params: KeyParams,
        body: Type.Record(Type.String(), Type.Unknown()),
        response: { 201: Type.Object({ ok: Type.Boolean() }), ...errorResponses(400, 404, 409, 429) },
      },
    },
    async (request, reply) => {
      const wantsHtml = request.headers['content-type']?.startsWith('application/x-www-form-urlencoded') ?? false;
      // HTML answers are strings outside the JSON schema.
      const html = reply as unknown as FastifyReply;
      try {
        const { row } = await forms.submit(request.params.key, request.body, request.ip);
        if (!wantsHtml) return reply.status(201).send({ ok: true });
        if (row.redirect_url) return html.redirect(row.redirect_url, 303);
        const language = row.language === 'en' ? 'en' : 'es';
        return html
          .status(201)
          .type('text/html; charset=utf-8')
          .send(renderThankYouPage({ title: row.name, message: row.thank_you ?? THANKS[language], language }));
      } catch (error) {
        if (!wantsHtml || !(error instanceof AppError) || error.statusCode !== 400) throw error;
        // Show the form again with what went wrong.
        const definition = await forms.definition(request.params.key);
        const language = definition.language === 'en' ? 'en' : 'es';
        const details = error.details as { errors?: Array<{ message: string }> } | undefined;
        return html
          .status(400)
          .type('text/html; charset=utf-8')
          .send(
            renderFormPage({
              title: definition.name,
              action: `/api/v1/public/forms/${request.params.key}`,
              token: definition.token,
              fields: definition.fields,
              submit: SEND[language],
              language,
              errors: details?.errors?.map((e) => e.message) ?? [error.message],
            }),
          );
      }
    },
  );
};
