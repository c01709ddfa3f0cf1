import type { AppContext } from '../context.js';
import type { AuthContext } from '../auth/auth-context.js';
import type { Trx } from '../../db/database.js';
import type { FieldPermissions, ModulePermissions } from '../../db/platform-schema.js';
import { isUniqueViolation } from '../../db/pg-errors.js';
import { changedKeys } from '../audit/audit-diff.js';
import { recordAudit } from '../audit/audit.service.js';
import { AppError, badRequest, notFound } from '../http/app-error.js';
import { newId } from '../ids.js';
import { MODULE_ACTIONS, MODULE_NAME_PATTERN } from './access.service.js';
import { countPendingInvitations, detachSpentInvitations, inUseOnForeignKey, lockOrgAccess } from './access.repository.js';
import {
  deleteProfile,
  findProfile,
  findProfileByName,
  insertProfile,
  listProfiles,
  updateProfile,
  type ProfileRow,
} from './profile.repository.js';

const FIELD_NAME_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;

export interface ProfileInput {
  name?: string;
  description?: string | null;
  modules?: ModulePermissions;
  fields?: FieldPermissions;
}

function present(row: ProfileRow) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    builtin: (row.builtin as 'administrator' | 'standard' | null) ?? null,
    modules: row.module_permissions as Record<string, Record<(typeof MODULE_ACTIONS)[number], boolean>>,
    fields: row.field_permissions,
    userCount: row.user_count,
    createdAt: row.created_at.toISOString(),
  };
}

const snapshot = (row: ProfileRow) => ({
  name: row.name,
  description: row.description,
  modules: row.module_permissions,
  fields: row.field_permissions,
});

const nameTaken = () => new AppError('conflict', 'Another profile already has this name.', { field: 'name' });

function cleanName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw badRequest('The name cannot be blank.', 'name');
  return trimmed;
}

/** Module keys are '*' or module API names; field maps name real modules and fields. Empty field maps are dropped. */
export function validatePermissions(input: { modules?: ModulePermissions; fields?: FieldPermissions }): {
  modules?: ModulePermissions;
  fields?: FieldPermissions;
} {
  if (input.modules) {
    for (const module of Object.keys(input.modules)) {
      if (module !== '*' && !MODULE_NAME_PATTERN.test(module)) {
        throw badRequest(
          `"${module}" is not a module API name (lower case letters, digits and _; or "*" for every module).`,
          `modules.${module}`,
        );
      }
    }
  }
  let fields: FieldPermissions | undefined;
  if (input.fields) {
    fields = {};
    for (const [module, perModule] of Object.entries(input.fields)) {
      if (!MODULE_NAME_PATTERN.test(module)) throw badRequest(`"${module}" is not a module API name.`, `fields.${module}`);
      for (const field of Object.keys(perModule)) {
        if (!FIELD_NAME_PATTERN.test(field)) throw badRequest(`"${field}" is not a field API name.`, `fields.${module}.${field}`);
      }
      if (Object.keys(perModule).length > 0) fields[module] = perModule;
    }
  }
  return { modules: input.modules, fields };
}

/** The Administrator keeps full access: every action on '*' and on every named module, no field restrictions. */
function assertFullAccess(input: { modules?: ModulePermissions; fields?: FieldPermissions }): void {
  if (input.modules) {
    const all = input.modules['*'];
    const full = (actions: ModulePermissions[string] | undefined) =>
      !!actions && MODULE_ACTIONS.every((action) => actions[action] === true);
    if (!full(all) || !Object.values(input.modules).every(full)) {
      throw badRequest(
        'The Administrator profile keeps every permission on every module ("*" included); clone it to make a restricted profile.',
        'modules',
      );
    }
  }
  if (input.fields && Object.keys(input.fields).length > 0) {
    throw badRequest('The Administrator profile cannot hide or lock fields; clone it to make a restricted profile.', 'fields');
  }
}

