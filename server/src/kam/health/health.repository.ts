import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../db/database.js';
import { qualifiedTable, type OrgMetadata } from '../../records/index.js';
import { addDays, addMonths, startOfDay } from '../../platform/orgs/periods.js';
import { CASES_WINDOW_DAYS, GOALS_WINDOW_DAYS, RENEWAL_WINDOW_DAYS, type HealthBand, type HealthInputs } from './health.factors.js';

/** What the health score of an organization's accounts reads besides the records. */
export interface HealthOrg {
  orgId: string;
  schema: string;
  metadata: OrgMetadata;
  timeZone: string;
  currency: string;
  exchangeRates: Record<string, string>;
  weights: Record<string, number>;
  cadenceDays: Record<string, number>;
  wonStages: string[];
  closedStages: string[];
}

export function moduleTable(org: Pick<HealthOrg, 'metadata'>, module: string): RawBuilder<unknown> {
  const meta = org.metadata.modules.get(module);
  if (!meta) throw new Error(`Module ${module} is missing from the catalog`);
  return sql.raw(qualifiedTable(org.metadata.schema, meta.table));
}

export const orgTable = (schema: string, table: string): RawBuilder<unknown> => sql.raw(qualifiedTable(schema, table));

interface InputRow {
  id: string;
  tier: string | null;
  nps_n: number | null;
  nps_p: number | null;
  nps_d: number | null;
  touch_days: number | null;
  sla_n: number | null;
  sla_past: number | null;
  active: number | null;
  ending: number | null;
  next_end: string | null;
  days_to_end: number | null;
  renewals: number | null;
  goals: number | null;
  goals_ok: number | null;
  recent: string | null;
  previous: string | null;
  dm: boolean | null;
  ch: boolean | null;
}

/**
 * The raw figures of the health score for many accounts at once: one
 * statement, each factor's inputs aggregated per account over the account ids
 * (indexes on account_id), whatever their number. `today` is the local date in
 * the organization's time zone, `now` the instant.
 */
