import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireAuth } from '../../platform/auth/auth.plugin.js';
import { errorResponses } from '../../platform/http/common.schemas.js';
import type { createLeadConversionService } from './lead-conversion.service.js';
import { ConversionMapping, ConvertBody, ConvertPreview, ConvertResult, LeadParams } from './lead-conversion.schemas.js';

export const leadConversionRoutes: FastifyPluginAsyncTypebox<{ conversion: ReturnType<typeof createLeadConversionService> }> = async (
  app,
  { conversion },
) => {
  app.get(
    '/settings/lead-conversion',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['Settings'],
        summary: 'Lead conversion field mapping',
        response: { 200: ConversionMapping, ...errorResponses(401, 403) },
      },
    },
    async (request) => conversion.getMapping(requireAuth(request)),
  );

  app.put(
    '/settings/lead-conversion',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['Settings'],
        summary: 'Change the lead conversion field mapping',
        description:
          'Fields of the same type only; contacts.last_name and accounts.name must be filled. A bad entry is a 400 naming `<section>.<leadField>`.',
        body: ConversionMapping,
        response: { 200: ConversionMapping, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => conversion.putMapping(requireAuth(request), request.body),
  );

  app.get(
    '/records/leads/:id/convert',
    {
      schema: {
        tags: ['Records'],
        summary: 'What converting a lead would reuse',
        params: LeadParams,
        response: { 200: ConvertPreview, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => conversion.preview(requireAuth(request), request.params.id),
  );

  app.post(
    '/records/leads/:id/convert',
    {
      schema: {
        tags: ['Records'],
        summary: 'Convert a lead into a contact, an account and optionally a deal',
        description:
          'One transaction. Needs edit on leads and create on what is created (403). A lead already converted is a 409; bad deal values a 400 naming `deal.<field>`.',
        params: LeadParams,
        body: ConvertBody,
        response: { 200: ConvertResult, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => conversion.convert(requireAuth(request), request.params.id, request.body),
  );
};