/** Profiles say what a user may do per module (create, read, edit, delete, import, export) and per field (hidden, read-only). */
export function createProfileService({ database, now }: Pick<AppContext, 'database' | 'now'>) {
  async function write<T>(label: string, fn: (trx: Trx) => Promise<T>): Promise<T> {
    try {
      return await database.transaction(label, fn);
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken();
      throw error;
    }
  }

  async function getProfile(trx: Trx | typeof database.db, orgId: string, id: string): Promise<ProfileRow> {
    const row = await findProfile(trx, orgId, id);
    if (!row) throw notFound('The profile');
    return row;
  }

  async function insertAudited(
    trx: Trx,
    auth: AuthContext,
    values: { name: string; description: string | null; modules: ModulePermissions; fields: FieldPermissions },
    ip: string,
    extra?: object,
  ) {
    if (await findProfileByName(trx, auth.orgId, values.name)) throw nameTaken();
    const id = newId();
    await insertProfile(trx, { id, orgId: auth.orgId, ...values });
    const row = (await findProfile(trx, auth.orgId, id))!;
    await recordAudit(trx, {
      orgId: auth.orgId,
      actorId: auth.userId,
      action: 'profile.created',
      targetType: 'profile',
      targetId: id,
      after: { ...snapshot(row), ...extra },
      ip,
    });
    return present(row);
  }

  return {
    async list(auth: AuthContext) {
      return (await listProfiles(database.db, auth.orgId)).map(present);
    },

    async get(auth: AuthContext, id: string) {
      return present(await getProfile(database.db, auth.orgId, id));
    },

    async create(
      auth: AuthContext,
      input: { name: string; description?: string | null; modules: ModulePermissions; fields?: FieldPermissions },
      ip: string,
    ) {
      const name = cleanName(input.name);
      const { modules, fields } = validatePermissions(input);
      return write('create-profile', async (trx) => {
        await lockOrgAccess(trx, auth.orgId);
        return insertAudited(
          trx,
          auth,
          { name, description: input.description?.trim() || null, modules: modules!, fields: fields ?? {} },
          ip,
        );
      });
    },

    async clone(auth: AuthContext, id: string, input: { name?: string; description?: string | null }, ip: string) {
      const requested = input.name === undefined ? undefined : cleanName(input.name);
      return write('clone-profile', async (trx) => {
        await lockOrgAccess(trx, auth.orgId);
        const source = await getProfile(trx, auth.orgId, id);
        let name = requested;
        if (name === undefined) {
          // "Sales (copy)", then "Sales (copy 2)", … until a free name.
          for (let n = 1; ; n++) {
            const candidate = `${source.name} (copy${n === 1 ? '' : ` ${n}`})`.slice(0, 100);
            if (!(await findProfileByName(trx, auth.orgId, candidate))) {
              name = candidate;
              break;
            }
          }
        }
        const description = input.description === undefined ? source.description : input.description?.trim() || null;
        return insertAudited(trx, auth, { name, description, modules: source.module_permissions, fields: source.field_permissions }, ip, {
          clonedFrom: id,
        });
      });
    },

    async update(auth: AuthContext, id: string, input: ProfileInput, ip: string) {
      const name = input.name === undefined ? undefined : cleanName(input.name);
      const { modules, fields } = validatePermissions(input);
      return write('update-profile', async (trx) => {
        await lockOrgAccess(trx, auth.orgId);
        const existing = await getProfile(trx, auth.orgId, id);
        if (existing.builtin === 'administrator') assertFullAccess({ modules, fields });
        if (name !== undefined && (await findProfileByName(trx, auth.orgId, name, id))) throw nameTaken();
        const description = input.description === undefined ? undefined : input.description?.trim() || null;
        const diff = changedKeys(snapshot(existing), { name, description, modules, fields });
        if (!diff) return present(existing);
        await updateProfile(trx, id, diff.after);
        await recordAudit(trx, {
          orgId: auth.orgId,
          actorId: auth.userId,
          action: 'profile.updated',
          targetType: 'profile',
          targetId: id,
          ...diff,
          ip,
        });
        return present((await findProfile(trx, auth.orgId, id))!);
      });
    },

    /** Built-in profiles stay; a profile with users or pending invitations answers 409. */
    async remove(auth: AuthContext, id: string, ip: string) {
      const at = now();
      await database.transaction('delete-profile', async (trx) => {
        await lockOrgAccess(trx, auth.orgId);
        const existing = await getProfile(trx, auth.orgId, id);
        if (existing.builtin)
          throw new AppError('conflict', `The built-in ${existing.name} profile cannot be deleted.`, { reason: 'builtin' });
        const pendingInvitations = await countPendingInvitations(trx, auth.orgId, 'profile_id', id, at);
        if (existing.user_count + pendingInvitations > 0) {
          throw new AppError(
            'conflict',
            `The profile is in use (${existing.user_count} users, ${pendingInvitations} pending invitations). Give them another profile first.`,
            { reason: 'in_use', users: existing.user_count, pendingInvitations },
          );
        }
        await detachSpentInvitations(trx, auth.orgId, 'profile_id', id, at);
        // Anything still referring to it (the access lock makes that rare) means in use, not a server error.
        await deleteProfile(trx, id).catch(inUseOnForeignKey('profile'));
        await recordAudit(trx, {
          orgId: auth.orgId,
          actorId: auth.userId,
          action: 'profile.deleted',
          targetType: 'profile',
          targetId: id,
          before: snapshot(existing),
          ip,
        });
      });
    },
  };
}
