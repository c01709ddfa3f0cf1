import { sql, type RawBuilder } from 'kysely';
import { accountInScope, orgTable, recordInScope, tableOf, visibleRow } from '../scope.js';
import {
  periodIndexOf,
  referenceDay,
  periodsCte,
  readsRollups,
  seriesOf,
  toNumber,
  withinPeriods,
  type KpiFamily,
  type KpiRunContext,
} from './common.js';

/**
 * Interaction (KAM-5): touchpoints with customers (those of an account; a
 * lead's touchpoints feed acquisition) in and out and the time they took, and days
 * since each key account's last touchpoint (its median for a group). One
 * query over the 8 periods; the last touch of each key account is found
 * through the (account_id, occurred_at) index. The whole organization's
 * counts come from the monthly rollups when they stand for the raw rows.
 */

/** Touchpoints per period `i`: total, inbound, outbound and hours (text). */
function countsCte(ctx: KpiRunContext): RawBuilder<unknown> {
  if (readsRollups(ctx, ['touchpoints']))
    return sql`counts AS (
      SELECT p.i, sum(r.total)::int AS total, sum(r.inbound)::int AS inbound, sum(r.outbound)::int AS outbound,
        round(sum(r.minutes) / 60.0, 2)::text AS hours
      FROM p JOIN ${orgTable(ctx.scope, 'kam_rollup_touch_months')} r ON r.month >= p.d0 AND r.month <= p.d1 GROUP BY p.i
    )`;
  return sql`counts AS (
    SELECT i, count(*)::int AS total, count(*) FILTER (WHERE direction = 'inbound')::int AS inbound,
      count(*) FILTER (WHERE direction = 'outbound')::int AS outbound, round(sum(duration_minutes) / 60.0, 2)::text AS hours
    FROM t GROUP BY i
  )`;
}

/** `last_touch` (each key account's days since its last touch, per period) and `touch_days` (its touch days in the last period). */
function lastTouchCtes(ctx: KpiRunContext): RawBuilder<unknown> {
  const { scope } = ctx;
  const keyAccounts = sql`SELECT a.id FROM ${tableOf(scope, 'accounts')} a WHERE ${accountInScope(scope, 'a')} AND a.is_key_account IS TRUE`;
  if (readsRollups(ctx, ['touchpoints'])) {
    // The rollups keep each account's touch days: a day on or before r is a touch before the instant after r.
    const days = orgTable(scope, 'kam_rollup_touch_days');
    const last = ctx.periods.at(-1)!;
    return sql`
    last_touch AS (
      SELECT p.i, a.id, p.r - lt.day AS days
      FROM p CROSS JOIN ${tableOf(scope, 'accounts')} a
      LEFT JOIN LATERAL (SELECT max(d.day) AS day FROM ${days} d WHERE d.account_id = a.id AND d.day <= p.r) lt ON true
      WHERE ${accountInScope(scope, 'a')} AND a.is_key_account IS TRUE
    ),
    touch_days AS (
      SELECT p.i, p.r, d.account_id, d.day
      FROM p JOIN ${days} d ON d.day >= p.d0 AND d.day <= p.r
      -- The bounds again as constants: an index range per key account, not a scan of every account's days.
      WHERE p.i = ${ctx.periods.length - 1} AND d.account_id IN (${keyAccounts})
        AND d.day >= ${last.start}::date AND d.day <= ${referenceDay(ctx, last)}::date
    )`;
  }
  return sql`
    last_touch AS (
      SELECT p.i, a.id, p.r - (lt.at AT TIME ZONE ${ctx.org.timeZone})::date AS days
      FROM p CROSS JOIN ${tableOf(scope, 'accounts')} a
      LEFT JOIN LATERAL (
        SELECT max(t.occurred_at) AS at FROM ${tableOf(scope, 'touchpoints')} t
        WHERE t.account_id = a.id AND t.occurred_at < p.tr AND ${visibleRow(scope, 'touchpoints', 't')}
      ) lt ON true
      WHERE ${accountInScope(scope, 'a')} AND a.is_key_account IS TRUE
    ),
    -- The longest gap is a detail of the period asked for (the last): its touch days only.
    touch_days AS (
      SELECT DISTINCT p.i, p.r, t.account_id, (t.occurred_at AT TIME ZONE ${ctx.org.timeZone})::date AS day
      FROM p JOIN ${tableOf(scope, 'touchpoints')} t ON t.occurred_at >= p.t0 AND t.occurred_at < p.tr
      WHERE p.i = ${ctx.periods.length - 1} AND t.account_id IN (${keyAccounts}) AND ${visibleRow(scope, 'touchpoints', 't')}
    )`;
}

