import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { SharingDefaultsTable } from '../../db/platform-schema.js';
import { isForeignKeyViolation } from '../../db/pg-errors.js';
import { AppError } from '../http/app-error.js';

export type SharingAccess = SharingDefaultsTable['access'];

/** The org-wide default of one module, when an administrator has set one. */
export async function findSharingAccess(executor: Executor, orgId: string, module: string): Promise<SharingAccess | undefined> {
  const row = await executor
    .selectFrom('platform.sharing_defaults')
    .select('access')
    .where('org_id', '=', orgId)
    .where('module', '=', module)
    .executeTakeFirst();
  return row?.access;
}

export function listSharingDefaults(executor: Executor, orgId: string) {
  return executor
    .selectFrom('platform.sharing_defaults')
    .select(['module', 'access'])
    .where('org_id', '=', orgId)
    .orderBy('module')
    .execute();
}

export async function upsertSharingDefault(executor: Executor, orgId: string, module: string, access: SharingAccess): Promise<void> {
  await executor
    .insertInto('platform.sharing_defaults')
    .values({ org_id: orgId, module, access })
    .onConflict((oc) => oc.columns(['org_id', 'module']).doUpdateSet({ access }))
    .execute();
}

/** One owner the user reaches, at a level, in every module (module null) or only in one (a sharing rule). */
export interface SharedOwner {
  userId: string;
  level: 'read' | 'read_write';
  module: string | null;
}

/**
 * The other users of the org whose records this user reaches, each with a
 * level and the module it holds for (null: every module):
 * - users in every role below the user's role (managers see subordinates): read_write;
 * - users in the same role when it shares with peers: read_write;
 * - effective members of every group the user belongs to (directly, through
 *   their role, or through a nested group) that shares records: its level;
 * - through each sharing rule whose target holds the user (their role; a role
 *   above or equal for role_and_subordinates; a group they belong to), the
 *   owners in its source (that role; that role and every role below it; the
 *   group's effective members): the rule's level, for the rule's module.
 * One round trip; UNION (not UNION ALL) in the recursive parts stops at cycles.
 */
