import type { ServerResponse } from 'node:http';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.js';
import { requireAuth } from '../auth/auth.plugin.js';
import { AppError } from '../http/app-error.js';
import { errorResponses } from '../http/common.schemas.js';
import type { RealtimeEvent } from './realtime.js';
import { EVENT_STREAM_DESCRIPTION, EventStream } from './stream.schemas.js';

const frame = (event: RealtimeEvent) => `event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;

/** GET /events/stream: Server-Sent Events per user. The stream holds no database connection. */
export const eventStreamRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const open = new Set<ServerResponse>();
  // Open streams would keep the server from closing.
  app.addHook('preClose', async () => {
    for (const response of open) response.end();
  });

  app.get(
    '/events/stream',
    {
      schema: {
        tags: ['Real time'],
        summary: 'Real-time events for the signed-in user (Server-Sent Events)',
        description: EVENT_STREAM_DESCRIPTION,
        produces: ['text/event-stream'],
        response: { 200: EventStream, ...errorResponses(401, 429, 503) },
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      if (ctx.realtime.connectionsOf(auth.userId) >= ctx.realtime.maxStreamsPerUser) {
        throw new AppError(
          'rate_limited',
          `At most ${ctx.realtime.maxStreamsPerUser} event streams per user are open at once. Close a tab and try again.`,
          undefined,
          { 'retry-after': '30' },
        );
      }
      const response = reply.raw;
      const write = (chunk: string) => {
        if (!response.writableEnded && !response.destroyed) response.write(chunk);
      };
      // Events that arrive while the snapshot is read are written after it.
      let pending: RealtimeEvent[] | null = [];
      let disconnect: () => void;
      try {
        disconnect = await ctx.realtime.connect(auth.userId, (event) => (pending ? pending.push(event) : write(frame(event))));
      } catch (error) {
        request.log.error({ err: error }, 'real-time stream unavailable');
        throw new AppError('not_ready', 'Real-time updates are not available right now. Try again shortly.');
      }
      let snapshot: RealtimeEvent[];
      try {
        snapshot = await ctx.realtime.snapshot(auth.userId);
      } catch (error) {
        disconnect();
        throw error;
      }
      // The client may have gone while the snapshot was read: its 'close' has fired already, so release the slot now.
      if (response.destroyed || request.raw.destroyed) {
        disconnect();
        return reply;
      }

      reply.hijack();
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-content-type-options': 'nosniff',
        'x-request-id': request.id,
      });
      write('retry: 5000\n\n');
      for (const event of [...snapshot, ...pending]) write(frame(event));
      pending = null;

      const heartbeat = setInterval(() => write(': heartbeat\n\n'), ctx.realtime.heartbeatMs);
      // The browser reconnects by itself (and signs in again: a revoked session gets its 401 then).
      const maxAge = setTimeout(() => response.end(), ctx.realtime.maxStreamMs);
      open.add(response);
      response.on('close', () => {
        clearInterval(heartbeat);
        clearTimeout(maxAge);
        disconnect();
        open.delete(response);
      });
      return reply;
    },
  );
};
