import type { AppContext } from '../context.js';
import type { AuthContext } from '../auth/auth-context.js';
import type { Trx } from '../../db/database.js';
import { isUniqueViolation } from '../../db/pg-errors.js';
import { changedKeys } from '../audit/audit-diff.js';
import { recordAudit } from '../audit/audit.service.js';
import { AppError, badRequest, notFound } from '../http/app-error.js';
import { newId } from '../ids.js';
import { countPendingInvitations, detachSpentInvitations, inUseOnForeignKey, lockOrgAccess } from './access.repository.js';
import {
  countChildRoles,
  deleteRole,
  findRole,
  findRoleByName,
  insertRole,
  listDescendantRoleIds,
  listRoles,
  transferRole,
  updateRole,
  type RoleRow,
} from './role.repository.js';

export interface RoleInput {
  name?: string;
  parentId?: string | null;
  shareWithPeers?: boolean;
}

function present(row: RoleRow) {
  return {
    id: row.id,
    name: row.name,
    parentId: row.parent_id,
    shareWithPeers: row.share_with_peers,
    userCount: row.user_count,
    createdAt: row.created_at.toISOString(),
  };
}

const snapshot = (row: RoleRow) => ({ name: row.name, parentId: row.parent_id, shareWithPeers: row.share_with_peers });

const nameTaken = () => new AppError('conflict', 'Another role already has this name.', { field: 'name' });

function cleanName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw badRequest('The name cannot be blank.', 'name');
  return trimmed;
}

/** Roles form the hierarchy that decides whose records a manager sees (all roles below theirs). */
export function createRoleService({ database, now }: Pick<AppContext, 'database' | 'now'>) {
  async function assertParent(trx: Trx, orgId: string, parentId: string | null | undefined, roleId?: string): Promise<void> {
    if (parentId === null || parentId === undefined) return;
    if (parentId === roleId) throw badRequest('A role cannot report to itself.', 'parentId');
    if (!(await findRole(trx, orgId, parentId))) throw badRequest('The parent role does not exist in this organization.', 'parentId');
    if (roleId && (await listDescendantRoleIds(trx, orgId, roleId)).includes(parentId)) {
      throw badRequest('The parent role is below this role: that would make a cycle.', 'parentId');
    }
  }

  /** Runs a write; a unique-name race that slipped past the check is still a 409. */
  async function write<T>(label: string, fn: (trx: Trx) => Promise<T>): Promise<T> {
    try {
      return await database.transaction(label, fn);
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken();
      throw error;
    }
  }

  return {
    async list(auth: AuthContext) {
      return (await listRoles(database.db, auth.orgId)).map(present);
    },

    async create(auth: AuthContext, input: Required<Pick<RoleInput, 'name'>> & RoleInput, ip: string) {
      const name = cleanName(input.name);
      return write('create-role', async (trx) => {
        await lockOrgAccess(trx, auth.orgId);
        if (await findRoleByName(trx, auth.orgId, name)) throw nameTaken();
        await assertParent(trx, auth.orgId, input.parentId);
        const id = newId();
        await insertRole(trx, {
          id,
          orgId: auth.orgId,
          name,
          parentId: input.parentId ?? null,
          shareWithPeers: input.shareWithPeers ?? false,
        });
        const row = (await findRole(trx, auth.orgId, id))!;
        await recordAudit(trx, {
          orgId: auth.orgId,
          actorId: auth.userId,
          action: 'role.created',
          targetType: 'role',
          targetId: id,
          after: snapshot(row),
          ip,
        });
        return present(row);
      });
    },

    async update(auth: AuthContext, id: string, input: RoleInput, ip: string) {
      const name = input.name === undefined ? undefined : cleanName(input.name);
      return write('update-role', async (trx) => {
        await lockOrgAccess(trx, auth.orgId);
        const existing = await findRole(trx, auth.orgId, id);
        if (!existing) throw notFound('The role');
        if (name !== undefined && (await findRoleByName(trx, auth.orgId, name, id))) throw nameTaken();
        await assertParent(trx, auth.orgId, input.parentId, id);
        const diff = changedKeys(snapshot(existing), { name, parentId: input.parentId, shareWithPeers: input.shareWithPeers });
        if (!diff) return present(existing);
        await updateRole(trx, id, { name: diff.after.name, parent_id: diff.after.parentId, share_with_peers: diff.after.shareWithPeers });
        await recordAudit(trx, {
          orgId: auth.orgId,
          actorId: auth.userId,
          action: 'role.updated',
          targetType: 'role',
          targetId: id,
          ...diff,
          ip,
        });
        return present((await findRole(trx, auth.orgId, id))!);
      });
    },

    /** Deletes a role; one in use (users, child roles, pending invitations) needs `transferTo` or answers 409. */
    async remove(auth: AuthContext, id: string, transferTo: string | undefined, ip: string) {
      const at = now();
      await database.transaction('delete-role', async (trx) => {
        await lockOrgAccess(trx, auth.orgId);
        const existing = await findRole(trx, auth.orgId, id);
        if (!existing) throw notFound('The role');
        let moved: { users: number; childRoles: number } | undefined;
        if (transferTo !== undefined) {
          if (transferTo === id) throw badRequest('Choose another role to move the users and child roles to.', 'transferTo');
          if (!(await findRole(trx, auth.orgId, transferTo)))
            throw badRequest('The role to transfer to does not exist in this organization.', 'transferTo');
          if ((await listDescendantRoleIds(trx, auth.orgId, id)).includes(transferTo)) {
            throw badRequest('The role to transfer to is below the deleted role; choose one outside its branch.', 'transferTo');
          }
          moved = await transferRole(trx, auth.orgId, id, transferTo);
        } else {
          const usage = {
            users: existing.user_count,
            childRoles: await countChildRoles(trx, id),
            pendingInvitations: await countPendingInvitations(trx, auth.orgId, 'role_id', id, at),
          };
          if (usage.users + usage.childRoles + usage.pendingInvitations > 0) {
            throw new AppError(
              'conflict',
              `The role is in use (${usage.users} users, ${usage.childRoles} child roles, ${usage.pendingInvitations} pending invitations). Move them to another role first, or delete with transferTo.`,
              { reason: 'in_use', ...usage },
            );
          }
          await detachSpentInvitations(trx, auth.orgId, 'role_id', id, at);
        }
        // Anything still referring to it (the access lock makes that rare) means in use, not a server error.
        await deleteRole(trx, id).catch(inUseOnForeignKey('role'));
        await recordAudit(trx, {
          orgId: auth.orgId,
          actorId: auth.userId,
          action: 'role.deleted',
          targetType: 'role',
          targetId: id,
          before: snapshot(existing),
          after: moved && { transferTo, moved },
          ip,
        });
      });
    },
  };
}
