import { deleteRecoveryCodes } from '../auth/recovery-codes.repository.js';
import type { AppContext } from '../context.js';
import type { AuthContext } from '../auth/auth-context.js';
import { endAllSessions } from '../auth/session.service.js';
import { lockOrgAccess } from '../access/access.repository.js';
import { changedKeys } from '../audit/audit-diff.js';
import { recordAudit } from '../audit/audit.service.js';
import { AppError, badRequest, notFound } from '../http/app-error.js';
import {
  countOtherActiveAdmins,
  findProfileBuiltin,
  findUser,
  listUsers,
  roleExists,
  updateUser,
  type UserRow,
} from './user.repository.js';

export interface UserChanges {
  name?: string;
  roleId?: string | null;
  profileId?: string;
  active?: boolean;
}

function present(row: UserRow) {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    active: row.active,
    roleId: row.role_id,
    profileId: row.profile_id,
    createdAt: row.created_at.toISOString(),
  };
}

const snapshot = (row: UserRow) => ({ name: row.name, roleId: row.role_id, profileId: row.profile_id, active: row.active });

/** The organization's users: everyone may list them (pickers), administrators change role, profile, name and active. */
export function createUserService({ database, now }: Pick<AppContext, 'database' | 'now'>) {
  return {
    async list(auth: AuthContext, filter: { q?: string; active?: boolean }) {
      return (await listUsers(database.db, auth.orgId, filter)).map(present);
    },

    async get(auth: AuthContext, id: string) {
      const row = await findUser(database.db, auth.orgId, id);
      if (!row) throw notFound('The user');
      return present(row);
    },

    async update(auth: AuthContext, id: string, changes: UserChanges, ip: string) {
      const name = changes.name === undefined ? undefined : changes.name.trim();
      if (name === '') throw badRequest('The name cannot be blank.', 'name');
      return database.transaction('update-user', async (trx) => {
        await lockOrgAccess(trx, auth.orgId);
        const existing = await findUser(trx, auth.orgId, id);
        if (!existing) throw notFound('The user');
        if (changes.roleId && !(await roleExists(trx, auth.orgId, changes.roleId)))
          throw badRequest('The role does not exist in this organization.', 'roleId');
        let willBeAdmin = existing.is_admin;
        if (changes.profileId !== undefined) {
          const profile = await findProfileBuiltin(trx, auth.orgId, changes.profileId);
          if (!profile) throw badRequest('The profile does not exist in this organization.', 'profileId');
          willBeAdmin = profile.builtin === 'administrator';
        }
        if (changes.active === false && id === auth.userId) {
          throw new AppError('conflict', 'You cannot deactivate yourself. Ask another administrator.', {
            reason: 'self_deactivation',
            field: 'active',
          });
        }
        const staysActiveAdmin = willBeAdmin && (changes.active ?? existing.active);
        if (existing.is_admin && existing.active && !staysActiveAdmin && (await countOtherActiveAdmins(trx, auth.orgId, id)) === 0) {
          throw new AppError('conflict', 'This is the last active administrator: make someone else an administrator first.', {
            reason: 'last_administrator',
          });
        }
        const diff = changedKeys(snapshot(existing), {
          name,
          roleId: changes.roleId,
          profileId: changes.profileId,
          active: changes.active,
        });
        if (!diff) return present(existing);
        const at = now();
        await updateUser(trx, id, {
          name: diff.after.name,
          role_id: diff.after.roleId,
          profile_id: diff.after.profileId,
          active: diff.after.active,
          updated_at: at,
        });
        const { active: activeBefore, ...otherBefore } = diff.before;
        const { active: activeAfter, ...otherAfter } = diff.after;
        const audit = { orgId: auth.orgId, actorId: auth.userId, targetType: 'user', targetId: id, ip };
        if (Object.keys(otherAfter).length > 0)
          await recordAudit(trx, { ...audit, action: 'user.updated', before: otherBefore, after: otherAfter });
        if (activeAfter === false) {
          // Their data stays; only their ways in end.
          await endAllSessions(trx, id, { revokeTokens: true, now: at });
          await recordAudit(trx, { ...audit, action: 'user.deactivated', before: { active: activeBefore }, after: { active: false } });
        } else if (activeAfter === true) {
          await recordAudit(trx, { ...audit, action: 'user.reactivated', before: { active: activeBefore }, after: { active: true } });
        }
        return present((await findUser(trx, auth.orgId, id))!);
      });
    },

    /** For a user who lost their authenticator: two-factor off, secret forgotten; they set it up again themselves. */
    async resetTwoFactor(auth: AuthContext, id: string, ip: string) {
      await database.transaction('reset-two-factor', async (trx) => {
        const existing = await findUser(trx, auth.orgId, id);
        if (!existing) throw notFound('The user');
        await updateUser(trx, id, { totp_enabled: false, totp_secret: null, updated_at: now() });
        await deleteRecoveryCodes(trx, id);
        await recordAudit(trx, {
          orgId: auth.orgId,
          actorId: auth.userId,
          action: 'user.two_factor_reset',
          targetType: 'user',
          targetId: id,
          ip,
        });
      });
    },
  };
}
