import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from './context.js';
import { ErrorResponse } from './http/common.schemas.js';
import { AppError } from './http/app-error.js';

const Health = Type.Object({ status: Type.Literal('ok') });

/** /healthz: the process answers. /readyz: the database answers too. */
export const healthRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/healthz',
    { config: { access: 'public' }, schema: { tags: ['Health'], summary: 'The process is up', response: { 200: Health } } },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/readyz',
    {
      config: { access: 'public' },
      schema: { tags: ['Health'], summary: 'The database answers', response: { 200: Health, 503: ErrorResponse } },
    },
    async () => {
      try {
        await ctx.database.query('SELECT 1');
      } catch {
        throw new AppError('not_ready', 'The database is not answering.');
      }
      return { status: 'ok' as const };
    },
  );
};