function touchCtes(ctx: KpiRunContext): RawBuilder<unknown> {
  const { scope } = ctx;
  return sql`
    ${periodsCte(ctx)},
    t AS (
      SELECT ${periodIndexOf(ctx, sql`t.occurred_at`)} AS i, t.id, t.direction, t.duration_minutes
      FROM ${tableOf(scope, 'touchpoints')} t
      WHERE ${withinPeriods(ctx, sql`t.occurred_at`)} AND t.account_id IS NOT NULL AND ${recordInScope(scope, 'touchpoints', 't')}
    ),
    ${lastTouchCtes(ctx)},
    day_gaps AS (
      SELECT i, day - lag(day) OVER (PARTITION BY i, account_id ORDER BY day) AS gap, r - max(day) OVER (PARTITION BY i, account_id) AS tail
      FROM touch_days
    )`;
}

export const interactionFamily: KpiFamily = {
  ids: ['touchpoints', 'days_since_last_touch'],
  inputs: {
    // The details add up directions and durations.
    touchpoints: { touchpoints: ['account_id', 'occurred_at', 'direction', 'duration_minutes'] },
    days_since_last_touch: { accounts: ['is_key_account'], touchpoints: ['account_id', 'occurred_at'] },
  },

  async compute(ctx) {
    const result = await sql<{
      i: number;
      total: number;
      inbound: number;
      outbound: number;
      hours: string | null;
      median_days: string | null;
      never: number;
      longest_gap: number | null;
    }>`
      WITH ${touchCtes(ctx)},
      ${countsCte(ctx)},
      gaps AS (
        SELECT i, percentile_cont(0.5) WITHIN GROUP (ORDER BY days)::text AS median_days, count(*) FILTER (WHERE days IS NULL)::int AS never
        FROM last_touch GROUP BY i
      ),
      longest AS (SELECT i, greatest(max(gap), max(tail))::int AS days FROM day_gaps GROUP BY i)
      SELECT p.i, longest.days AS longest_gap, coalesce(counts.total, 0) AS total, coalesce(counts.inbound, 0) AS inbound, coalesce(counts.outbound, 0) AS outbound,
        coalesce(counts.hours, '0.00') AS hours, gaps.median_days, coalesce(gaps.never, 0) AS never
      FROM p LEFT JOIN counts ON counts.i = p.i LEFT JOIN gaps ON gaps.i = p.i LEFT JOIN longest ON longest.i = p.i ORDER BY p.i`.execute(
      ctx.executor,
    );
    const last = result.rows.at(-1);
    return {
      touchpoints: {
        series: seriesOf(ctx, result.rows, (row) => Number(row.total)),
        details: { inbound: Number(last?.inbound ?? 0), outbound: Number(last?.outbound ?? 0), hoursSpent: toNumber(last?.hours ?? '0') },
      },
      days_since_last_touch: {
        series: seriesOf(ctx, result.rows, (row) => toNumber(row.median_days)),
        details: { neverTouched: Number(last?.never ?? 0), longestGapDays: last?.longest_gap ?? null },
      },
    };
  },

  drill(ctx, id) {
    if (id === 'touchpoints') {
      return { module: 'touchpoints', rows: sql`WITH ${touchCtes(ctx)} SELECT t.id, true AS counted, t.direction::text AS value FROM t` };
    }
    return {
      module: 'accounts',
      rows: sql`WITH ${touchCtes(ctx)} SELECT lt.id, lt.days IS NOT NULL AS counted, lt.days::text AS value FROM last_touch lt`,
    };
  },
};