export async function loadHealthInputs(
  executor: Executor,
  org: HealthOrg,
  accountIds: string[],
  now: Date,
  today: string,
): Promise<HealthInputs[]> {
  if (accountIds.length === 0) return [];
  const tz = org.timeZone;
  const tomorrow = addDays(today, 1);
  const tr = startOfDay(tomorrow, tz).toISOString();
  const t12 = startOfDay(addMonths(tomorrow, -12), tz).toISOString();
  const t24 = startOfDay(addMonths(tomorrow, -24), tz).toISOString();
  const t90 = startOfDay(addDays(today, -CASES_WINDOW_DAYS), tz).toISOString();
  const renewalEnd = addDays(today, RENEWAL_WINDOW_DAYS);
  const goalsFrom = addDays(today, -GOALS_WINDOW_DAYS);
  const ids = sql`${accountIds}::uuid[]`;
  const rates = JSON.stringify(org.exchangeRates);
  const goalStart = sql`coalesce(g.start_date, (g.created_at AT TIME ZONE ${tz})::date)`;
  const result = await sql<InputRow>`
    WITH acc AS (
      SELECT a.id, a.tier FROM ${moduleTable(org, 'accounts')} a WHERE a.id = ANY(${ids}) AND a.deleted_at IS NULL
    ),
    nps AS (
      SELECT r.account_id, count(*)::int AS n, count(*) FILTER (WHERE r.score >= 9)::int AS p, count(*) FILTER (WHERE r.score <= 6)::int AS d
      FROM ${orgTable(org.schema, 'kam_survey_responses')} r JOIN ${orgTable(org.schema, 'kam_surveys')} s ON s.id = r.survey_id
      WHERE r.account_id = ANY(${ids}) AND s.type = 'nps' AND r.answered_at >= ${t12}::timestamptz AND r.answered_at < ${tr}::timestamptz
      GROUP BY r.account_id
    ),
    touch AS (
      SELECT t.account_id, ${today}::date - (max(t.occurred_at) AT TIME ZONE ${tz})::date AS days
      FROM ${moduleTable(org, 'touchpoints')} t
      WHERE t.account_id = ANY(${ids}) AND t.deleted_at IS NULL AND t.occurred_at < ${tr}::timestamptz
      GROUP BY t.account_id
    ),
    sla AS (
      SELECT c.account_id, count(*)::int AS n,
        count(*) FILTER (WHERE (c.resolved_at IS NULL AND c.sla_due_at < ${now.toISOString()}::timestamptz) OR c.resolved_at > c.sla_due_at)::int AS past
      FROM ${moduleTable(org, 'cases')} c
      WHERE c.account_id = ANY(${ids}) AND c.deleted_at IS NULL AND c.sla_due_at IS NOT NULL
        AND ((c.resolved_at IS NULL AND c.status IS DISTINCT FROM 'resolved' AND c.status IS DISTINCT FROM 'closed')
          OR (c.resolved_at >= ${t90}::timestamptz AND c.resolved_at < ${tr}::timestamptz))
      GROUP BY c.account_id
    ),
    contracts AS (
      SELECT c.account_id, count(*)::int AS active,
        count(*) FILTER (WHERE c.end_date <= ${renewalEnd}::date AND NOT renewed.yes)::int AS ending,
        min(c.end_date) FILTER (WHERE c.end_date <= ${renewalEnd}::date AND NOT renewed.yes) AS next_end
      FROM ${moduleTable(org, 'contracts')} c
      CROSS JOIN LATERAL (
        SELECT c.status = 'renewed' OR EXISTS (
          SELECT 1 FROM ${moduleTable(org, 'contracts')} n WHERE n.renews_contract_id = c.id AND n.deleted_at IS NULL
        ) AS yes
      ) renewed
      WHERE c.account_id = ANY(${ids}) AND c.deleted_at IS NULL AND c.start_date <= ${today}::date
        AND (c.end_date IS NULL OR c.end_date >= ${today}::date) AND (c.cancelled_at IS NULL OR c.cancelled_at > ${today}::date)
      GROUP BY c.account_id
    ),
    renewals AS (
      SELECT d.account_id, count(*)::int AS n FROM ${moduleTable(org, 'deals')} d
      WHERE d.account_id = ANY(${ids}) AND d.deleted_at IS NULL AND d.deal_type = 'renewal'
        AND (NOT (d.stage = ANY(${org.closedStages}::text[]))
          OR (d.stage = ANY(${org.wonStages}::text[]) AND d.closed_at >= ${t90}::timestamptz))
      GROUP BY d.account_id
    ),
    goals AS (
      SELECT g.account_id, count(*)::int AS n, count(*) FILTER (WHERE coalesce(
        CASE WHEN g.target_value >= coalesce(g.baseline_value, 0)
          THEN m.actual_value >= coalesce(g.baseline_value, 0) + (g.target_value - coalesce(g.baseline_value, 0)) * e.share
          ELSE m.actual_value <= coalesce(g.baseline_value, 0) + (g.target_value - coalesce(g.baseline_value, 0)) * e.share END, false))::int AS ok
      FROM ${moduleTable(org, 'account_goals')} g
      CROSS JOIN LATERAL (
        SELECT CASE WHEN g.target_date <= ${goalStart} THEN 1
          ELSE least(1, greatest(0, (${today}::date - ${goalStart})::numeric / (g.target_date - ${goalStart}))) END AS share
      ) e
      LEFT JOIN LATERAL (
        SELECT m.actual_value FROM ${moduleTable(org, 'goal_measurements')} m
        WHERE m.goal_id = g.id AND m.measured_on <= ${today}::date AND m.deleted_at IS NULL
        ORDER BY m.measured_on DESC, m.created_at DESC LIMIT 1
      ) m ON true
      WHERE g.account_id = ANY(${ids}) AND g.deleted_at IS NULL AND g.status IS DISTINCT FROM 'dropped'
        AND ${goalStart} <= ${today}::date AND g.target_date >= ${goalsFrom}::date
      GROUP BY g.account_id
    ),
    revenue AS (
      SELECT d.account_id,
        sum(coalesce(d.amount, 0)::numeric / coalesce((${rates}::jsonb ->> d.currency)::numeric, 1)) FILTER (WHERE d.closed_at >= ${t12}::timestamptz) AS recent,
        sum(coalesce(d.amount, 0)::numeric / coalesce((${rates}::jsonb ->> d.currency)::numeric, 1)) FILTER (WHERE d.closed_at < ${t12}::timestamptz) AS previous
      FROM ${moduleTable(org, 'deals')} d
      WHERE d.account_id = ANY(${ids}) AND d.deleted_at IS NULL AND d.stage = ANY(${org.wonStages}::text[])
        AND d.closed_at >= ${t24}::timestamptz AND d.closed_at < ${tr}::timestamptz
      GROUP BY d.account_id
    ),
    people AS (
      SELECT c.account_id, bool_or(c.buying_role = 'decision_maker') AS dm, bool_or(c.buying_role = 'champion') AS ch
      FROM ${moduleTable(org, 'contacts')} c WHERE c.account_id = ANY(${ids}) AND c.deleted_at IS NULL
      GROUP BY c.account_id
    )
    SELECT acc.id, acc.tier, nps.n AS nps_n, nps.p AS nps_p, nps.d AS nps_d, touch.days AS touch_days,
      sla.n AS sla_n, sla.past AS sla_past, contracts.active, contracts.ending, contracts.next_end::text AS next_end,
      (contracts.next_end - ${today}::date) AS days_to_end, renewals.n AS renewals, goals.n AS goals, goals.ok AS goals_ok,
      round(coalesce(revenue.recent, 0), 2)::text AS recent, round(coalesce(revenue.previous, 0), 2)::text AS previous, people.dm, people.ch
    FROM acc
    LEFT JOIN nps ON nps.account_id = acc.id
    LEFT JOIN touch ON touch.account_id = acc.id
    LEFT JOIN sla ON sla.account_id = acc.id
    LEFT JOIN contracts ON contracts.account_id = acc.id
    LEFT JOIN renewals ON renewals.account_id = acc.id
    LEFT JOIN goals ON goals.account_id = acc.id
    LEFT JOIN revenue ON revenue.account_id = acc.id
    LEFT JOIN people ON people.account_id = acc.id
    ORDER BY acc.id`.execute(executor);
  return result.rows.map((row) => ({
    accountId: row.id,
    tier: row.tier,
    npsAnswers: row.nps_n ?? 0,
    npsPromoters: row.nps_p ?? 0,
    npsDetractors: row.nps_d ?? 0,
    daysSinceTouch: row.touch_days === null ? null : Number(row.touch_days),
    slaCases: row.sla_n ?? 0,
    slaPast: row.sla_past ?? 0,
    activeContracts: row.active ?? 0,
    endingContracts: row.ending ?? 0,
    nextEndDate: row.next_end,
    daysToEnd: row.days_to_end === null ? null : Number(row.days_to_end),
    renewalDeals: row.renewals ?? 0,
    goals: row.goals ?? 0,
    goalsOnTrack: row.goals_ok ?? 0,
    revenueRecent: row.recent ?? '0.00',
    revenuePrevious: row.previous ?? '0.00',
    decisionMaker: row.dm === true,
    champion: row.ch === true,
  }));
}

