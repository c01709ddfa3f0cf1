import { sql, type RawBuilder } from 'kysely';
import { addDays, addMonths } from '../../../platform/orgs/periods.js';
import { orgTable, ownedInScope, tableOf, visibleRow } from '../scope.js';
import {
  periodIndexOf,
  periodsCte,
  ratioSql,
  readsRollups,
  seriesOf,
  toNumber,
  withinPeriods,
  type KpiFamily,
  type KpiRunContext,
} from './common.js';

/**
 * Acquisition (KAM-7): leads converted ÷ leads reached (first outbound
 * touchpoint) per period, and the conversion curve by number of touchpoints.
 * Leads count by their owner; an account scope has no leads.
 */

/** Buckets with fewer leads than this show no rate. */
export const CURVE_MIN_LEADS = 20;
export const CURVE_BUCKETS = 10;

/** Leads, their conversion and their first outbound touchpoint. */
export const ACQUISITION_INPUTS = { leads: ['converted_at'], touchpoints: ['lead_id', 'direction', 'occurred_at'] };
/** The curve also groups by the first touchpoint's channel. */
export const CURVE_INPUTS = { ...ACQUISITION_INPUTS, touchpoints: [...ACQUISITION_INPUTS.touchpoints, 'channel'] };

function leadCtes(ctx: KpiRunContext, channel?: string): RawBuilder<unknown> {
  const { scope } = ctx;
  const byChannel = channel ? sql`AND f.channel = ${channel}` : sql``;
  if (scope.kind === 'org' && readsRollups(ctx, ['touchpoints', 'leads'])) {
    // The rollups keep each live lead's first outbound touchpoint and conversion.
    return sql`
    ${periodsCte(ctx)},
    l AS NOT MATERIALIZED (
      SELECT f.lead_id AS id, f.converted_at, f.first_at, f.channel FROM ${orgTable(scope, 'kam_rollup_lead_touches')} f
      WHERE true ${byChannel}
    )`;
  }
  if (scope.kind === 'org') {
    // The whole organization's leads: every lead's first outbound touchpoint in one sorted pass over the
    // touchpoints with a lead, rather than an index probe per lead.
    return sql`
    ${periodsCte(ctx)},
    f AS (
      SELECT DISTINCT ON (t.lead_id) t.lead_id, t.occurred_at AS at, t.channel FROM ${tableOf(scope, 'touchpoints')} t
      WHERE t.lead_id IS NOT NULL AND t.direction = 'outbound' AND ${visibleRow(scope, 'touchpoints', 't')}
      ORDER BY t.lead_id, t.occurred_at, t.id
    ),
    l AS NOT MATERIALIZED (
      SELECT l.id, l.converted_at, f.at AS first_at, f.channel
      FROM ${tableOf(scope, 'leads')} l JOIN f ON f.lead_id = l.id
      WHERE ${ownedInScope(scope, 'leads', 'l')} ${byChannel}
    )`;
  }
  return sql`
    ${periodsCte(ctx)},
    l AS NOT MATERIALIZED (
      SELECT l.id, l.converted_at, f.at AS first_at, f.channel
      FROM ${tableOf(scope, 'leads')} l
      JOIN LATERAL (
        SELECT t.occurred_at AS at, t.channel FROM ${tableOf(scope, 'touchpoints')} t
        WHERE t.lead_id = l.id AND t.direction = 'outbound' AND ${visibleRow(scope, 'touchpoints', 't')}
        ORDER BY t.occurred_at, t.id LIMIT 1
      ) f ON true
      WHERE ${ownedInScope(scope, 'leads', 'l')} ${byChannel}
    )`;
}

const convertedIn = sql<boolean>`(l.converted_at >= p.t0 AND l.converted_at < p.t1 AND l.first_at <= l.converted_at)`;
const reachedIn = sql<boolean>`(l.first_at >= p.t0 AND l.first_at < p.t1)`;

