import type { FastifyInstance } from 'fastify';

/** Conservative security headers on every answer. */
export function registerSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    // Pages meant to be embedded in other sites (public web forms) may be framed; nothing else may.
    const embeddable = request.routeOptions.config?.embeddable === true;
    reply.header('x-content-type-options', 'nosniff');
    if (!embeddable) reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'strict-origin-when-cross-origin');
    reply.header('cross-origin-opener-policy', 'same-origin');
    if (!request.url.startsWith('/api/docs')) {
      reply.header(
        'content-security-policy',
        `default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors ${embeddable ? '*' : "'none'"}; base-uri 'self'; form-action 'self'`,
      );
    }
    if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    return payload;
  });
}
