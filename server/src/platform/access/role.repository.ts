import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';

export interface RoleRow {
  id: string;
  name: string;
  parent_id: string | null;
  share_with_peers: boolean;
  created_at: Date;
  user_count: number;
}

const roleColumns = (executor: Executor) =>
  executor
    .selectFrom('platform.roles as r')
    .select(['r.id', 'r.name', 'r.parent_id', 'r.share_with_peers', 'r.created_at'])
    .select((eb) =>
      eb
        .selectFrom('platform.users as u')
        .select((c) => c.fn.countAll<number>().as('n'))
        .whereRef('u.role_id', '=', 'r.id')
        .as('user_count'),
    );

export async function listRoles(executor: Executor, orgId: string): Promise<RoleRow[]> {
  const rows = await roleColumns(executor).where('r.org_id', '=', orgId).orderBy('r.name').execute();
  return rows.map((row) => ({ ...row, user_count: Number(row.user_count ?? 0) }));
}

export async function findRole(executor: Executor, orgId: string, id: string): Promise<RoleRow | undefined> {
  const row = await roleColumns(executor).where('r.org_id', '=', orgId).where('r.id', '=', id).executeTakeFirst();
  return row && { ...row, user_count: Number(row.user_count ?? 0) };
}

/** A role of the org with this name, ignoring case (optionally other than `exceptId`). */
export async function findRoleByName(executor: Executor, orgId: string, name: string, exceptId?: string) {
  let query = executor
    .selectFrom('platform.roles')
    .select('id')
    .where('org_id', '=', orgId)
    .where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()));
  if (exceptId) query = query.where('id', '!=', exceptId);
  return query.executeTakeFirst();
}

/** Every role below `roleId` (children, their children, …). */
export async function listDescendantRoleIds(executor: Executor, orgId: string, roleId: string): Promise<string[]> {
  const result = await sql<{ id: string }>`
    WITH RECURSIVE below AS (
      SELECT id FROM platform.roles WHERE org_id = ${orgId} AND parent_id = ${roleId}::uuid
      UNION
      SELECT r.id FROM platform.roles r JOIN below b ON r.parent_id = b.id WHERE r.org_id = ${orgId}
    )
    SELECT id FROM below`.execute(executor);
  return result.rows.map((row) => row.id);
}

export async function countChildRoles(executor: Executor, roleId: string): Promise<number> {
  const row = await executor
    .selectFrom('platform.roles')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('parent_id', '=', roleId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function insertRole(
  executor: Executor,
  role: { id: string; orgId: string; name: string; parentId: string | null; shareWithPeers: boolean },
) {
  await executor
    .insertInto('platform.roles')
    .values({ id: role.id, org_id: role.orgId, name: role.name, parent_id: role.parentId, share_with_peers: role.shareWithPeers })
    .execute();
}

export async function updateRole(
  executor: Executor,
  id: string,
  changes: { name?: string; parent_id?: string | null; share_with_peers?: boolean },
) {
  await executor.updateTable('platform.roles').set(changes).where('id', '=', id).execute();
}

/** Moves the role's users, child roles and pending invitations to another role. */
export async function transferRole(executor: Executor, orgId: string, fromId: string, toId: string) {
  const users = await executor
    .updateTable('platform.users')
    .set({ role_id: toId })
    .where('org_id', '=', orgId)
    .where('role_id', '=', fromId)
    .executeTakeFirst();
  const children = await executor
    .updateTable('platform.roles')
    .set({ parent_id: toId })
    .where('org_id', '=', orgId)
    .where('parent_id', '=', fromId)
    .executeTakeFirst();
  await executor
    .updateTable('platform.invitations')
    .set({ role_id: toId })
    .where('org_id', '=', orgId)
    .where('role_id', '=', fromId)
    .execute();
  return { users: Number(users.numUpdatedRows), childRoles: Number(children.numUpdatedRows) };
}

/** Deletes a role and its group memberships (members have no foreign key: they may be users, roles or groups). */
export async function deleteRole(executor: Executor, id: string) {
  await executor.deleteFrom('platform.group_members').where('member_type', '=', 'role').where('member_id', '=', id).execute();
  // Sharing rules naming the role go with it.
  await executor
    .deleteFrom('platform.sharing_rules')
    .where((eb) => eb.or([eb('source_id', '=', id), eb('target_id', '=', id)]))
    .execute();
  await executor.deleteFrom('platform.roles').where('id', '=', id).execute();
}
