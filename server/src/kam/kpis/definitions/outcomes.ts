import { sql, type RawBuilder } from 'kysely';
import { recordInScope, tableOf, visibleRow } from '../scope.js';
import { periodsCte, ratioSql, seriesOf, toNumber, type KpiFamily, type KpiRunContext } from './common.js';

/**
 * Outcomes (KAM-4): the share of the customers' goals in play whose latest
 * measurement meets the target pro-rated to the reference day. One query.
 */
function goalCtes(ctx: KpiRunContext): RawBuilder<unknown> {
  const { scope } = ctx;
  const start = sql`coalesce(g.start_date, (g.created_at AT TIME ZONE ${ctx.org.timeZone})::date)`;
  return sql`
    ${periodsCte(ctx)},
    goals AS (
      SELECT p.i, g.id, m.actual_value AS actual,
        coalesce(g.baseline_value, 0) + (g.target_value - coalesce(g.baseline_value, 0)) * (
          CASE WHEN g.target_date <= ${start} THEN 1
          ELSE least(1, greatest(0, (p.r - ${start})::numeric / (g.target_date - ${start}))) END
        ) AS expected,
        g.target_value >= coalesce(g.baseline_value, 0) AS upward
      FROM p JOIN ${tableOf(scope, 'account_goals')} g ON ${start} <= p.r AND g.target_date >= p.d0
      LEFT JOIN LATERAL (
        SELECT m.actual_value FROM ${tableOf(scope, 'goal_measurements')} m
        WHERE m.goal_id = g.id AND m.measured_on <= p.r AND ${visibleRow(scope, 'goal_measurements', 'm')}
        ORDER BY m.measured_on DESC, m.created_at DESC LIMIT 1
      ) m ON true
      WHERE ${recordInScope(scope, 'account_goals', 'g')} AND g.status IS DISTINCT FROM 'dropped'
    ),
    judged AS (
      SELECT i, id, actual, coalesce(CASE WHEN upward THEN actual >= expected ELSE actual <= expected END, false) AS on_track FROM goals
    )`;
}

export const outcomesFamily: KpiFamily = {
  ids: ['outcomes_on_track'],
  inputs: {
    outcomes_on_track: {
      account_goals: ['account_id', 'start_date', 'target_date', 'baseline_value', 'target_value', 'status'],
      goal_measurements: ['goal_id', 'measured_on', 'actual_value'],
    },
  },

  async compute(ctx) {
    const result = await sql<{ i: number; rate: string | null }>`
      WITH ${goalCtes(ctx)}
      SELECT p.i, ${ratioSql(sql`count(j.id) FILTER (WHERE j.on_track)`, sql`count(j.id)`)} AS rate
      FROM p LEFT JOIN judged j ON j.i = p.i GROUP BY p.i ORDER BY p.i`.execute(ctx.executor);
    return { outcomes_on_track: { series: seriesOf(ctx, result.rows, (row) => toNumber(row.rate)) } };
  },

  drill(ctx) {
    return {
      module: 'account_goals',
      rows: sql`WITH ${goalCtes(ctx)} SELECT j.id, j.on_track AS counted, j.actual::text AS value FROM judged j`,
    };
  },
};
