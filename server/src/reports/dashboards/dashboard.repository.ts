import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import { quoteIdent } from '../../records/index.js';
import { sharedWithSql, type Audience } from '../report.repository.js';
import type { PeriodRange } from '../report.schemas.js';
import type { Widget } from './dashboard.schemas.js';

/** SQL on the `dashboards` table of an organization's schema (org migration 0016-reports). */
const table = (schema: string) => sql.raw(`${quoteIdent(schema)}.dashboards`);

export interface DashboardRow {
  id: string;
  name: string;
  owner_id: string;
  shared_with: { roles: string[]; groups: string[]; everyone?: boolean };
  period: PeriodRange | null;
  widgets: Widget[];
  created_at: Date;
  updated_at: Date;
}

export async function listDashboards(executor: Executor, schema: string, audience: Audience): Promise<DashboardRow[]> {
  const result = await sql<DashboardRow>`SELECT d.* FROM ${table(schema)} d WHERE ${sharedWithSql(audience, 'd')}
    ORDER BY lower(d.name), d.id LIMIT 500`.execute(executor);
  return result.rows;
}

/** One dashboard if the reader sees it. */
export async function findDashboard(
  executor: Executor,
  schema: string,
  audience: Audience,
  id: string,
  forUpdate = false,
): Promise<DashboardRow | undefined> {
  const lock = forUpdate ? sql` FOR UPDATE` : sql``;
  const result =
    await sql<DashboardRow>`SELECT d.* FROM ${table(schema)} d WHERE d.id = ${id} AND ${sharedWithSql(audience, 'd')}${lock}`.execute(
      executor,
    );
  return result.rows[0];
}

export async function insertDashboard(executor: Executor, schema: string, row: DashboardRow): Promise<void> {
  await sql`INSERT INTO ${table(schema)} (id, name, owner_id, shared_with, period, widgets, created_at, updated_at)
    VALUES (${row.id}, ${row.name}, ${row.owner_id}, ${JSON.stringify(row.shared_with)}::jsonb, ${jsonOrNull(row.period)}::jsonb,
            ${JSON.stringify(row.widgets)}::jsonb, ${row.created_at}, ${row.updated_at})`.execute(executor);
}

export async function updateDashboard(
  executor: Executor,
  schema: string,
  id: string,
  changes: Pick<DashboardRow, 'name' | 'shared_with' | 'period' | 'widgets' | 'updated_at'>,
): Promise<void> {
  await sql`UPDATE ${table(schema)} SET name = ${changes.name}, shared_with = ${JSON.stringify(changes.shared_with)}::jsonb,
    period = ${jsonOrNull(changes.period)}::jsonb, widgets = ${JSON.stringify(changes.widgets)}::jsonb, updated_at = ${changes.updated_at}
    WHERE id = ${id}`.execute(executor);
}

export async function deleteDashboard(executor: Executor, schema: string, id: string): Promise<boolean> {
  const result = await sql`DELETE FROM ${table(schema)} WHERE id = ${id}`.execute(executor);
  return Number(result.numAffectedRows ?? 0) > 0;
}

const jsonOrNull = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));
