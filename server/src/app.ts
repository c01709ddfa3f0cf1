import fs from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import type { AppContext } from './platform/context.js';
import { createMailer, hideLinkTokens, type Mailer } from './platform/mail/mailer.js';
import { createEventBus, type EventBus } from './platform/events/event-bus.js';
import { createCluster } from './platform/events/cluster.js';
import { createRealtimeHub } from './platform/events/realtime.js';
import { createJobs } from './platform/jobs/jobs.js';
import { registerErrorHandler } from './platform/http/error-handler.js';
import { registerValidator } from './platform/http/validator.js';
import { registerSecurityHeaders } from './platform/http/security-headers.js';
import { authPlugin } from './platform/auth/auth.plugin.js';
import { openApiPlugin } from './platform/openapi/openapi.plugin.js';
import { healthRoutes } from './platform/health.routes.js';
import { platformRoutes } from './platform/index.js';
import { recordsPlugin } from './records/index.js';
import { crmPlugin } from './crm/index.js';
import { kamPlugin } from './kam/index.js';
import { automationPlugin } from './automation/index.js';
import { reportsPlugin } from './reports/index.js';
import { forecastsPlugin } from './forecasts/index.js';
import { registerMultipart } from './platform/files/upload.js';
import { searchPlugin } from './records/search/index.js';

/** What the log keeps of a request: never the secret of a one-time link (`?token=`). */
export function serializeRequest(request: { id: string; method: string; url: string; ip?: string }) {
  return { id: request.id, method: request.method, url: hideLinkTokens(request.url), remoteAddress: request.ip };
}

export interface BuildAppOptions {
  config: Config;
  database: Database;
  mailer?: Mailer;
  events?: EventBus;
  now?: () => Date;
  /** Pino logger options, or false to stay quiet (tests). */
  logger?: boolean | object;
}

export type App = FastifyInstance & { ctx: AppContext };

/** Builds the HTTP application without listening, so tests can use inject(). */
export async function buildApp(options: BuildAppOptions): Promise<App> {
  const { config, database } = options;
  const app = Fastify({
    logger: options.logger ?? { level: config.logLevel, serializers: { req: serializeRequest } },
    bodyLimit: config.bodyLimit,
    // A hop count is accepted at run time (proxy-addr), though the type does not list it.
    trustProxy: config.trustProxy as boolean | string[],
    requestIdHeader: 'x-request-id',
    // Bringing organizations up to the current catalog at start (records plugin) may build indexes over
    // large tables, like a migration: minutes, not Fastify's default 10 s. /readyz answers once it is done.
    pluginTimeout: 30 * 60_000,
  }).withTypeProvider<TypeBoxTypeProvider>();

  const log = (message: string, error?: unknown) => app.log.warn({ err: error }, message);
  // Messages between app nodes (LISTEN/NOTIFY on PostgreSQL, memory on the embedded database).
  const cluster = createCluster({ database, log });
  const ctx: AppContext = {
    config,
    database,
    mailer: options.mailer ?? createMailer({ database, smtpUrl: config.smtpUrl, from: config.mailFrom, log: (m) => app.log.info(m) }),
    events:
      options.events ??
      createEventBus({
        database,
        cluster,
        log,
        claimSeconds: config.outboxClaimSeconds,
        localClaimSeconds: config.outboxLocalClaimSeconds,
      }),
    jobs: createJobs({ database, log, staleSeconds: config.workerStaleSeconds }),
    realtime: createRealtimeHub({ cluster, log }),
    cluster,
    now: options.now ?? (() => new Date()),
  };
  app.decorate('ctx', ctx);
  app.addHook('onClose', async () => {
    await ctx.jobs.stop();
    await ctx.realtime.close();
    await cluster.close();
  });

  await app.register(cookie);
  await registerMultipart(app, config);
  registerValidator(app);
  registerErrorHandler(app);
  registerSecurityHeaders(app);
  await app.register(authPlugin, { ctx });
  await app.register(openApiPlugin);
  await app.register(healthRoutes, { ctx });
  await app.register(platformRoutes, { ctx, prefix: '/api/v1' });
  // Features, after the platform they build on.
  await app.register(recordsPlugin, { ctx, prefix: '/api/v1' });
  await app.register(crmPlugin, { ctx, prefix: '/api/v1' });
  await app.register(kamPlugin, { ctx, prefix: '/api/v1' });
  await app.register(automationPlugin, { ctx, prefix: '/api/v1' });
  await app.register(reportsPlugin, { ctx, prefix: '/api/v1' });
  await app.register(forecastsPlugin, { ctx, prefix: '/api/v1' });
  await app.register(searchPlugin, { ctx, prefix: '/api/v1' });

  if (config.webDir && fs.existsSync(path.join(config.webDir, 'index.html'))) {
    await app.register(fastifyStatic, { root: config.webDir, wildcard: false, index: false });
    // The single-page app answers every other GET that is not an API call.
    const indexHtml = fs.readFileSync(path.join(config.webDir, 'index.html'));
    app.get('/*', { schema: { hide: true }, config: { access: 'public' } }, async (request, reply) => {
      const file = path.join(config.webDir!, path.normalize(request.url.split('?')[0]!).replace(/^(\.\.[/\\])+/, ''));
      if (request.url.startsWith('/api/')) return reply.callNotFound();
      if (file.startsWith(config.webDir!) && fs.existsSync(file) && fs.statSync(file).isFile()) {
        const relative = path.relative(config.webDir!, file);
        if (relative.startsWith('assets')) reply.header('cache-control', 'public, max-age=31536000, immutable');
        return reply.sendFile(relative);
      }
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(indexHtml);
    });
  }

  await app.ready();
  return app as unknown as App;
}