export interface SnapshotRow {
  accountId: string;
  day: string;
  score: number;
  band: HealthBand;
  factors: unknown;
}

/** Snapshots of one account from `fromDay` on, oldest first. */
export async function listSnapshots(executor: Executor, schema: string, accountId: string, fromDay: string): Promise<SnapshotRow[]> {
  const result = await sql<{ account_id: string; day: string; score: number; band: HealthBand; factors: unknown }>`
    SELECT account_id, day::text AS day, score, band, factors FROM ${orgTable(schema, 'kam_health_snapshots')}
    WHERE account_id = ${accountId}::uuid AND day >= ${fromDay}::date ORDER BY day`.execute(executor);
  return result.rows.map((row) => ({ accountId: row.account_id, day: row.day, score: row.score, band: row.band, factors: row.factors }));
}

/**
 * Marks an alert as sent (kind + key), in the caller's transaction; false when
 * it was already there, so a rerun does not notify twice.
 */
export async function claimAlert(executor: Executor, schema: string, kind: string, key: string, userId: string | null): Promise<boolean> {
  const result = await sql`INSERT INTO ${orgTable(schema, 'kam_alerts')} (kind, key, user_id) VALUES (${kind}, ${key}, ${userId}::uuid)
    ON CONFLICT (kind, key) DO NOTHING RETURNING kind`.execute(executor);
  return result.rows.length > 0;
}

export async function setAlertNotification(
  executor: Executor,
  schema: string,
  kind: string,
  key: string,
  notificationId: string,
): Promise<void> {
  await sql`UPDATE ${orgTable(schema, 'kam_alerts')} SET notification_id = ${notificationId}::uuid WHERE kind = ${kind} AND key = ${key}`.execute(
    executor,
  );
}
