import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import crypto from 'node:crypto';
import type { AppContext } from '../context.js';
import { AppError } from '../http/app-error.js';
import type { AuthContext } from './auth-context.js';
import { SESSION_COOKIE, resolveApiToken, resolveSession } from './session.service.js';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && crypto.timingSafeEqual(left, right);
}

/**
 * Resolves who is calling on every request (Bearer token or session cookie),
 * enforces each route's `config.access` and CSRF on cookie-authenticated writes.
 */
export const authPlugin = fp(async (app: FastifyInstance, { ctx }: { ctx: AppContext }) => {
  app.decorateRequest('auth', null);

  app.addHook('onRequest', async (request: FastifyRequest) => {
    // Unknown routes fall through to the 404 handler; pages and assets need no auth.
    if (!request.url.startsWith('/api/') || !request.routeOptions.url) return;
    const access = request.routeOptions.config?.access;
    const header = request.headers.authorization;
    let auth: AuthContext | null = null;
    if (header) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match) throw new AppError('invalid_token', 'The Authorization header must be "Bearer <token>".');
      auth = await resolveApiToken(ctx.database, match[1]!, ctx.now());
      if (!auth) throw new AppError('invalid_token', 'The API token is not valid or has been revoked.');
    } else {
      const cookie = request.cookies[SESSION_COOKIE];
      if (cookie) auth = await resolveSession(ctx.database, cookie, ctx.now());
      if (auth && access !== 'public' && UNSAFE_METHODS.has(request.method)) {
        const sent = request.headers['x-csrf-token'];
        if (typeof sent !== 'string' || !auth.csrfToken || !safeEqual(sent, auth.csrfToken)) {
          throw new AppError('csrf_failed', 'The x-csrf-token header is missing or wrong. Reload the page and try again.');
        }
      }
    }
    request.auth = auth;
    if (access === 'public') return;
    if (!auth) throw new AppError('unauthenticated', 'Sign in to continue.');
    if (access === 'admin' && !auth.isAdmin) throw new AppError('forbidden', 'Only administrators can do this.');
  });
});

/** The caller, on routes whose access is 'user' or 'admin' (the hook guarantees it is there). */
export function requireAuth(request: FastifyRequest): AuthContext {
  if (!request.auth) throw new AppError('unauthenticated', 'Sign in to continue.');
  return request.auth;
}
