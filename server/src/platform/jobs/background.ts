import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from '../context.js';

/**
 * Starts the work that runs beside the HTTP server: the outbox loop, and
 * (pg-boss) jobs and schedules such as the embedded database's VACUUM ANALYZE.
 */
export async function startBackgroundWork(ctx: AppContext, log: FastifyBaseLogger): Promise<{ stop: () => Promise<void> }> {
  ctx.events.start();
  log.debug('background work started');
  return {
    async stop() {
      await ctx.events.stop();
    },
  };
}
