import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { renderApiReference } from './api-reference.js';
import { ERROR_STATUS } from '../http/app-error.js';

const errorTable = Object.entries(ERROR_STATUS)
  .map(([code, status]) => `| \`${code}\` | ${status} |`)
  .join('\n');

/** The OpenAPI 3.1 document at /api/openapi.json and a readable reference at /api/docs, both from the route schemas. */
export const openApiPlugin = fp(async (app: FastifyInstance) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Clave API',
        version: '1',
        description:
          'REST API of Clave. Authenticate with a personal API token (`Authorization: Bearer <token>`) or the session cookie plus the `x-csrf-token` header on writes.\n\n' +
          'Errors always have the shape `{"error": {"code", "message", "details", "requestId"}}`.\n\n| code | HTTP status |\n|---|---|\n' +
          errorTable,
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'A personal API token.' },
          session: { type: 'apiKey', in: 'cookie', name: 'clave_session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
  });

  app.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());
  app.get('/api/docs', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(renderApiReference(app.swagger() as OpenApiDocument)),
  );
});

export interface OpenApiDocument {
  info: { title: string; description?: string };
  paths: Record<
    string,
    Record<
      string,
      {
        summary?: string;
        description?: string;
        tags?: string[];
        requestBody?: unknown;
        parameters?: unknown[];
        responses?: Record<string, unknown>;
      }
    >
  >;
}
