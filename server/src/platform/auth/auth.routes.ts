import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { errorResponses, NoContent } from '../http/common.schemas.js';
import { LoginBody, SetupBody, SetupStatus, SignedIn } from './auth.schemas.js';
import { createAuthService, type ClientInfo } from './auth.service.js';
import { SESSION_COOKIE } from './session.service.js';

export const clientInfo = (request: FastifyRequest): ClientInfo => ({ ip: request.ip, userAgent: request.headers['user-agent'] ?? null });

export function setSessionCookie(reply: FastifyReply, ctx: AppContext, session: { cookieValue: string; expiresAt: Date }) {
  reply.setCookie(SESSION_COOKIE, session.cookieValue, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.config.publicUrl.startsWith('https://'),
    expires: session.expiresAt,
  });
}

/** Signs the person in on this browser (the cookie) and gives the answer every sign-in route shares. */
export function signedIn(
  reply: FastifyReply,
  ctx: AppContext,
  result: { userId: string; orgId: string; session: { cookieValue: string; expiresAt: Date; csrfToken: string } },
) {
  setSessionCookie(reply, ctx, result.session);
  return { userId: result.userId, orgId: result.orgId, csrfToken: result.session.csrfToken };
}

const tags = ['Authentication'];

export const authRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const auth = createAuthService(ctx);

  app.get(
    '/setup',
    {
      config: { access: 'public' },
      schema: { tags, summary: 'Whether Clave still needs its first organization', response: { 200: SetupStatus } },
    },
    async () => ({ needsSetup: (await auth.countOrganizations()) === 0, allowSignup: ctx.config.allowSignup }),
  );

  app.post(
    '/setup',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Create the first organization and its administrator',
        description: 'Only while no organization exists; afterwards it answers 409 already_set_up. Signs the new administrator in.',
        body: SetupBody,
        response: { 201: SignedIn, ...errorResponses(400, 409, 429) },
      },
    },
    async (request, reply) => {
      const created = await auth.setup(request.body, clientInfo(request));
      return reply.status(201).send(signedIn(reply, ctx, created));
    },
  );

  app.post(
    '/signup',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Create a new organization (when ALLOW_SIGNUP=true)',
        body: SetupBody,
        response: { 201: SignedIn, ...errorResponses(400, 403, 409) },
      },
    },
    async (request, reply) => {
      const created = await auth.signup(request.body, clientInfo(request));
      return reply.status(201).send(signedIn(reply, ctx, created));
    },
  );

  app.post(
    '/auth/login',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Sign in with the primary e-mail and password',
        description:
          'Sets an HttpOnly session cookie. A wrong password and an unknown e-mail get the same 401. Repeated failures get 429 with Retry-After.',
        body: LoginBody,
        response: { 200: SignedIn, ...errorResponses(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const result = await auth.login(request.body, clientInfo(request));
      return signedIn(reply, ctx, result);
    },
  );

  app.post(
    '/auth/logout',
    {
      schema: { tags, summary: 'Sign out (ends this session)', response: { 204: NoContent, ...errorResponses(401, 403) } },
    },
    async (request, reply) => {
      await auth.logout(request.auth?.sessionId);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );
};
