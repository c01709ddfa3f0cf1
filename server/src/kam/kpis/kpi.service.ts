import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import type { AppContext } from '../../platform/context.js';
import { badRequest, forbidden } from '../../platform/http/app-error.js';
import { canModuleAction, quoteIdent, type MetadataStore, type OrgMetadata } from '../../records/index.js';
import { acquisitionFamily, computeAcquisitionCurve, CURVE_INPUTS, type AcquisitionCurve } from './definitions/acquisition.js';
import {
  KPI_IDS,
  stagesOf,
  type KpiFamily,
  type KpiId,
  type KpiOrgSettings,
  type KpiRunContext,
  type KpiUnit,
  type KpiValue,
} from './definitions/common.js';
import { healthFamily } from './definitions/health.js';
import { interactionFamily } from './definitions/interaction.js';
import { outcomesFamily } from './definitions/outcomes.js';
import { retentionFamily } from './definitions/retention.js';
import { salesFamily } from './definitions/sales.js';
import { satisfactionFamily } from './definitions/satisfaction.js';
import { serviceFamily } from './definitions/service.js';
import { fieldVisible, inputsHidden } from './field-access.js';
import { lastPeriods, localDate, parsePeriod, type Period } from '../../platform/orgs/periods.js';
import { resolveScope, tableOf } from './scope.js';
import type { RollupService } from '../rollups/rollup.service.js';

const FAMILIES: KpiFamily[] = [
  retentionFamily,
  salesFamily,
  serviceFamily,
  interactionFamily,
  satisfactionFamily,
  outcomesFamily,
  acquisitionFamily,
  healthFamily,
];

export const KPI_UNITS: Record<KpiId, KpiUnit> = {
  clv: 'currency',
  referenceable_rate: 'ratio',
  nps: 'score',
  csat: 'ratio',
  outcomes_on_track: 'ratio',
  touchpoints: 'count',
  days_since_last_touch: 'days',
  resolution_time_hours: 'hours',
  referral_revenue_share: 'ratio',
  repeat_customer_share: 'ratio',
  new_to_repeat_ratio: 'ratio',
  sla_compliance: 'ratio',
  sow_growth: 'ratio',
  acquisition_rate: 'ratio',
  upsell_rate: 'ratio',
  cross_sell_rate: 'ratio',
  renewal_rate: 'ratio',
  enps: 'score',
  churn_rate: 'ratio',
  revenue_churn: 'ratio',
  nrr: 'ratio',
  grr: 'ratio',
  health_score: 'score',
};

export interface KpiQuery {
  scope?: string;
  period: string;
  tier?: string;
}

export interface KpiItem {
  id: KpiId;
  unit: KpiUnit;
  value: KpiValue;
  previous: KpiValue;
  target: KpiValue;
  series: Array<{ period: string; value: KpiValue }>;
  details?: Record<string, number | string | null>;
  /** The caller's profile hides some of the KPI's inputs: no value, no drill-down. */
  restricted?: true;
}

