import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.js';
import { errorResponses, NoContent } from '../http/common.schemas.js';
import { requireAuth } from './auth.plugin.js';
import { ChangePasswordBody, PasswordResetAccepted, PasswordResetBody, PasswordResetConfirmBody } from './passwords.schemas.js';
import { createPasswordService, PASSWORD_RESET_JOB, RESET_ACCEPTED_MESSAGE } from './passwords.service.js';

export const passwordRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const passwords = createPasswordService(ctx);
  // The lookup, the link and the mail of a reset request run in the background (they start with the workers).
  await ctx.jobs.work(PASSWORD_RESET_JOB, (job) => passwords.sendResetLink(job.data));

  app.post(
    '/auth/password-reset',
    {
      config: { access: 'public' },
      schema: {
        tags: ['Authentication'],
        summary: 'Ask for a password-reset link by e-mail',
        description:
          'Always 202 at once, whether or not an account uses the address (the lookup and the mail run in a background job, so the answer takes as long either way); ' +
          'the link `…/reset-password?token=…` (1 hour, single use) goes only to an active user’s primary address. ' +
          'Repeated requests get 429 with Retry-After (per address typed and per client).',
        body: PasswordResetBody,
        response: { 202: PasswordResetAccepted, ...errorResponses(400, 429) },
      },
    },
    async (request, reply) => {
      await passwords.requestReset(request.body.email, request.ip);
      return reply.status(202).send({ message: RESET_ACCEPTED_MESSAGE });
    },
  );

  app.post(
    '/auth/password-reset/confirm',
    {
      config: { access: 'public' },
      schema: {
        tags: ['Authentication'],
        summary: 'Choose a new password with the token from the reset link',
        description:
          'Ends every session of the user and revokes their API tokens (a change from My account keeps them). An unknown link is a 404; a used or expired one a 410 `gone` with `details.reason`; a weak password a 400 naming `password` (the link still works).',
        body: PasswordResetConfirmBody,
        response: { 204: NoContent, ...errorResponses(400, 404, 410) },
      },
    },
    async (request, reply) => {
      await passwords.confirmReset(request.body, request.ip);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/me/password',
    {
      schema: {
        tags: ['My account'],
        summary: 'Change my password',
        description:
          'Ends my other sessions (this one stays; API tokens stay). A wrong current password is a 403 `wrong_password` naming `currentPassword`; a weak new one a 400 naming `newPassword`.',
        body: ChangePasswordBody,
        response: { 204: NoContent, ...errorResponses(400, 401, 403, 429) },
      },
    },
    async (request, reply) => {
      await passwords.changePassword(requireAuth(request), request.body, request.ip);
      return reply.status(204).send(null);
    },
  );
};
