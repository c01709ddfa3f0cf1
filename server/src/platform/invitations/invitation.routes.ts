import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.js';
import { requireAuth } from '../auth/auth.plugin.js';
import { clientInfo, signedIn } from '../auth/auth.routes.js';
import { SignedIn } from '../auth/auth.schemas.js';
import { errorResponses, IdParams, NoContent } from '../http/common.schemas.js';
import {
  AcceptInvitationBody,
  CreateInvitationBody,
  Invitation,
  InvitationList,
  InvitationPreview,
  InvitationTokenQuery,
} from './invitation.schemas.js';
import { createInvitationService } from './invitation.service.js';

const tags = ['Invitations'];

export const invitationRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const invitations = createInvitationService(ctx);

  app.post(
    '/invitations',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Invite a person to the organization (administrators)',
        description:
          'Mails a link `…/accept-invite?token=…` valid for 7 days. 409 `email_taken` when a user has verified the address (one only added elsewhere is no obstacle), ' +
          '409 `invitation_pending` when it already has a pending invitation; 400 naming `roleId` or `profileId` when they are not of your organization. ' +
          'Without `profileId` the built-in Standard profile is used.',
        body: CreateInvitationBody,
        response: { 201: Invitation, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await invitations.create(requireAuth(request), request.body, request.ip)),
  );

  app.get(
    '/invitations',
    {
      config: { access: 'admin' },
      schema: { tags, summary: 'Pending invitations (administrators)', response: { 200: InvitationList, ...errorResponses(401, 403) } },
    },
    async (request) => ({ data: await invitations.listPending(requireAuth(request)) }),
  );

  app.delete(
    '/invitations/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Revoke a pending invitation (administrators)',
        description: 'Its link stops working (410 `gone`, reason `revoked`). 409 when it was already accepted or revoked.',
        params: IdParams,
        response: { 204: NoContent, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await invitations.revoke(requireAuth(request), request.params.id, request.ip);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/invitations/:id/resend',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Send a new invitation link (administrators)',
        description: 'The new link is valid for 7 days; the previous link stops working.',
        params: IdParams,
        response: { 200: Invitation, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => invitations.resend(requireAuth(request), request.params.id, request.ip),
  );

  app.get(
    '/invitations/lookup',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'What an invitation link is for (no session needed)',
        description: 'A link that is unknown, expired, used or revoked is a 404 whose `details.reason` says which.',
        querystring: InvitationTokenQuery,
        response: { 200: InvitationPreview, ...errorResponses(400, 404) },
      },
    },
    async (request) => invitations.lookup(request.query.token),
  );

  app.post(
    '/invitations/accept',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Accept an invitation: choose a password, join and sign in',
        description:
          'Creates the user (primary, verified e-mail = the invited address) and sets the session cookie, like sign-in. ' +
          'An unknown link is a 404; an expired, used or revoked one a 410 `gone` with `details.reason`; a weak password a 400 naming `password`.',
        body: AcceptInvitationBody,
        response: { 201: SignedIn, ...errorResponses(400, 404, 409, 410) },
      },
    },
    async (request, reply) => {
      const result = await invitations.accept(request.body, clientInfo(request));
      return reply.status(201).send(signedIn(reply, ctx, result));
    },
  );
};