export interface KpiRecordsPage {
  module: string;
  period: string;
  total: number;
  counted: number;
  data: Array<{ id: string; display: string | null; counted: boolean; value: string | null }>;
  nextCursor: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function parseIds(ids: string | undefined): KpiId[] {
  if (ids === undefined || ids.trim() === '') return [...KPI_IDS];
  const wanted = ids.split(',').map((id) => id.trim());
  for (const id of wanted) if (!(KPI_IDS as readonly string[]).includes(id)) throw badRequest(`"${id}" is not a KPI id.`, 'ids');
  return KPI_IDS.filter((id) => wanted.includes(id));
}

async function loadOrgSettings(executor: Executor, orgId: string): Promise<KpiOrgSettings> {
  const org = await executor
    .selectFrom('platform.organizations')
    .select(['time_zone', 'fiscal_year_start_month', 'currency', 'exchange_rates', 'business_hours', 'holidays'])
    .where('id', '=', orgId)
    .executeTakeFirstOrThrow();
  return {
    timeZone: org.time_zone,
    fiscalYearStartMonth: org.fiscal_year_start_month,
    currency: org.currency,
    exchangeRates: org.exchange_rates ?? {},
    businessDays: org.business_hours?.days ?? [],
    holidays: (org.holidays ?? []).map((holiday) => holiday.date),
  };
}

async function loadTargets(executor: Executor, metadata: OrgMetadata): Promise<Record<string, unknown>> {
  const table = sql.raw(`${quoteIdent(metadata.schema)}.kam_settings`);
  const result = await sql<{ targets: Record<string, unknown> | null }>`SELECT targets FROM ${table} LIMIT 1`.execute(executor);
  return result.rows[0]?.targets ?? {};
}

/** A target from the settings in the KPI's unit: currency as a decimal string, others as numbers. */
function targetOf(unit: KpiUnit, raw: unknown): KpiValue {
  if (raw === null || raw === undefined || raw === '') return null;
  const value = Number(raw);
  if (!Number.isFinite(value)) return null;
  return unit === 'currency' ? value.toFixed(2) : value;
}

/** The KPIs whose inputs the caller may not all see (a hidden field or a module they may not read). */
export function restrictedKpis(auth: AuthContext, metadata: OrgMetadata): Set<KpiId> {
  const restricted = new Set<KpiId>();
  for (const family of FAMILIES) for (const id of family.ids) if (inputsHidden(auth, metadata, family.inputs[id] ?? {})) restricted.add(id);
  return restricted;
}

/**
 * The KPI engine: each KPI of `definitions/` over a scope and a period with
 * its previous period and the series of the last 8, the records behind a
 * number, and the acquisition curve.
 */
export function createKpiService(
  ctx: Pick<AppContext, 'database' | 'now'>,
  deps: { metadata: MetadataStore; rollups?: Pick<RollupService, 'ready'> },
) {
  const executor = ctx.database.db;

  async function prepare(auth: AuthContext, input: KpiQuery, seriesLength: number) {
    const metadata = await deps.metadata.get(auth.orgId, auth.orgSchema);
    const org = await loadOrgSettings(executor, auth.orgId);
    const period = parsePeriod(input.period, org);
    // Filtering by a field the caller may not see would reveal it.
    if (input.tier?.trim() && !fieldVisible(auth, metadata, 'accounts', 'tier'))
      throw badRequest('Your profile does not show the tier of accounts: the KPIs cannot be filtered by it.', 'tier');
    const scope = await resolveScope(executor, auth, metadata, { scope: input.scope, tier: input.tier });
    const now = ctx.now();
    // Rollups serve the whole organization only (they keep no owner or tier).
    const rollups =
      deps.rollups !== undefined && scope.kind === 'org' && !scope.tier && (await deps.rollups.ready(auth.orgId, metadata, org.timeZone));
    const run: KpiRunContext = {
      executor,
      scope,
      periods: lastPeriods(period, org, seriesLength),
      org,
      today: localDate(now, org.timeZone),
      now,
      stages: stagesOf(metadata),
      rollups,
    };
    return { metadata, run, period };
  }

  async function listKpis(
    auth: AuthContext,
    input: KpiQuery & { ids?: string },
  ): Promise<{ period: string; scope: string; kpis: KpiItem[] }> {
    const ids = parseIds(input.ids);
    const { metadata, run, period } = await prepare(auth, input, 8);
    const restricted = restrictedKpis(auth, metadata);
    // A restricted KPI is not computed; a family with nothing left to compute runs no query.
    const wanted = new Set<KpiId>(ids.filter((id) => !restricted.has(id)));
    const families = FAMILIES.filter((family) => family.ids.some((id) => wanted.has(id)));
    const [targets, ...results] = await Promise.all([
      loadTargets(executor, metadata),
      ...families.map((family) => family.compute(run, wanted)),
    ]);
    const merged = Object.assign({}, ...results) as Partial<Record<KpiId, { series: KpiValue[]; details?: KpiItem['details'] }>>;
    const kpis = ids.map((id): KpiItem => {
      const result = (!restricted.has(id) && merged[id]) || { series: run.periods.map(() => null) };
      const unit = KPI_UNITS[id];
      const item: KpiItem = {
        id,
        unit,
        value: result.series.at(-1) ?? null,
        previous: result.series.at(-2) ?? null,
        target: targetOf(unit, targets[id]),
        series: run.periods.map((p: Period, i) => ({ period: p.label, value: result.series[i] ?? null })),
      };
      if (restricted.has(id)) item.restricted = true;
      else if (result.details) item.details = result.details;
      return item;
    });
    return { period: period.label, scope: input.scope ?? 'org', kpis };
  }

  async function listKpiRecords(
    auth: AuthContext,
    id: string,
    input: KpiQuery & { limit?: number; cursor?: string },
  ): Promise<KpiRecordsPage> {
    if (!(KPI_IDS as readonly string[]).includes(id)) throw badRequest(`"${id}" is not a KPI id.`, 'id');
    const kpi = id as KpiId;
    const limit = input.limit ?? 50;
    if (input.cursor !== undefined && !UUID.test(input.cursor))
      throw badRequest('The cursor is the id of the last record of the page.', 'cursor');
    const { metadata, run, period } = await prepare(auth, input, 1);
    const family = FAMILIES.find((candidate) => candidate.ids.includes(kpi))!;
    if (kpi === 'enps') throw forbidden('eNPS answers are only shown aggregated.');
    if (inputsHidden(auth, metadata, family.inputs[kpi] ?? {}))
      throw forbidden(`Your profile does not show some of the data behind ${kpi}: its records are not available.`);
    const drill = family.drill(run, kpi);
    const valueHidden = inputsHidden(auth, metadata, family.drillValueInputs?.[kpi] ?? {});
    if (!drill) return { module: 'accounts', period: period.label, total: 0, counted: 0, data: [], nextCursor: null };
    const readable = drill.module === 'kam_survey_responses' ? 'accounts' : drill.module;
    if (!canModuleAction(auth, readable, 'read')) throw forbidden(`Your profile does not allow you to read records of ${readable}.`);
    const module = metadata.modules.get(drill.module);
    // A record is named by the display fields the caller may see.
    const displayFields = module ? module.displayFields.filter((field) => fieldVisible(auth, metadata, module.apiName, field)) : [];
    const display =
      (drill.display && fieldVisible(auth, metadata, 'accounts', 'name') ? drill.display : null) ??
      (!drill.display && module && displayFields.length > 0
        ? sql<
            string | null
          >`(SELECT concat_ws(' ', ${sql.raw(displayFields.map((f) => `m.${quoteIdent(f)}::text`).join(', '))}) FROM ${tableOf(run.scope, drill.module)} m WHERE m.id = x.id)`
        : sql<string | null>`NULL::text`);
    const after = input.cursor ? sql`WHERE x.id > ${input.cursor}::uuid` : sql``;
    const [page, totals] = await Promise.all([
      sql<{ id: string; counted: boolean; value: string | null; display: string | null }>`
        SELECT x.id, x.counted, x.value, ${display} AS display FROM (${drill.rows}) x ${after} ORDER BY x.id LIMIT ${limit + 1}`.execute(
        executor,
      ),
      sql<{ total: number; counted: number }>`
        SELECT count(*)::int AS total, count(*) FILTER (WHERE x.counted)::int AS counted FROM (${drill.rows}) x`.execute(executor),
    ]);
    const rows = page.rows.slice(0, limit);
    return {
      module: drill.module,
      period: period.label,
      total: totals.rows[0]?.total ?? 0,
      counted: totals.rows[0]?.counted ?? 0,
      data: rows.map((row) => ({ id: row.id, display: row.display, counted: row.counted === true, value: valueHidden ? null : row.value })),
      nextCursor: page.rows.length > limit ? rows.at(-1)!.id : null,
    };
  }

  async function getAcquisitionCurve(
    auth: AuthContext,
    input: KpiQuery & { channel?: string },
  ): Promise<AcquisitionCurve & { period: string }> {
    const { metadata, run, period } = await prepare(auth, input, 1);
    if (inputsHidden(auth, metadata, CURVE_INPUTS))
      throw forbidden('Your profile does not show some of the data behind the acquisition curve (leads or their touchpoints).');
    const channels = metadata.modules.get('touchpoints')?.fields.find((field) => field.apiName === 'channel')?.options.values ?? [];
    if (input.channel !== undefined && !channels.some((value) => value.code === input.channel))
      throw badRequest(`"${input.channel}" is not a touchpoint channel.`, 'channel');
    return { period: period.label, ...(await computeAcquisitionCurve(run, input.channel)) };
  }

  return { listKpis, listKpiRecords, getAcquisitionCurve };
}

export type KpiService = ReturnType<typeof createKpiService>;