export const acquisitionFamily: KpiFamily = {
  ids: ['acquisition_rate'],
  inputs: { acquisition_rate: ACQUISITION_INPUTS },

  async compute(ctx) {
    if (ctx.scope.kind === 'account') return { acquisition_rate: { series: ctx.periods.map(() => null) } };
    const result = await sql<{ i: number; rate: string | null; reached: number; converted: number }>`
      WITH ${leadCtes(ctx)},
      -- One pass over the leads each (the periods are consecutive), not a join of every lead with every period.
      reached AS (
        SELECT ${periodIndexOf(ctx, sql`l.first_at`)} AS i, count(*) AS n FROM l WHERE ${withinPeriods(ctx, sql`l.first_at`)} GROUP BY 1
      ),
      converted AS (
        SELECT ${periodIndexOf(ctx, sql`l.converted_at`)} AS i, count(*) AS n FROM l
        WHERE ${withinPeriods(ctx, sql`l.converted_at`)} AND l.first_at <= l.converted_at GROUP BY 1
      )
      SELECT p.i, ${ratioSql(sql`converted.n`, sql`reached.n`)} AS rate, coalesce(reached.n, 0)::int AS reached, coalesce(converted.n, 0)::int AS converted
      FROM p LEFT JOIN reached ON reached.i = p.i LEFT JOIN converted ON converted.i = p.i ORDER BY p.i`.execute(ctx.executor);
    const last = result.rows.at(-1);
    return {
      acquisition_rate: {
        series: seriesOf(ctx, result.rows, (row) => toNumber(row.rate)),
        details: { reached: Number(last?.reached ?? 0), converted: Number(last?.converted ?? 0) },
      },
    };
  },

  drill(ctx) {
    return {
      module: 'leads',
      rows: sql`WITH ${leadCtes(ctx)} SELECT l.id, ${convertedIn} AS counted, l.channel::text AS value FROM p JOIN l ON ${reachedIn} OR ${convertedIn}`,
    };
  },
};

export interface CurveBucket {
  touchpoints: number;
  label: string;
  leads: number;
  converted: number;
  rate: number | null;
  hidden: boolean;
}

export interface AcquisitionCurve {
  from: string;
  to: string;
  buckets: CurveBucket[];
  fallsAfter: number | null;
  byChannel: Array<{ channel: string; leads: number; converted: number; rate: number | null }>;
}

/** The conversion curve over the 12 months ending with the context's last period (one grouped query). */
export async function computeAcquisitionCurve(ctx: KpiRunContext, channel?: string): Promise<AcquisitionCurve> {
  const period = ctx.periods.at(-1)!;
  const one: KpiRunContext = { ...ctx, periods: [period] };
  const { scope } = ctx;
  const rows =
    scope.kind === 'account'
      ? []
      : (
          await sql<{ bucket: number | null; channel: string | null; leads: number; converted: number }>`
      WITH ${leadCtes(one, channel)},
      w AS (
        SELECT l.id, l.channel, (l.converted_at IS NOT NULL AND l.converted_at < p.t1) AS converted, (
          SELECT count(*) FROM ${tableOf(scope, 'touchpoints')} t
          WHERE t.lead_id = l.id AND t.occurred_at < p.t1 AND (l.converted_at IS NULL OR t.occurred_at <= l.converted_at)
            AND ${visibleRow(scope, 'touchpoints', 't')}
        ) AS n
        FROM p JOIN l ON l.first_at >= p.tw0 AND l.first_at < p.t1 AND (l.converted_at IS NULL OR l.first_at <= l.converted_at)
      )
      SELECT least(n, ${CURVE_BUCKETS})::int AS bucket, NULL::text AS channel, count(*)::int AS leads, count(*) FILTER (WHERE converted)::int AS converted
      FROM w GROUP BY 1
      UNION ALL
      SELECT NULL::int, w.channel, count(*)::int, count(*) FILTER (WHERE converted)::int FROM w GROUP BY w.channel`.execute(ctx.executor)
        ).rows;
  const rate = (converted: number, leads: number) => (leads === 0 ? null : Math.round((converted / leads) * 10_000) / 10_000);
  const buckets: CurveBucket[] = [];
  for (let k = 1; k <= CURVE_BUCKETS; k++) {
    const row = rows.find((r) => r.bucket === k);
    const leads = row?.leads ?? 0;
    const converted = row?.converted ?? 0;
    const hidden = leads < CURVE_MIN_LEADS;
    buckets.push({
      touchpoints: k,
      label: k === CURVE_BUCKETS ? `${k}+` : String(k),
      leads,
      converted,
      rate: hidden ? null : rate(converted, leads),
      hidden,
    });
  }
  const shown = buckets.filter((b) => !b.hidden);
  let best: CurveBucket | undefined;
  for (const bucket of shown) if (!best || bucket.rate! > best.rate!) best = bucket;
  const fallsAfter = best && shown.some((b) => b.touchpoints > best.touchpoints && b.rate! < best.rate!) ? best.touchpoints : null;
  const byChannel = rows
    .filter((r) => r.bucket === null && r.channel !== null)
    .map((r) => ({ channel: r.channel!, leads: r.leads, converted: r.converted, rate: rate(r.converted, r.leads) }))
    .sort((a, b) => a.channel.localeCompare(b.channel));
  return { from: addMonths(addDays(period.end, 1), -12), to: period.end, buckets, fallsAfter, byChannel };
}
