import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import { quoteIdent } from '../../records/index.js';
import type { DashboardPeriod, Widget } from './dashboard.schemas.js';

/** SQL on the `dashboards` table of an organization's schema (org migration 0016-reports). */
const table = (schema: string) => sql.raw(`${quoteIdent(schema)}.dashboards`);

export interface DashboardRow {
  id: string;
  name: string;
  owner_id: string;
  shared_with: { roles: string[]; groups: string[]; everyone?: boolean };
  period: DashboardPeriod | null;
  widgets: Widget[];
  created_at: Date;
  updated_at: Date;
}

/** Who is reading: a dashboard is theirs, shared with their role, with a group they are in, or with everyone. */
export interface Reader {
  orgId: string;
  userId: string;
  roleId: string | null;
  isAdmin: boolean;
}

/**
 * The condition "this reader sees dashboard d": administrators see all; others their own, the ones shared with
 * everyone, with their role, or with a group they belong to (directly, through their role or a nested group).
 */
function visibleTo(reader: Reader) {
  if (reader.isAdmin) return sql`TRUE`;
  return sql`(d.owner_id = ${reader.userId}
    OR COALESCE((d.shared_with->>'everyone')::boolean, FALSE)
    OR (${reader.roleId}::uuid IS NOT NULL AND d.shared_with->'roles' @> jsonb_build_array(${reader.roleId}::text))
    OR EXISTS (
      WITH RECURSIVE my_groups AS (
        SELECT gm.group_id FROM platform.group_members gm
        WHERE (gm.member_type = 'user' AND gm.member_id = ${reader.userId}::uuid)
           OR (gm.member_type = 'role' AND gm.member_id = ${reader.roleId}::uuid)
        UNION
        SELECT gm.group_id FROM platform.group_members gm JOIN my_groups mg ON gm.member_type = 'group' AND gm.member_id = mg.group_id
      )
      SELECT 1 FROM my_groups mg JOIN platform.groups g ON g.id = mg.group_id AND g.org_id = ${reader.orgId}
      WHERE d.shared_with->'groups' @> jsonb_build_array(mg.group_id::text)
    ))`;
}

export async function listDashboards(executor: Executor, schema: string, reader: Reader): Promise<DashboardRow[]> {
  const result = await sql<DashboardRow>`SELECT d.* FROM ${table(schema)} d WHERE ${visibleTo(reader)}
    ORDER BY lower(d.name), d.id LIMIT 500`.execute(executor);
  return result.rows;
}

/** One dashboard if the reader sees it. */
export async function findDashboard(
  executor: Executor,
  schema: string,
  reader: Reader,
  id: string,
  forUpdate = false,
): Promise<DashboardRow | undefined> {
  const lock = forUpdate ? sql` FOR UPDATE` : sql``;
  const result = await sql<DashboardRow>`SELECT d.* FROM ${table(schema)} d WHERE d.id = ${id} AND ${visibleTo(reader)}${lock}`.execute(
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
