import { sql, type RawBuilder } from 'kysely';
import { computeHealthScores, loadHealthOrg } from '../../health/health.service.js';
import { accountInScope, orgTable, tableOf } from '../scope.js';
import { periodsCte, seriesOf, toNumber, type KpiFamily, type KpiRunContext } from './common.js';

/**
 * Health (KAM-11): the average health score of the key accounts of the
 * scope. A period that has ended reads the daily snapshots (each account's
 * last snapshot in the period); the period holding today is computed live
 * (the score as the account page shows it); a period not begun has none.
 */
const keyAccounts = (ctx: KpiRunContext): RawBuilder<unknown> =>
  sql`SELECT a.id FROM ${tableOf(ctx.scope, 'accounts')} a WHERE ${accountInScope(ctx.scope, 'a')} AND a.is_key_account IS TRUE`;

function lastSnapshots(ctx: KpiRunContext): RawBuilder<unknown> {
  return sql`
    ${periodsCte(ctx)},
    k AS (${keyAccounts(ctx)}),
    last AS (
      SELECT p.i, k.id, s.score FROM p CROSS JOIN k
      LEFT JOIN LATERAL (
        SELECT s.score FROM ${orgTable(ctx.scope, 'kam_health_snapshots')} s
        WHERE s.account_id = k.id AND s.day >= p.d0 AND s.day <= p.d1 ORDER BY s.day DESC LIMIT 1
      ) s ON true
    )`;
}

/** Average live health score of the key accounts of the scope (null without any). */
async function liveAverage(ctx: KpiRunContext): Promise<number | null> {
  const ids = (await sql<{ id: string }>`${keyAccounts(ctx)}`.execute(ctx.executor)).rows.map((row) => row.id);
  if (ids.length === 0) return null;
  const org = await loadHealthOrg(ctx.executor, ctx.scope.metadata, ctx.scope.metadata.orgId);
  if (!org) return null;
  const scores = [...(await computeHealthScores(ctx.executor, org, ids, ctx.now)).values()]
    .map((score) => score.score)
    .filter((score): score is number => score !== null);
  if (scores.length === 0) return null;
  return Math.round((10 * scores.reduce((sum, score) => sum + score, 0)) / scores.length) / 10;
}

export const healthFamily: KpiFamily = {
  ids: ['health_score'],
  // The score is an attribute of the account computed from all its records (docs/kpis.md): only which accounts are key.
  inputs: { health_score: { accounts: ['is_key_account'] } },

  async compute(ctx) {
    const result = await sql<{ i: number; average: string | null }>`
      WITH ${lastSnapshots(ctx)}
      SELECT p.i, round(avg(last.score), 1)::text AS average FROM p LEFT JOIN last ON last.i = p.i GROUP BY p.i ORDER BY p.i`.execute(
      ctx.executor,
    );
    const series = seriesOf(ctx, result.rows, (row) => toNumber(row.average));
    const current = ctx.periods.findIndex((period) => period.start <= ctx.today && ctx.today <= period.end);
    if (current >= 0) series[current] = await liveAverage(ctx);
    ctx.periods.forEach((period, i) => {
      if (period.start > ctx.today) series[i] = null;
    });
    return { health_score: { series } };
  },

  drill(ctx) {
    return {
      module: 'accounts',
      rows: sql`WITH ${lastSnapshots(ctx)} SELECT last.id, last.score IS NOT NULL AS counted, last.score::text AS value FROM last`,
    };
  },
};
