import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from '../context.js';
import { cleanUp, vacuumEmbedded } from './maintenance.js';
import '../files/index.js';
import '../webhooks/webhook.delivery.js';

/** Local time zone of the server: the nightly work runs at night where the server is. */
const serverTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/**
 * Starts the work that runs beside the HTTP server (when RUN_WORKERS): pg-boss
 * workers and schedules, and the outbox. Schedules: hourly cleanup; nightly
 * VACUUM ANALYZE on the embedded database only (PostgreSQL has autovacuum).
 */
export async function startBackgroundWork(ctx: AppContext, log: FastifyBaseLogger): Promise<{ stop: () => Promise<void> }> {
  const startedAt = Date.now();
  const { jobs, database } = ctx;
  await jobs.work(
    'platform.cleanup',
    async () => {
      const result = await cleanUp(database, ctx.now());
      log.info({ deleted: result }, 'cleanup done');
    },
    { pollingIntervalSeconds: 60 },
  );
  if (database.kind === 'embedded') {
    await jobs.work(
      'platform.vacuum',
      async () => {
        const started = Date.now();
        const { tables } = await vacuumEmbedded(database);
        log.info(`VACUUM ANALYZE of ${tables} tables took ${Date.now() - started} ms`);
      },
      { pollingIntervalSeconds: 60 },
    );
  }

  const jobsMs = await jobs.start();
  await jobs.schedule('platform.cleanup', '17 * * * *');
  await jobs.schedule('files.purge-deleted', '43 4 * * *');
  await jobs.schedule('webhooks.prune-deliveries', '51 4 * * *');
  if (database.kind === 'embedded')
    await jobs.schedule('platform.vacuum', '30 3 * * *', {}, { tz: serverTimeZone(), expireInSeconds: 3 * 3600 });
  else await jobs.unschedule('platform.vacuum');
  ctx.events.start();

  log.info(`background work started in ${Date.now() - startedAt} ms (pg-boss ${jobsMs} ms)`);
  return {
    async stop() {
      await jobs.stop();
      await ctx.events.stop();
    },
  };
}
