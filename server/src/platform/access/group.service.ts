import type { AppContext } from '../context.js';
import type { AuthContext } from '../auth/auth-context.js';
import type { Executor, Trx } from '../../db/database.js';
import type { GroupShareLevel } from '../../db/platform-schema.js';
import { isUniqueViolation } from '../../db/pg-errors.js';
import { changedKeys } from '../audit/audit-diff.js';
import { recordAudit } from '../audit/audit.service.js';
import { AppError, badRequest, notFound } from '../http/app-error.js';
import { newId } from '../ids.js';
import { lockOrgAccess } from './access.repository.js';
import {
  deleteGroup,
  findGroup,
  findGroupByName,
  findOrgIds,
  insertGroup,
  listContainingGroupIds,
  listGroups,
  listMembers,
  replaceMembers,
  updateGroup,
  type GroupRow,
  type MemberRow,
  type MemberType,
} from './group.repository.js';

export interface GroupMember {
  type: MemberType;
  id: string;
}

export interface GroupInput {
  name?: string;
  description?: string | null;
  shareRecords?: GroupShareLevel;
  members?: GroupMember[];
}

function present(row: GroupRow, members: MemberRow[]) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    shareRecords: row.share_records,
    members: members.filter((m) => m.group_id === row.id).map((m) => ({ type: m.member_type, id: m.member_id, name: m.name })),
    createdAt: row.created_at.toISOString(),
  };
}

const memberKey = (member: GroupMember) => `${member.type}:${member.id}`;
const sortMembers = (members: GroupMember[]) => [...members].sort((a, b) => memberKey(a).localeCompare(memberKey(b)));

const snapshot = (row: GroupRow, members: MemberRow[]) => ({
  name: row.name,
  description: row.description,
  shareRecords: row.share_records,
  members: sortMembers(members.map((m) => ({ type: m.member_type, id: m.member_id }))),
});

const nameTaken = () => new AppError('conflict', 'Another group already has this name.', { field: 'name' });

function cleanName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw badRequest('The name cannot be blank.', 'name');
  return trimmed;
}

/** Every member must be a user, role or group of the caller's organization; a group never contains itself. */
async function validateMembers(trx: Executor, orgId: string, members: GroupMember[], groupId: string | undefined): Promise<GroupMember[]> {
  const unique = new Map<string, GroupMember>();
  for (const member of members) unique.set(memberKey(member), member);
  const found: Record<MemberType, Set<string>> = {
    user: await findOrgIds(
      trx,
      orgId,
      'user',
      members.filter((m) => m.type === 'user').map((m) => m.id),
    ),
    role: await findOrgIds(
      trx,
      orgId,
      'role',
      members.filter((m) => m.type === 'role').map((m) => m.id),
    ),
    group: await findOrgIds(
      trx,
      orgId,
      'group',
      members.filter((m) => m.type === 'group').map((m) => m.id),
    ),
  };
  const enclosing = groupId ? new Set([groupId, ...(await listContainingGroupIds(trx, groupId))]) : new Set<string>();
  members.forEach((member, index) => {
    if (!found[member.type].has(member.id))
      throw badRequest(`There is no ${member.type} ${member.id} in this organization.`, `members.${index}.id`);
    if (member.type === 'group' && enclosing.has(member.id)) {
      throw badRequest('A group cannot contain itself, directly or through other groups.', `members.${index}.id`);
    }
  });
  return sortMembers([...unique.values()]);
}

/** Groups gather users, roles and other groups, and may share their members' records with each other. */
export function createGroupService({ database }: Pick<AppContext, 'database'>) {
  async function write<T>(label: string, fn: (trx: Trx) => Promise<T>): Promise<T> {
    try {
      return await database.transaction(label, fn);
    } catch (error) {
      if (isUniqueViolation(error, 'groups_org_id_name_key')) throw nameTaken();
      throw error;
    }
  }

  async function load(executor: Executor, orgId: string, id: string) {
    const row = await findGroup(executor, orgId, id);
    if (!row) throw notFound('The group');
    return { row, members: await listMembers(executor, [id]) };
  }

  return {
    async list(auth: AuthContext) {
      const rows = await listGroups(database.db, auth.orgId);
      const members = await listMembers(
        database.db,
        rows.map((row) => row.id),
      );
      return rows.map((row) => present(row, members));
    },

    async get(auth: AuthContext, id: string) {
      const { row, members } = await load(database.db, auth.orgId, id);
      return present(row, members);
    },

    async create(auth: AuthContext, input: GroupInput & { name: string }, ip: string) {
      const name = cleanName(input.name);
      return write('create-group', async (trx) => {
        await lockOrgAccess(trx, auth.orgId);
        if (await findGroupByName(trx, auth.orgId, name)) throw nameTaken();
        const members = await validateMembers(trx, auth.orgId, input.members ?? [], undefined);
        const id = newId();
        await insertGroup(trx, {
          id,
          orgId: auth.orgId,
          name,
          description: input.description?.trim() || null,
          shareRecords: input.shareRecords ?? 'none',
        });
        await replaceMembers(trx, id, members);
        const created = await load(trx, auth.orgId, id);
        await recordAudit(trx, {
          orgId: auth.orgId,
          actorId: auth.userId,
          action: 'group.created',
          targetType: 'group',
          targetId: id,
          after: snapshot(created.row, created.members),
          ip,
        });
        return present(created.row, created.members);
      });
    },

    async update(auth: AuthContext, id: string, input: GroupInput, ip: string) {
      const name = input.name === undefined ? undefined : cleanName(input.name);
      return write('update-group', async (trx) => {
        await lockOrgAccess(trx, auth.orgId);
        const existing = await load(trx, auth.orgId, id);
        if (name !== undefined && (await findGroupByName(trx, auth.orgId, name, id))) throw nameTaken();
        const members = input.members === undefined ? undefined : await validateMembers(trx, auth.orgId, input.members, id);
        const description = input.description === undefined ? undefined : input.description?.trim() || null;
        const diff = changedKeys(snapshot(existing.row, existing.members), {
          name,
          description,
          shareRecords: input.shareRecords,
          members,
        });
        if (!diff) return present(existing.row, existing.members);
        const { members: newMembers, shareRecords, ...columns } = diff.after;
        if (Object.keys(columns).length > 0 || shareRecords !== undefined)
          await updateGroup(trx, id, { ...columns, share_records: shareRecords });
        if (newMembers) await replaceMembers(trx, id, newMembers);
        await recordAudit(trx, {
          orgId: auth.orgId,
          actorId: auth.userId,
          action: 'group.updated',
          targetType: 'group',
          targetId: id,
          ...diff,
          ip,
        });
        const updated = await load(trx, auth.orgId, id);
        return present(updated.row, updated.members);
      });
    },

    async remove(auth: AuthContext, id: string, ip: string) {
      await database.transaction('delete-group', async (trx) => {
        await lockOrgAccess(trx, auth.orgId);
        const existing = await load(trx, auth.orgId, id);
        await deleteGroup(trx, id);
        await recordAudit(trx, {
          orgId: auth.orgId,
          actorId: auth.userId,
          action: 'group.deleted',
          targetType: 'group',
          targetId: id,
          before: snapshot(existing.row, existing.members),
          ip,
        });
      });
    },
  };
}
