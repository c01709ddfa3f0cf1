import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import type { AppContext } from '../../platform/context.js';
import type { MetadataStore, OrgMetadata } from '../../records/index.js';
import { inputsHidden, type FieldInputs } from '../kpis/field-access.js';
import { addDays, localDate } from '../../platform/orgs/periods.js';
import { resolveScope } from '../kpis/scope.js';
import { stagesOf } from '../kpis/definitions/common.js';
import { readSettings } from '../settings/kam-settings.repository.js';
import { HEALTH_FACTORS } from '../settings/kam-settings.rules.js';
import { DEFAULT_CADENCE } from '../settings/kam-settings.service.js';
import { explainFactor, languageOf, scoreOf, type HealthBand, type HealthFactorId, type HealthScore } from './health.factors.js';
import { listSnapshots, loadHealthInputs, moduleTable, type HealthOrg } from './health.repository.js';

/** Days of history the account's health answers with. */
export const HISTORY_DAYS = 90;

export interface AccountHealth {
  accountId: string;
  score: number | null;
  band: HealthBand | null;
  factors: Array<{
    id: HealthFactorId;
    value: number | null;
    weight: number;
    points: number;
    explanation: string;
    restricted?: true;
  }>;
  computedAt: string;
  history: Array<{ date: string; score: number; band: HealthBand }>;
}

/** The organization's calendar, currency, weights, cadences and deal stages; null when the organization is gone. */
export async function loadHealthOrg(
  executor: Executor,
  metadataStore: MetadataStore | OrgMetadata,
  orgId: string,
): Promise<HealthOrg | null> {
  const row = await executor
    .selectFrom('platform.organizations')
    .select(['schema_name', 'time_zone', 'currency', 'exchange_rates'])
    .where('id', '=', orgId)
    .executeTakeFirst();
  if (!row) return null;
  const metadata = 'modules' in metadataStore ? metadataStore : await metadataStore.get(orgId, row.schema_name);
  const settings = await readSettings(executor, row.schema_name);
  const stages = stagesOf(metadata);
  return {
    orgId,
    schema: row.schema_name,
    metadata,
    timeZone: row.time_zone,
    currency: row.currency,
    exchangeRates: row.exchange_rates ?? {},
    weights: { ...HEALTH_FACTORS, ...(settings?.health_weights ?? {}) },
    cadenceDays: settings?.cadence_days ?? DEFAULT_CADENCE,
    wonStages: stages.won,
    closedStages: [...stages.won, ...stages.lost],
  };
}

/** Health scores of many accounts of one organization at `now` (one statement for the inputs). */
export async function computeHealthScores(
  executor: Executor,
  org: HealthOrg,
  accountIds: string[],
  now: Date,
): Promise<Map<string, HealthScore>> {
  const today = localDate(now, org.timeZone);
  const inputs = await loadHealthInputs(executor, org, accountIds, now, today);
  return new Map(inputs.map((input) => [input.accountId, scoreOf(input, { weights: org.weights, cadenceDays: org.cadenceDays })]));
}

/** The fields each factor reads (module → field API names); `nps` reads survey answers only. */
export const HEALTH_FACTOR_INPUTS: Record<HealthFactorId, FieldInputs> = {
  nps: {},
  touch_cadence: { accounts: ['tier'], touchpoints: ['account_id', 'occurred_at'] },
  cases_past_sla: { cases: ['account_id', 'status', 'resolved_at', 'sla_due_at'] },
  renewal_risk: {
    contracts: ['account_id', 'start_date', 'end_date', 'cancelled_at', 'status', 'renews_contract_id'],
    deals: ['account_id', 'deal_type', 'stage', 'closed_at'],
  },
  outcomes_on_track: {
    account_goals: ['account_id', 'start_date', 'target_date', 'baseline_value', 'target_value', 'status'],
    goal_measurements: ['goal_id', 'measured_on', 'actual_value'],
  },
  revenue_trend: { deals: ['account_id', 'stage', 'closed_at', 'amount', 'currency'] },
  relationship_coverage: { contacts: ['account_id', 'buying_role'] },
};

/** The factors whose inputs the reader may not all see: they are told without their facts. */
export function restrictedFactors(auth: AuthContext, metadata: OrgMetadata): Set<HealthFactorId> {
  const ids = Object.keys(HEALTH_FACTOR_INPUTS) as HealthFactorId[];
  return new Set(ids.filter((id) => inputsHidden(auth, metadata, HEALTH_FACTOR_INPUTS[id])));
}

/** The factors with their explanations in a language; a restricted factor's explanation tells no fact. */
export function explainedFactors(
  score: HealthScore,
  language: string,
  currency: string,
  restricted: ReadonlySet<HealthFactorId> = new Set(),
): AccountHealth['factors'] {
  const lang = languageOf(language);
  return score.factors.map((factor) => ({
    id: factor.id,
    value: factor.value,
    weight: factor.weight,
    points: factor.points,
    explanation: explainFactor(lang, factor, currency, restricted.has(factor.id)),
    ...(restricted.has(factor.id) ? { restricted: true as const } : {}),
  }));
}

/** `GET /kam/accounts/{id}/health`: the live score explained in the caller's language and the last 90 days of snapshots. */
export function createHealthService(ctx: Pick<AppContext, 'database' | 'now'>, deps: { metadata: MetadataStore }) {
  const executor = ctx.database.db;

  async function getAccountHealth(auth: AuthContext, accountId: string): Promise<AccountHealth> {
    const metadata = await deps.metadata.get(auth.orgId, auth.orgSchema);
    // 404 for an account of another organization or one the caller may not see (the KPI scope's check).
    await resolveScope(executor, auth, metadata, { scope: `account:${accountId}` });
    const org = (await loadHealthOrg(executor, deps.metadata, auth.orgId))!;
    const now = ctx.now();
    const score = (await computeHealthScores(executor, org, [accountId], now)).get(accountId)!;
    const today = localDate(now, org.timeZone);
    const history = await listSnapshots(executor, org.schema, accountId, addDays(today, -(HISTORY_DAYS - 1)));
    return {
      accountId,
      score: score.score,
      band: score.band,
      factors: explainedFactors(score, auth.language, org.currency, restrictedFactors(auth, metadata)),
      computedAt: now.toISOString(),
      history: history.map((row) => ({ date: row.day, score: row.score, band: row.band })),
    };
  }

  return { getAccountHealth };
}

export type HealthService = ReturnType<typeof createHealthService>;

/** Key accounts of an organization after `after` (by id), `limit` of them, with their owner and name. */
export async function listKeyAccounts(
  executor: Executor,
  org: HealthOrg,
  after: string | null,
  limit: number,
): Promise<Array<{ id: string; owner_id: string | null; name: string | null }>> {
  const result = await sql<{ id: string; owner_id: string | null; name: string | null }>`
    SELECT a.id, a.owner_id, a.name FROM ${moduleTable(org, 'accounts')} a
    WHERE a.is_key_account IS TRUE AND a.deleted_at IS NULL ${after ? sql`AND a.id > ${after}::uuid` : sql``}
    ORDER BY a.id LIMIT ${limit}`.execute(executor);
  return result.rows;
}
