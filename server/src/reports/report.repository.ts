import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../db/database.js';
import { quoteIdent } from '../records/index.js';
import type { ReportDefinition, SharedWith } from './report.schemas.js';

/** SQL on the reports table of an organization's schema (org migration 0016-reports). */
const reportsTable = (schema: string) => sql.raw(`${quoteIdent(schema)}.reports`);

export interface ReportRow {
  id: string;
  name: string;
  description: string | null;
  folder: string | null;
  module: string;
  definition: ReportDefinition;
  owner_id: string;
  shared_with: Required<SharedWith>;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = sql.raw('id, name, description, folder, module, definition, owner_id, shared_with, created_by, created_at, updated_at');

/** Who is asking, for "shared with me": the user, their role and the groups they belong to. */
export interface Audience {
  userId: string;
  roleId: string | null;
  groupIds: string[];
  isAdmin: boolean;
}

/**
 * The condition "the audience may see this row" on a table with owner_id and
 * shared_with ({roles, groups, everyone}): theirs, shared with everyone, with
 * their role or with one of their groups. Administrators see every row.
 */
export function sharedWithSql(audience: Audience, alias = 't'): RawBuilder<boolean> {
  if (audience.isAdmin) return sql<boolean>`true`;
  const shared = sql.ref(`${alias}.shared_with`);
  const role = audience.roleId ? sql` OR ${shared} -> 'roles' @> jsonb_build_array(${audience.roleId}::text)` : sql``;
  const groups =
    audience.groupIds.length > 0
      ? sql` OR EXISTS (SELECT 1 FROM jsonb_array_elements_text(${shared} -> 'groups') g WHERE g = ANY(${audience.groupIds}::text[]))`
      : sql``;
  return sql<boolean>`(${sql.ref(`${alias}.owner_id`)} = ${audience.userId} OR coalesce((${shared} ->> 'everyone')::boolean, false)${role}${groups})`;
}

export async function listReports(executor: Executor, schema: string, audience: Audience, folder?: string): Promise<ReportRow[]> {
  const inFolder = folder !== undefined ? sql` AND t.folder = ${folder}` : sql``;
  const result = await sql<ReportRow>`SELECT ${COLUMNS} FROM ${reportsTable(schema)} t
    WHERE ${sharedWithSql(audience)}${inFolder} ORDER BY lower(t.name), t.id`.execute(executor);
  return result.rows;
}

export async function findReport(executor: Executor, schema: string, id: string): Promise<ReportRow | undefined> {
  const result = await sql<ReportRow>`SELECT ${COLUMNS} FROM ${reportsTable(schema)} t WHERE t.id = ${id}`.execute(executor);
  return result.rows[0];
}

export async function insertReport(executor: Executor, schema: string, row: ReportRow): Promise<void> {
  await sql`INSERT INTO ${reportsTable(schema)} (id, name, description, folder, module, definition, owner_id, shared_with, created_by, created_at, updated_at)
    VALUES (${row.id}, ${row.name}, ${row.description}, ${row.folder}, ${row.module}, ${JSON.stringify(row.definition)}::jsonb, ${row.owner_id},
            ${JSON.stringify(row.shared_with)}::jsonb, ${row.created_by}, ${row.created_at}, ${row.updated_at})`.execute(executor);
}

export async function updateReport(executor: Executor, schema: string, row: ReportRow): Promise<void> {
  await sql`UPDATE ${reportsTable(schema)} SET name = ${row.name}, description = ${row.description}, folder = ${row.folder},
    module = ${row.module}, definition = ${JSON.stringify(row.definition)}::jsonb, shared_with = ${JSON.stringify(row.shared_with)}::jsonb,
    updated_at = ${row.updated_at} WHERE id = ${row.id}`.execute(executor);
}

export async function deleteReport(executor: Executor, schema: string, id: string): Promise<void> {
  await sql`DELETE FROM ${reportsTable(schema)} WHERE id = ${id}`.execute(executor);
}

/** Runs a report statement built by report.sql.ts. */
export async function runReportQuery(executor: Executor, query: RawBuilder<Record<string, unknown>>): Promise<Record<string, unknown>[]> {
  return (await query.execute(executor)).rows;
}

/** Names of roles by id (within the organization). */
export async function findRoleNames(executor: Executor, orgId: string, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await executor
    .selectFrom('platform.roles')
    .select(['id', 'name'])
    .where('org_id', '=', orgId)
    .where('id', 'in', ids)
    .execute();
  return new Map(rows.map((row) => [row.id, row.name]));
}
