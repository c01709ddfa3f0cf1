import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../../db/database.js';
import { addDays, addMonths, startOfDay, type OrgCalendar, type Period } from '../../../platform/orgs/periods.js';
import type { FieldInputs } from '../field-access.js';
import type { KpiScope } from '../scope.js';
import type { OrgMetadata } from '../../../records/index.js';

/** The KPI ids of the issue, in the order the cockpit shows them. */
export const KPI_IDS = [
  'clv',
  'referenceable_rate',
  'nps',
  'csat',
  'outcomes_on_track',
  'touchpoints',
  'days_since_last_touch',
  'resolution_time_hours',
  'referral_revenue_share',
  'repeat_customer_share',
  'new_to_repeat_ratio',
  'sla_compliance',
  'sow_growth',
  'acquisition_rate',
  'upsell_rate',
  'cross_sell_rate',
  'renewal_rate',
  'enps',
  'churn_rate',
  'revenue_churn',
  'nrr',
  'grr',
  'health_score',
] as const;
export type KpiId = (typeof KPI_IDS)[number];
export type KpiUnit = 'currency' | 'ratio' | 'score' | 'count' | 'days' | 'hours';
export type KpiValue = number | string | null;

/** The organization settings a computation reads. */
export interface KpiOrgSettings extends OrgCalendar {
  currency: string;
  /** Units of a currency per one unit of the organization's currency. */
  exchangeRates: Record<string, string>;
  businessDays: Array<{ day: number; start: string; end: string }>;
  holidays: string[];
}

export interface KpiRunContext {
  executor: Executor;
  scope: KpiScope;
  /** Oldest first; the last one is the period asked for. */
  periods: Period[];
  org: KpiOrgSettings;
  /** Today in the organization's time zone, and the instant it was computed. */
  today: string;
  now: Date;
  stages: { won: string[]; lost: string[] };
  /**
   * The organization's monthly rollups (kam/rollups) are up to date and may stand for raw rows: only for the
   * whole organization without a tier (they have no owner or tier), each family checking the caller sees every
   * row of the modules it reads.
   */
  rollups: boolean;
}

/** The deal stages whose outcome is won, and lost, in the organization's stage picklist. */
export function stagesOf(metadata: OrgMetadata): { won: string[]; lost: string[] } {
  const values = metadata.modules.get('deals')?.fields.find((field) => field.apiName === 'stage')?.options.values ?? [];
  return {
    won: values.filter((value) => value.outcome === 'won').map((value) => value.code),
    lost: values.filter((value) => value.outcome === 'lost').map((value) => value.code),
  };
}

/** The family may read the rollups instead of `modules`' raw rows (see `KpiRunContext.rollups`). */
export function readsRollups(ctx: KpiRunContext, modules: string[]): boolean {
  return ctx.rollups && modules.every((module) => ctx.scope.canRead(module) && ctx.scope.readScope(module).all);
}

/** A KPI's values per period (same order as the context's periods) and figures of the last period. */
export interface KpiResult {
  series: KpiValue[];
  details?: Record<string, number | string | null>;
}

/** The records behind a KPI for one period: rows `{id, counted, value}` and the module they belong to. */
export interface DrillQuery {
  module: string;
  /** Selects `id`, `counted` (boolean) and `value` (text or null) over the single-period `p`. */
  rows: RawBuilder<{ id: string; counted: boolean; value: string | null }>;
  /** How to name a row: the module's display fields (default) or an expression over alias `x` (the row's id). */
  display?: RawBuilder<string | null>;
}

export interface KpiFamily {
  ids: readonly KpiId[];
  /**
   * The fields each KPI's value (and details) reads, module → field API names: a KPI with one of them hidden from
   * the caller, or a module they may not read, is restricted (no value, no drill-down).
   */
  inputs: Partial<Record<KpiId, FieldInputs>>;
  /** Fields behind a drill-down row's `value` beyond the KPI's inputs: hidden ones blank the value (null). */
  drillValueInputs?: Partial<Record<KpiId, FieldInputs>>;
  /** One grouped query (or a few) for every KPI of the family over every period. */
  compute(ctx: KpiRunContext, wanted: ReadonlySet<KpiId>): Promise<Partial<Record<KpiId, KpiResult>>>;
  drill(ctx: KpiRunContext, id: KpiId): DrillQuery | null;
}

/** The day a period's state is read on: its last day, or today while it runs (its first day before it starts). */
export const referenceDay = (ctx: KpiRunContext, period: Period): string =>
  period.end < ctx.today ? period.end : ctx.today < period.start ? period.start : ctx.today;

/**
 * The periods as a VALUES list `p`: i (0 oldest), d0 first day, d1 last day, dn the day after, t0/t1 the
 * instants they span, w0/tw0 the first day (instant) of the 12 months ending with d1, r the reference day
 * (d1, or today when the period has not ended) and tr the instant after it. Computed here, in the
 * organization's time zone: `generate_series` with a time zone is not on PostgreSQL 15.
 */