export async function listSharedOwners(
  executor: Executor,
  input: { orgId: string; userId: string; roleId: string | null },
): Promise<SharedOwner[]> {
  const { orgId, userId, roleId } = input;
  const result = await sql<{ user_id: string; level: 'read' | 'read_write'; module: string | null }>`
    WITH RECURSIVE
    sub_roles AS (
      SELECT r.id FROM platform.roles r WHERE r.org_id = ${orgId} AND r.parent_id = ${roleId}::uuid
      UNION
      SELECT r.id FROM platform.roles r JOIN sub_roles s ON r.parent_id = s.id WHERE r.org_id = ${orgId}
    ),
    my_role_chain AS (
      SELECT r.id, r.parent_id FROM platform.roles r WHERE r.org_id = ${orgId} AND r.id = ${roleId}::uuid
      UNION
      SELECT r.id, r.parent_id FROM platform.roles r JOIN my_role_chain c ON r.id = c.parent_id WHERE r.org_id = ${orgId}
    ),
    my_groups AS (
      SELECT gm.group_id FROM platform.group_members gm
      WHERE (gm.member_type = 'user' AND gm.member_id = ${userId}::uuid) OR (gm.member_type = 'role' AND gm.member_id = ${roleId}::uuid)
      UNION
      SELECT gm.group_id FROM platform.group_members gm JOIN my_groups mg ON gm.member_type = 'group' AND gm.member_id = mg.group_id
    ),
    sharing_groups AS (
      SELECT g.share_records AS level, g.id AS group_id FROM platform.groups g
      WHERE g.org_id = ${orgId} AND g.share_records <> 'none' AND g.id IN (SELECT group_id FROM my_groups)
      UNION
      SELECT sg.level, gm.member_id FROM sharing_groups sg
      JOIN platform.group_members gm ON gm.group_id = sg.group_id AND gm.member_type = 'group'
    ),
    my_rules AS (
      SELECT sr.id, sr.module, sr.access, sr.source_type, sr.source_id FROM platform.sharing_rules sr
      WHERE sr.org_id = ${orgId} AND (
        (sr.target_type = 'role' AND sr.target_id = ${roleId}::uuid)
        OR (sr.target_type = 'role_and_subordinates' AND sr.target_id IN (SELECT id FROM my_role_chain))
        OR (sr.target_type = 'group' AND sr.target_id IN (SELECT group_id FROM my_groups))
      )
    ),
    rule_roles AS (
      SELECT mr.id AS rule_id, mr.source_id AS role_id FROM my_rules mr WHERE mr.source_type IN ('role', 'role_and_subordinates')
      UNION
      SELECT rr.rule_id, r.id FROM rule_roles rr
      JOIN my_rules mr ON mr.id = rr.rule_id AND mr.source_type = 'role_and_subordinates'
      JOIN platform.roles r ON r.parent_id = rr.role_id AND r.org_id = ${orgId}
    ),
    rule_groups AS (
      SELECT mr.id AS rule_id, mr.source_id AS group_id FROM my_rules mr WHERE mr.source_type = 'group'
      UNION
      SELECT rg.rule_id, gm.member_id FROM rule_groups rg
      JOIN platform.group_members gm ON gm.group_id = rg.group_id AND gm.member_type = 'group'
    )
    SELECT u.id AS user_id, 'read_write' AS level, NULL::text AS module FROM platform.users u
      WHERE u.org_id = ${orgId} AND u.role_id IN (SELECT id FROM sub_roles)
    UNION ALL
    SELECT u.id, 'read_write', NULL FROM platform.users u JOIN platform.roles r ON r.id = u.role_id
      WHERE u.org_id = ${orgId} AND r.org_id = ${orgId} AND r.id = ${roleId}::uuid AND r.share_with_peers
    UNION ALL
    SELECT u.id, sg.level, NULL FROM sharing_groups sg
      JOIN platform.group_members gm ON gm.group_id = sg.group_id AND gm.member_type = 'user'
      JOIN platform.users u ON u.id = gm.member_id AND u.org_id = ${orgId}
    UNION ALL
    SELECT u.id, sg.level, NULL FROM sharing_groups sg
      JOIN platform.group_members gm ON gm.group_id = sg.group_id AND gm.member_type = 'role'
      JOIN platform.users u ON u.role_id = gm.member_id AND u.org_id = ${orgId}
    UNION ALL
    SELECT u.id, mr.access, mr.module FROM rule_roles rr
      JOIN my_rules mr ON mr.id = rr.rule_id
      JOIN platform.users u ON u.role_id = rr.role_id AND u.org_id = ${orgId}
    UNION ALL
    SELECT u.id, mr.access, mr.module FROM rule_groups rg
      JOIN my_rules mr ON mr.id = rg.rule_id
      JOIN platform.group_members gm ON gm.group_id = rg.group_id AND gm.member_type = 'user'
      JOIN platform.users u ON u.id = gm.member_id AND u.org_id = ${orgId}
    UNION ALL
    SELECT u.id, mr.access, mr.module FROM rule_groups rg
      JOIN my_rules mr ON mr.id = rg.rule_id
      JOIN platform.group_members gm ON gm.group_id = rg.group_id AND gm.member_type = 'role'
      JOIN platform.users u ON u.role_id = gm.member_id AND u.org_id = ${orgId}
  `.execute(executor);
  return result.rows.map((row) => ({ userId: row.user_id, level: row.level, module: row.module }));
}

/**
 * Serializes the access-model writes of one organization (roles, profiles,
 * groups, users' role and profile): checks such as "no cycle" and "one active
 * administrator left" read, then write, and two concurrent requests must not
 * both pass them. An advisory lock, so ordinary writes that touch the
 * organization row are not blocked.
 */
export async function lockOrgAccess(executor: Executor, orgId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(7202620, hashtext(${orgId}))`.execute(executor);
}

/** Invitations still waiting to be accepted that would give this role or profile. */
export async function countPendingInvitations(
  executor: Executor,
  orgId: string,
  column: 'role_id' | 'profile_id',
  id: string,
  now: Date,
): Promise<number> {
  const row = await executor
    .selectFrom('platform.invitations')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('org_id', '=', orgId)
    .where(column, '=', id)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/**
 * Spent invitations (accepted, revoked, expired) keep no hold on a role or
 * profile that is deleted. A pending one is never touched: it keeps the
 * delete from happening (409 in use), rather than silently losing its role.
 */
export async function detachSpentInvitations(
  executor: Executor,
  orgId: string,
  column: 'role_id' | 'profile_id',
  id: string,
  now: Date,
): Promise<void> {
  await executor
    .updateTable('platform.invitations')
    .set({ [column]: null })
    .where('org_id', '=', orgId)
    .where(column, '=', id)
    .where((eb) => eb.or([eb('accepted_at', 'is not', null), eb('revoked_at', 'is not', null), eb('expires_at', '<=', now)]))
    .execute();
}

/** For `.catch()` on a delete: a row that still refers to the deleted one (23503) is a 409 in use, never a 500. */
export function inUseOnForeignKey(what: 'role' | 'profile') {
  return (error: unknown): never => {
    if (isForeignKeyViolation(error)) throw new AppError('conflict', `The ${what} is in use. Reload and try again.`, { reason: 'in_use' });
    throw error;
  };
}
