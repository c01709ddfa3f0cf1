import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../db/database.js';
import { qualifiedTable } from '../records/index.js';
import type { CategoryAmounts, ForecastCategory, OpenCategory } from './forecast-categories.js';

const t = (schema: string, table: string) => sql.raw(qualifiedTable(schema, table));

export interface OrgForecastSettings {
  timeZone: string;
  fiscalYearStartMonth: number;
  currency: string;
  exchangeRates: Record<string, string>;
}

export async function loadOrgForecastSettings(executor: Executor, orgId: string): Promise<OrgForecastSettings> {
  const org = await executor
    .selectFrom('platform.organizations')
    .select(['time_zone', 'fiscal_year_start_month', 'currency', 'exchange_rates'])
    .where('id', '=', orgId)
    .executeTakeFirstOrThrow();
  return {
    timeZone: org.time_zone,
    fiscalYearStartMonth: org.fiscal_year_start_month,
    currency: org.currency,
    exchangeRates: org.exchange_rates ?? {},
  };
}

export interface OrgUserRow {
  id: string;
  name: string;
  role_id: string | null;
  active: boolean;
}

/** Every user of the organization with their role (the forecast hierarchy is built from them and the roles). */
export function listOrgUsers(executor: Executor, orgId: string): Promise<OrgUserRow[]> {
  return executor
    .selectFrom('platform.users')
    .select(['id', 'name', 'role_id', 'active'])
    .where('org_id', '=', orgId)
    .orderBy('name')
    .execute();
}

export async function listStageCategories(executor: Executor, schema: string): Promise<Map<string, OpenCategory>> {
  const result = await sql<{
    stage: string;
    category: OpenCategory;
  }>`SELECT stage, category FROM ${t(schema, 'forecast_stage_categories')}`.execute(executor);
  return new Map(result.rows.map((row) => [row.stage, row.category]));
}

/** Replaces the administrator's stage categories with `categories` (stage → category). */
export async function replaceStageCategories(executor: Executor, schema: string, categories: Map<string, OpenCategory>, userId: string) {
  await sql`DELETE FROM ${t(schema, 'forecast_stage_categories')}`.execute(executor);
  if (categories.size === 0) return;
  const rows = [...categories].map(([stage, category]) => sql`(${stage}, ${category}, ${userId}::uuid)`);
  await sql`INSERT INTO ${t(schema, 'forecast_stage_categories')} (stage, category, updated_by) VALUES ${sql.join(rows)}`.execute(executor);
}

export interface OwnerCategoryRow {
  owner_id: string;
  category: ForecastCategory;
  amount: string;
  deals: number;
}

/**
 * Sums of the deals matching `where` (alias `r`) per owner and category, the amount converted by `amount`
 * (an expression over `r`), rounded to cents.
 */
export async function sumByOwnerAndCategory(
  executor: Executor,
  input: { schema: string; table: string; category: RawBuilder<unknown>; amount: RawBuilder<unknown>; where: RawBuilder<boolean>[] },
): Promise<OwnerCategoryRow[]> {
  const result = await sql<OwnerCategoryRow>`
    SELECT x.owner_id, x.category, round(sum(x.amount), 2)::text AS amount, count(*)::int AS deals
    FROM (SELECT r.owner_id, ${input.category} AS category, ${input.amount} AS amount FROM ${t(input.schema, input.table)} r
          WHERE ${sql.join(input.where, sql` AND `)}) x
    WHERE x.category IS NOT NULL
    GROUP BY x.owner_id, x.category`.execute(executor);
  return result.rows;
}

export interface QuotaRow {
  user_id: string;
  period: string;
  amount: string;
}

export async function listQuotas(executor: Executor, schema: string, userIds: string[], periods: string[]): Promise<QuotaRow[]> {
  if (userIds.length === 0 || periods.length === 0) return [];
  const result = await sql<QuotaRow>`SELECT user_id, period, amount::text AS amount FROM ${t(schema, 'forecast_quotas')}
    WHERE user_id = ANY(${userIds}::uuid[]) AND period = ANY(${periods}::text[])`.execute(executor);
  return result.rows;
}

