import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.js';
import { requireAuth } from '../auth/auth.plugin.js';
import { errorResponses, IdParams, NoContent } from '../http/common.schemas.js';
import { AddEmailBody, EmailAddress, EmailAddressList, MakePrimaryBody, VerifyEmailBody } from './email.schemas.js';
import { createEmailService, VERIFICATION_MAILS_PER_HOUR } from './email.service.js';

const tags = ['My account'];

export const emailRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const emails = createEmailService(ctx);

  app.get(
    '/me/emails',
    {
      schema: { tags, summary: 'My e-mail addresses', response: { 200: EmailAddressList, ...errorResponses(401) } },
    },
    async (request) => ({ data: await emails.list(requireAuth(request)) }),
  );

  app.post(
    '/me/emails',
    {
      schema: {
        tags,
        summary: 'Add a secondary address (mails it a verification link)',
        description:
          'The link is `…/verify-email?token=…`, valid for 48 hours. 409 `email_taken` when another user of the installation has verified the address, ' +
          'or when you already have it; an address others only added (unverified) is no obstacle: whoever verifies it first keeps it. ' +
          `At most ${VERIFICATION_MAILS_PER_HOUR} verification links per hour (adding and resending, refused attempts included): then 429 with Retry-After.`,
        body: AddEmailBody,
        response: { 201: EmailAddress, ...errorResponses(400, 401, 403, 409, 429) },
      },
    },
    async (request, reply) => reply.status(201).send(await emails.add(requireAuth(request), request.body.email, request.ip)),
  );

  app.post(
    '/me/emails/:id/resend-verification',
    {
      schema: {
        tags,
        summary: 'Send a new verification link',
        description:
          'The previous link stops working. 409 when the address is already verified, `email_taken` when another user has verified it meanwhile; ' +
          `429 with Retry-After within a minute of the last link, or past ${VERIFICATION_MAILS_PER_HOUR} verification links in an hour.`,
        params: IdParams,
        response: { 204: NoContent, ...errorResponses(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request, reply) => {
      await emails.resendVerification(requireAuth(request), request.params.id, request.ip);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/me/emails/:id/make-primary',
    {
      schema: {
        tags,
        summary: 'Make a verified address primary (asks for the password)',
        description:
          'The primary address is the one you sign in with. Refused with nothing changed: 409 `email_unverified` for an unverified address, ' +
          '403 `wrong_password` for a wrong password (you stay signed in). Answers with the updated list.',
        params: IdParams,
        body: MakePrimaryBody,
        response: { 200: EmailAddressList, ...errorResponses(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request) => ({ data: await emails.makePrimary(requireAuth(request), request.params.id, request.body.password, request.ip) }),
  );

  app.delete(
    '/me/emails/:id',
    {
      schema: {
        tags,
        summary: 'Remove a secondary address',
        description: 'The primary address cannot be removed: 409 `email_is_primary`.',
        params: IdParams,
        response: { 204: NoContent, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await emails.remove(requireAuth(request), request.params.id, request.ip);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/emails/verify',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Verify an address with the token from its link (no session needed)',
        description:
          'An unknown link is a 404; a used or expired one a 410 `gone` with `details.reason`; 409 `email_taken` when another user verified the address first.',
        body: VerifyEmailBody,
        response: { 200: EmailAddress, ...errorResponses(400, 404, 409, 410) },
      },
    },
    async (request) => emails.verify(request.body.token, request.ip),
  );
};