export function periodsCte(ctx: KpiRunContext): RawBuilder<unknown> {
  const rows = ctx.periods.map((period, i) => {
    const dn = addDays(period.end, 1);
    const w0 = addMonths(dn, -12);
    const r = referenceDay(ctx, period);
    const tr = startOfDay(addDays(r, 1), ctx.org.timeZone);
    const tw0 = startOfDay(w0, ctx.org.timeZone);
    return sql`(${i}::int, ${period.start}::date, ${period.end}::date, ${dn}::date, ${period.startAt.toISOString()}::timestamptz, ${period.endAt.toISOString()}::timestamptz, ${w0}::date, ${tw0.toISOString()}::timestamptz, ${r}::date, ${tr.toISOString()}::timestamptz)`;
  });
  return sql`p (i, d0, d1, dn, t0, t1, w0, tw0, r, tr) AS (VALUES ${sql.join(rows)})`;
}

/**
 * The index `i` of the period an instant belongs to, for the context's consecutive periods: with
 * `withinPeriods` on the same column, one pass over the rows of the whole span (a range the planner can
 * scan once) instead of one index range per period joined with `p`, which reads the heap in random order.
 */
export function periodIndexOf(ctx: KpiRunContext, instant: RawBuilder<unknown>): RawBuilder<number> {
  const bounds = [...ctx.periods.map((period) => period.startAt.toISOString()), ctx.periods.at(-1)!.endAt.toISOString()];
  return sql<number>`(width_bucket(${instant}, ${bounds}::timestamptz[]) - 1)`;
}

/** The instant falls within the context's periods (from the first one's start to the last one's end). */
export function withinPeriods(ctx: KpiRunContext, instant: RawBuilder<unknown>): RawBuilder<boolean> {
  return sql<boolean>`(${instant} >= ${ctx.periods[0]!.startAt.toISOString()}::timestamptz AND ${instant} < ${ctx.periods.at(-1)!.endAt.toISOString()}::timestamptz)`;
}

/** Amount in the organization's currency: `amount ÷ rate` of its currency (1 for the organization's or an unknown one). */
export function inOrgCurrency(ctx: KpiRunContext, amount: RawBuilder<unknown>, currency: RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`(coalesce(${amount}, 0)::numeric / coalesce((${JSON.stringify(ctx.org.exchangeRates)}::jsonb ->> ${currency})::numeric, 1))`;
}

/**
 * Annualized contract value of contract alias `c`: value ÷ length in years (start to end inclusive, in calendar
 * years, months and days); an open-ended contract's value is annual; a contract ending before it starts is 0.
 */
export function acvSql(ctx: KpiRunContext, alias = 'c'): RawBuilder<string> {
  const c = sql.raw(alias);
  const value = inOrgCurrency(ctx, sql`${c}.value`, sql`${c}.currency`);
  const age = sql`age((${c}.end_date + 1)::timestamp, ${c}.start_date::timestamp)`;
  const years = sql`(extract(year FROM ${age}) + extract(month FROM ${age}) / 12.0 + extract(day FROM ${age}) / 365.0)`;
  return sql<string>`(CASE WHEN ${c}.end_date IS NULL THEN ${value} WHEN ${c}.end_date < ${c}.start_date THEN 0 ELSE ${value} / ${years} END)`;
}

/** Contract alias `c` is active on `day`: started, not ended, not cancelled on or before it. */
export function activeOn(alias: string, day: RawBuilder<unknown>): RawBuilder<boolean> {
  const c = sql.raw(alias);
  return sql<boolean>`(${c}.start_date <= ${day} AND (${c}.end_date IS NULL OR ${day} <= ${c}.end_date) AND (${c}.cancelled_at IS NULL OR ${c}.cancelled_at > ${day}))`;
}

/** `numerator ÷ denominator` rounded to 4 decimals in numeric, null when the denominator is 0. */
export function ratioSql(numerator: RawBuilder<unknown>, denominator: RawBuilder<unknown>): RawBuilder<string | null> {
  return sql<string | null>`round(coalesce(${numerator}, 0)::numeric / nullif(${denominator}, 0)::numeric, 4)::text`;
}

/** A numeric SQL result (text) as a number, null kept. */
export const toNumber = (value: string | number | null | undefined): number | null =>
  value === null || value === undefined ? null : Number(value);

/** Rows grouped by period index `i` into a series, in period order. */
export function seriesOf<T extends { i: number }>(ctx: KpiRunContext, rows: T[], pick: (row: T) => KpiValue): KpiValue[] {
  const byIndex = new Map(rows.map((row) => [Number(row.i), row]));
  return ctx.periods.map((_, i) => {
    const row = byIndex.get(i);
    return row ? pick(row) : null;
  });
}