/** Sets (amount) or removes (null) quotas. */
export async function writeQuotas(
  executor: Executor,
  schema: string,
  quotas: Array<{ userId: string; period: string; amount: string | null }>,
  updatedBy: string,
): Promise<void> {
  const removed = quotas.filter((quota) => quota.amount === null);
  const set = quotas.filter((quota) => quota.amount !== null);
  for (const quota of removed)
    await sql`DELETE FROM ${t(schema, 'forecast_quotas')} WHERE user_id = ${quota.userId}::uuid AND period = ${quota.period}`.execute(
      executor,
    );
  if (set.length === 0) return;
  const rows = set.map((quota) => sql`(${quota.userId}::uuid, ${quota.period}, ${quota.amount}::numeric, ${updatedBy}::uuid, now())`);
  await sql`INSERT INTO ${t(schema, 'forecast_quotas')} (user_id, period, amount, updated_by, updated_at) VALUES ${sql.join(rows)}
    ON CONFLICT (user_id, period) DO UPDATE SET amount = excluded.amount, updated_by = excluded.updated_by, updated_at = excluded.updated_at`.execute(
    executor,
  );
}

export interface SnapshotFigures {
  userId: string;
  period: string;
  amounts: CategoryAmounts;
  quota: string | null;
}

/** Stores a snapshot taken on `takenOn` (replacing one of the same date). */
export async function replaceSnapshot(executor: Executor, schema: string, takenOn: string, takenAt: Date, rows: SnapshotFigures[]) {
  const periods = [...new Set(rows.map((row) => row.period))];
  await sql`DELETE FROM ${t(schema, 'forecast_snapshots')} WHERE taken_on = ${takenOn}::date AND period = ANY(${periods}::text[])`.execute(
    executor,
  );
  // Chunks keep each statement's parameters well under PostgreSQL's limit.
  for (let i = 0; i < rows.length; i += 500) {
    const values = rows.slice(i, i + 500).map(
      (row) =>
        sql`(${takenOn}::date, ${row.period}, ${row.userId}::uuid, ${row.amounts.pipeline}::numeric, ${row.amounts.best_case}::numeric,
          ${row.amounts.commit}::numeric, ${row.amounts.closed}::numeric, ${row.amounts.omitted}::numeric, ${row.quota}::numeric, ${takenAt.toISOString()}::timestamptz)`,
    );
    await sql`INSERT INTO ${t(schema, 'forecast_snapshots')} (taken_on, period, user_id, pipeline, best_case, commit, closed, omitted, quota, taken_at)
      VALUES ${sql.join(values)}`.execute(executor);
  }
}

export interface SnapshotRow {
  user_id: string;
  pipeline: string;
  best_case: string;
  commit: string;
  closed: string;
  omitted: string;
}

/** The users' figures of a period in the snapshot of a date; null when no snapshot of that day holds the period. */
export async function findSnapshot(
  executor: Executor,
  schema: string,
  takenOn: string,
  period: string,
  userIds: string[],
): Promise<{ takenAt: Date | null; rows: SnapshotRow[] } | null> {
  const taken = await sql<{
    taken_at: Date;
  }>`SELECT max(taken_at) AS taken_at FROM ${t(schema, 'forecast_snapshots')} WHERE taken_on = ${takenOn}::date AND period = ${period}`.execute(
    executor,
  );
  const takenAt = taken.rows[0]?.taken_at ?? null;
  if (!takenAt) return null;
  if (userIds.length === 0) return { takenAt, rows: [] };
  const result = await sql<SnapshotRow>`SELECT user_id, pipeline::text, best_case::text, commit::text, closed::text, omitted::text
    FROM ${t(schema, 'forecast_snapshots')} WHERE taken_on = ${takenOn}::date AND period = ${period} AND user_id = ANY(${userIds}::uuid[])`.execute(
    executor,
  );
  return { takenAt: new Date(takenAt), rows: result.rows };
}

/** The snapshot dates, newest first, with the periods each holds. */
export async function listSnapshotDates(
  executor: Executor,
  schema: string,
  limit: number,
): Promise<Array<{ taken_on: string; taken_at: Date; periods: string[] }>> {
  const result = await sql<{ taken_on: string; taken_at: Date; periods: string[] }>`
    SELECT to_char(taken_on, 'YYYY-MM-DD') AS taken_on, max(taken_at) AS taken_at, array_agg(DISTINCT period ORDER BY period) AS periods
    FROM ${t(schema, 'forecast_snapshots')} GROUP BY taken_on ORDER BY taken_on DESC LIMIT ${limit}`.execute(executor);
  return result.rows.map((row) => ({ ...row, taken_at: new Date(row.taken_at) }));
}

/** The organizations (id, schema, time zone) for the weekly snapshot job. */
export function listOrganizations(executor: Executor) {
  return executor.selectFrom('platform.organizations').select(['id', 'schema_name', 'time_zone']).orderBy('id').execute();
}

export async function hasSnapshotOn(executor: Executor, schema: string, takenOn: string): Promise<boolean> {
  const result = await sql`SELECT 1 FROM ${t(schema, 'forecast_snapshots')} WHERE taken_on = ${takenOn}::date LIMIT 1`.execute(executor);
  return result.rows.length > 0;
}
