import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { GroupShareLevel } from '../../db/platform-schema.js';

export type MemberType = 'user' | 'role' | 'group';

export interface GroupRow {
  id: string;
  name: string;
  description: string | null;
  share_records: GroupShareLevel;
  created_at: Date;
}

export interface MemberRow {
  group_id: string;
  member_type: MemberType;
  member_id: string;
  name: string | null;
}

const groupColumns = ['id', 'name', 'description', 'share_records', 'created_at'] as const;

export function listGroups(executor: Executor, orgId: string): Promise<GroupRow[]> {
  return executor.selectFrom('platform.groups').select(groupColumns).where('org_id', '=', orgId).orderBy('name').execute();
}

export function findGroup(executor: Executor, orgId: string, id: string): Promise<GroupRow | undefined> {
  return executor.selectFrom('platform.groups').select(groupColumns).where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

export function findGroupByName(executor: Executor, orgId: string, name: string, exceptId?: string) {
  let query = executor
    .selectFrom('platform.groups')
    .select('id')
    .where('org_id', '=', orgId)
    .where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()));
  if (exceptId) query = query.where('id', '!=', exceptId);
  return query.executeTakeFirst();
}

/** The members of these groups, each with its display name (a user's, role's or group's name). */
export async function listMembers(executor: Executor, groupIds: string[]): Promise<MemberRow[]> {
  if (groupIds.length === 0) return [];
  const rows = await executor
    .selectFrom('platform.group_members as gm')
    .leftJoin('platform.users as u', (join) => join.onRef('u.id', '=', 'gm.member_id').on('gm.member_type', '=', 'user'))
    .leftJoin('platform.roles as r', (join) => join.onRef('r.id', '=', 'gm.member_id').on('gm.member_type', '=', 'role'))
    .leftJoin('platform.groups as g', (join) => join.onRef('g.id', '=', 'gm.member_id').on('gm.member_type', '=', 'group'))
    .select(['gm.group_id', 'gm.member_type', 'gm.member_id'])
    .select((eb) => eb.fn.coalesce('u.name', 'r.name', 'g.name').as('name'))
    .where('gm.group_id', 'in', groupIds)
    .orderBy('gm.member_type')
    .orderBy('name')
    .execute();
  return rows as MemberRow[];
}

/** Which of these ids are users, roles or groups of the organization. */
export async function findOrgIds(executor: Executor, orgId: string, type: MemberType, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const table = type === 'user' ? 'platform.users' : type === 'role' ? 'platform.roles' : 'platform.groups';
  const rows = await executor.selectFrom(table).select('id').where('org_id', '=', orgId).where('id', 'in', ids).execute();
  return new Set(rows.map((row) => row.id));
}

/** The groups a user belongs to: as a member, through their role, or through a group nested in another. */
export async function listUserGroupIds(executor: Executor, orgId: string, userId: string, roleId: string | null): Promise<string[]> {
  const result = await sql<{ group_id: string }>`
    WITH RECURSIVE mine AS (
      SELECT gm.group_id FROM platform.group_members gm
      WHERE (gm.member_type = 'user' AND gm.member_id = ${userId}::uuid) OR (gm.member_type = 'role' AND gm.member_id = ${roleId}::uuid)
      UNION
      SELECT gm.group_id FROM platform.group_members gm JOIN mine ON gm.member_type = 'group' AND gm.member_id = mine.group_id
    )
    SELECT g.id AS group_id FROM platform.groups g WHERE g.org_id = ${orgId} AND g.id IN (SELECT group_id FROM mine)`.execute(executor);
  return result.rows.map((row) => row.group_id);
}

/** The groups that contain this group, directly or through other groups. */
export async function listContainingGroupIds(executor: Executor, groupId: string): Promise<string[]> {
  const result = await sql<{ group_id: string }>`
    WITH RECURSIVE up AS (
      SELECT group_id FROM platform.group_members WHERE member_type = 'group' AND member_id = ${groupId}::uuid
      UNION
      SELECT gm.group_id FROM platform.group_members gm JOIN up ON gm.member_type = 'group' AND gm.member_id = up.group_id
    )
    SELECT group_id FROM up`.execute(executor);
  return result.rows.map((row) => row.group_id);
}

export async function insertGroup(
  executor: Executor,
  group: { id: string; orgId: string; name: string; description: string | null; shareRecords: GroupShareLevel },
) {
  await executor
    .insertInto('platform.groups')
    .values({ id: group.id, org_id: group.orgId, name: group.name, description: group.description, share_records: group.shareRecords })
    .execute();
}

export async function updateGroup(
  executor: Executor,
  id: string,
  changes: { name?: string; description?: string | null; share_records?: GroupShareLevel },
) {
  await executor.updateTable('platform.groups').set(changes).where('id', '=', id).execute();
}

export async function replaceMembers(executor: Executor, groupId: string, members: Array<{ type: MemberType; id: string }>) {
  await executor.deleteFrom('platform.group_members').where('group_id', '=', groupId).execute();
  if (members.length === 0) return;
  await executor
    .insertInto('platform.group_members')
    .values(members.map((member) => ({ group_id: groupId, member_type: member.type, member_id: member.id })))
    .execute();
}

/** Deletes a group, its members (cascade) and its membership in other groups. */
export async function deleteGroup(executor: Executor, id: string) {
  await executor.deleteFrom('platform.group_members').where('member_type', '=', 'group').where('member_id', '=', id).execute();
  // Sharing rules naming the group go with it.
  await executor
    .deleteFrom('platform.sharing_rules')
    .where((eb) => eb.or([eb('source_id', '=', id), eb('target_id', '=', id)]))
    .execute();
  await executor.deleteFrom('platform.groups').where('id', '=', id).execute();
}
