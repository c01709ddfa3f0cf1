import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../platform/context.js';
import { getRecords } from '../../records/index.js';
import { createScoringEngine, type ScoringEngine } from './scoring.engine.js';
import { createScoringService } from './scoring.service.js';
import { scoringRoutes } from './scoring.routes.js';

const engines = new WeakMap<AppContext, ScoringEngine>();

/** The scoring engine of this app (tests call its handler directly to deliver an event twice). */
export function getScoringEngine(ctx: AppContext): ScoringEngine {
  let engine = engines.get(ctx);
  if (!engine) {
    const { records, metadata } = getRecords(ctx);
    engine = createScoringEngine(ctx, { records, metadata });
    engines.set(ctx, engine);
  }
  return engine;
}

/**
 * Scoring rules (AUT-8): the API under /automation/scoring-rules and /automation/scores, the after-commit handlers of
 * record and touchpoint events (registered last of automation: workflow → approval → Blueprint → scoring) and the
 * recalculation job.
 */
export const scoringPlugin: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { records, metadata } = getRecords(ctx);
  const engine = getScoringEngine(ctx);
  await engine.subscribe();
  await app.register(scoringRoutes, { scoring: createScoringService(ctx, { records, metadata, engine }) });
};
