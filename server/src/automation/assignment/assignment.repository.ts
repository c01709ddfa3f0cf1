import { sql, type RawBuilder } from 'kysely';
import type { Executor, Trx } from '../../db/database.js';
import { qualifiedTable, quoteIdent } from '../../records/index.js';
import type { AssignmentEntry } from './assignment.schemas.js';

/** SQL on the assignment tables of an organization's schema (org migration 0014-automation-assignment). */
const t = (schema: string, table: string) => sql.raw(`${quoteIdent(schema)}.${quoteIdent(table)}`);

export interface AssignmentRuleRow {
  id: string;
  module: string;
  name: string;
  active: boolean;
  entries: AssignmentEntry[];
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

export async function listRules(executor: Executor, schema: string, module?: string): Promise<AssignmentRuleRow[]> {
  const where = module === undefined ? sql`` : sql`WHERE module = ${module}`;
  const result = await sql<AssignmentRuleRow>`SELECT * FROM ${t(schema, 'automation_assignment_rules')} ${where}
    ORDER BY module, active DESC, created_at, id LIMIT 500`.execute(executor);
  return result.rows;
}

export async function findRule(executor: Executor, schema: string, id: string, forUpdate = false): Promise<AssignmentRuleRow | undefined> {
  const lock = forUpdate ? sql` FOR UPDATE` : sql``;
  const result = await sql<AssignmentRuleRow>`SELECT * FROM ${t(schema, 'automation_assignment_rules')} WHERE id = ${id}${lock}`.execute(
    executor,
  );
  return result.rows[0];
}

export async function findActiveRule(executor: Executor, schema: string, module: string): Promise<AssignmentRuleRow | undefined> {
  const result = await sql<AssignmentRuleRow>`SELECT * FROM ${t(schema, 'automation_assignment_rules')}
    WHERE module = ${module} AND active`.execute(executor);
  return result.rows[0];
}

export async function insertRule(executor: Executor, schema: string, row: AssignmentRuleRow): Promise<void> {
  await sql`INSERT INTO ${t(schema, 'automation_assignment_rules')} (id, module, name, active, entries, created_by, created_at, updated_at)
    VALUES (${row.id}, ${row.module}, ${row.name}, ${row.active}, ${JSON.stringify(row.entries)}::jsonb, ${row.created_by},
            ${row.created_at}, ${row.updated_at})`.execute(executor);
}

export async function updateRule(
  executor: Executor,
  schema: string,
  id: string,
  changes: { name: string; active: boolean; entries: AssignmentEntry[]; updated_at: Date },
): Promise<void> {
  await sql`UPDATE ${t(schema, 'automation_assignment_rules')}
    SET name = ${changes.name}, active = ${changes.active}, entries = ${JSON.stringify(changes.entries)}::jsonb, updated_at = ${changes.updated_at}
    WHERE id = ${id}`.execute(executor);
}

export async function deleteRule(executor: Executor, schema: string, id: string): Promise<boolean> {
  const result = await sql`DELETE FROM ${t(schema, 'automation_assignment_rules')} WHERE id = ${id}`.execute(executor);
  return Number(result.numAffectedRows ?? 0) > 0;
}

/**
 * The round robin cursor of an entry, locked until the transaction ends (made on first use): concurrent creates
 * through the same entry take turns, so each sees the user the previous one took.
 */
export async function lockCursor(trx: Trx, schema: string, ruleId: string, entryId: string): Promise<string | null> {
  const result = await sql<{ last_user_id: string | null }>`
    INSERT INTO ${t(schema, 'automation_assignment_cursors')} AS c (rule_id, entry_id) VALUES (${ruleId}, ${entryId})
    ON CONFLICT (rule_id, entry_id) DO UPDATE SET last_user_id = c.last_user_id
    RETURNING c.last_user_id`.execute(trx);
  return result.rows[0]!.last_user_id;
}

export async function saveCursor(trx: Trx, schema: string, ruleId: string, entryId: string, lastUserId: string): Promise<void> {
  await sql`UPDATE ${t(schema, 'automation_assignment_cursors')} SET last_user_id = ${lastUserId}
    WHERE rule_id = ${ruleId} AND entry_id = ${entryId}`.execute(trx);
}

/** A pool of users: given ids, a role's users, or a group's members (nested groups and member roles included). */
export type Pool = { userIds: string[] } | { roleId: string } | { groupId: string };

/** The active users of the organization in a pool, ordered by id (the round robin order). */
export async function listActivePoolUsers(executor: Executor, orgId: string, pool: Pool): Promise<string[]> {
  let result;
  if ('userIds' in pool) {
    if (pool.userIds.length === 0) return [];
    result = await sql<{ id: string }>`SELECT id FROM platform.users
      WHERE org_id = ${orgId} AND active AND id = ANY(${pool.userIds}::uuid[]) ORDER BY id`.execute(executor);
  } else if ('roleId' in pool) {
    result = await sql<{ id: string }>`SELECT id FROM platform.users
      WHERE org_id = ${orgId} AND active AND role_id = ${pool.roleId} ORDER BY id`.execute(executor);
  } else {
    result = await sql<{ id: string }>`
      WITH RECURSIVE member_groups AS (
        SELECT g.id FROM platform.groups g WHERE g.id = ${pool.groupId} AND g.org_id = ${orgId}
        UNION
        SELECT m.member_id FROM platform.group_members m JOIN member_groups mg ON m.group_id = mg.id WHERE m.member_type = 'group'
      )
      SELECT u.id FROM platform.users u
      WHERE u.org_id = ${orgId} AND u.active AND (
        u.id IN (SELECT m.member_id FROM platform.group_members m WHERE m.group_id IN (SELECT id FROM member_groups) AND m.member_type = 'user')
        OR u.role_id IN (SELECT m.member_id FROM platform.group_members m WHERE m.group_id IN (SELECT id FROM member_groups) AND m.member_type = 'role')
      )
      ORDER BY u.id`.execute(executor);
  }
  return result.rows.map((row) => row.id);
}

/** How many of each kind of thing with these ids the organization has (rule validation). */
export async function findOrgIds(
  executor: Executor,
  orgId: string,
  kind: 'users' | 'roles' | 'groups',
  ids: string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const result = await sql<{ id: string }>`SELECT id FROM ${sql.raw(`platform.${kind}`)}
    WHERE org_id = ${orgId} AND id = ANY(${ids}::uuid[])`.execute(executor);
  return new Set(result.rows.map((row) => row.id));
}

/** Open records of a module each user owns (users with none are absent). */
export async function countOpenOwned(
  trx: Trx,
  schema: string,
  table: string,
  ownerIds: string[],
  open: RawBuilder<boolean>,
): Promise<Map<string, number>> {
  if (ownerIds.length === 0) return new Map();
  const result = await sql<{
    owner_id: string;
    n: number;
  }>`SELECT r.owner_id, count(*)::int AS n FROM ${sql.raw(qualifiedTable(schema, table))} r
    WHERE r.deleted_at IS NULL AND r.owner_id = ANY(${ownerIds}::uuid[]) AND ${open} GROUP BY r.owner_id`.execute(trx);
  return new Map(result.rows.map((row) => [row.owner_id, row.n]));
}

/**
 * For each new record (its values keyed by column), which conditions it meets. The values become rows of the
 * module's table type (`jsonb_populate_recordset`), so every condition is the list views' own SQL on the very
 * types the insert will store: the same semantics, one query per batch.
 */
export async function matchingEntries(
  trx: Trx,
  schema: string,
  table: string,
  values: Array<Record<string, unknown>>,
  conditions: RawBuilder<boolean>[],
): Promise<boolean[][]> {
  if (values.length === 0) return [];
  if (conditions.length === 0) return values.map(() => []);
  const tests = sql.join(conditions.map((condition) => sql`coalesce((${condition}), false)`));
  const result = await sql<{ hits: boolean[] }>`
    SELECT ARRAY[${tests}] AS hits
    FROM jsonb_populate_recordset(NULL::${sql.raw(qualifiedTable(schema, table))}, ${JSON.stringify(values)}::jsonb) WITH ORDINALITY r
    ORDER BY r.ordinality`.execute(trx);
  return result.rows.map((row) => row.hits);
}
