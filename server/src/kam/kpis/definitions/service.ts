import { sql, type RawBuilder } from 'kysely';
import { recordInScope, tableOf } from '../scope.js';
import { businessMinutesBetween } from '../business-time.js';
import {
  periodIndexOf,
  periodsCte,
  ratioSql,
  seriesOf,
  toNumber,
  withinPeriods,
  type KpiFamily,
  type KpiRunContext,
  type KpiValue,
} from './common.js';

/**
 * Service (KAM-5, KAM-6): SLA compliance of the cases resolved in each period
 * (SQL), and the median resolution time in business hours. With business
 * hours set, the hours of each resolved case are counted here over the
 * organization's calendar (the resolved cases of the scope and 8 periods: a
 * bounded set, two columns each); with none, every hour counts and the median
 * is SQL's.
 */

function caseCtes(ctx: KpiRunContext): RawBuilder<unknown> {
  return sql`
    ${periodsCte(ctx)},
    k AS (
      SELECT ${periodIndexOf(ctx, sql`k.resolved_at`)} AS i, k.id, k.created_at, k.resolved_at, k.sla_due_at
      FROM ${tableOf(ctx.scope, 'cases')} k
      WHERE ${withinPeriods(ctx, sql`k.resolved_at`)} AND ${recordInScope(ctx.scope, 'cases', 'k')}
    )`;
}

const calendarOf = (ctx: KpiRunContext) => ({ timeZone: ctx.org.timeZone, days: ctx.org.businessDays, holidays: ctx.org.holidays });
const hoursOf = (ctx: KpiRunContext, from: Date, to: Date) =>
  ctx.org.businessDays.length === 0 ? (to.getTime() - from.getTime()) / 3_600_000 : businessMinutesBetween(from, to, calendarOf(ctx)) / 60;

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
const round2 = (value: number | null) => (value === null ? null : Math.round(value * 100) / 100);

export const serviceFamily: KpiFamily = {
  ids: ['sla_compliance', 'resolution_time_hours'],
  inputs: {
    sla_compliance: { cases: ['account_id', 'resolved_at', 'sla_due_at'] },
    resolution_time_hours: { cases: ['account_id', 'resolved_at'] },
  },

  async compute(ctx, wanted) {
    const sla = await sql<{ i: number; sla_compliance: string | null; median_hours: string | null }>`
      WITH ${caseCtes(ctx)}
      SELECT p.i,
        ${ratioSql(sql`count(k.id) FILTER (WHERE k.resolved_at <= k.sla_due_at)`, sql`count(k.id) FILTER (WHERE k.sla_due_at IS NOT NULL)`)} AS sla_compliance,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM k.resolved_at - k.created_at) / 3600)::text AS median_hours
      FROM p LEFT JOIN k ON k.i = p.i GROUP BY p.i ORDER BY p.i`.execute(ctx.executor);
    let resolution: KpiValue[] = seriesOf(ctx, sla.rows, (row) => round2(toNumber(row.median_hours)));
    if (wanted.has('resolution_time_hours') && ctx.org.businessDays.length > 0) {
      const cases = await sql<{ i: number; created_at: Date; resolved_at: Date }>`
        WITH ${caseCtes(ctx)} SELECT k.i, k.created_at, k.resolved_at FROM k`.execute(ctx.executor);
      const hours = ctx.periods.map((): number[] => []);
      for (const row of cases.rows) hours[row.i]!.push(hoursOf(ctx, new Date(row.created_at), new Date(row.resolved_at)));
      resolution = hours.map((values) => round2(median(values)));
    }
    return {
      sla_compliance: { series: seriesOf(ctx, sla.rows, (row) => toNumber(row.sla_compliance)) },
      resolution_time_hours: { series: resolution },
    };
  },

  drill(ctx, id) {
    const counted = id === 'sla_compliance' ? sql`coalesce(k.resolved_at <= k.sla_due_at, false)` : sql`true`;
    const where = id === 'sla_compliance' ? sql`k.sla_due_at IS NOT NULL` : sql`true`;
    return {
      module: 'cases',
      rows: sql`WITH ${caseCtes(ctx)} SELECT k.id, ${counted} AS counted,
        round((extract(epoch FROM k.resolved_at - k.created_at) / 3600)::numeric, 2)::text AS value FROM k WHERE ${where}`,
    };
  },
};
