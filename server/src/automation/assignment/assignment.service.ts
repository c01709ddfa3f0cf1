import type { AppContext } from '../../platform/context.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import { AppError, badRequest, notFound } from '../../platform/http/app-error.js';
import { newId } from '../../platform/ids.js';
import { isUniqueViolation } from '../../db/pg-errors.js';
import { recordAudit } from '../../platform/audit/audit.service.js';
import { getModule, type MetadataStore, type ModuleMeta, type OrgMetadata } from '../../records/index.js';
import { deleteRule, findOrgIds, findRule, insertRule, listRules, updateRule, type AssignmentRuleRow } from './assignment.repository.js';
import type {
  AssignmentEntry,
  AssignmentEntryInput,
  AssignmentRule,
  CreateAssignmentRuleBody,
  UpdateAssignmentRuleBody,
} from './assignment.schemas.js';
import type { Executor } from '../../db/database.js';
import { settingsPermission } from '../settings-permission.js';
import { assertCriteria } from '../criteria.js';

/**
 * Assignment rules are settings, not records: administrators manage them, and so does a profile that names the
 * key `automation_assignment` (`read` lists them, `edit` or `create` changes them; the profile's '*' entry does not count).
 */
export const ASSIGNMENT_PERMISSION = 'automation_assignment';

const assertAllowed = settingsPermission(ASSIGNMENT_PERMISSION, 'assignment rules');

function present(row: AssignmentRuleRow): AssignmentRule {
  return {
    id: row.id,
    module: row.module,
    name: row.name,
    active: row.active,
    entries: row.entries,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

const activeTaken = () =>
  new AppError('conflict', 'This module already has an active assignment rule; deactivate it first.', { reason: 'active_rule_exists' });

export function createAssignmentService(ctx: AppContext, deps: { metadata: MetadataStore }) {
  const { database } = ctx;
  const metadataOf = (auth: AuthContext) => deps.metadata.get(auth.orgId, auth.orgSchema);

  /** Checks the entries against the module and the organization and gives each one an id. */
  async function prepareEntries(
    executor: Executor,
    auth: AuthContext,
    metadata: OrgMetadata,
    module: ModuleMeta,
    entries: AssignmentEntryInput[],
  ): Promise<AssignmentEntry[]> {
    const seen = new Set<string>();
    const wanted = { users: new Set<string>(), roles: new Set<string>(), groups: new Set<string>() };
    const prepared = entries.map((entry, index): AssignmentEntry => {
      const path = `entries.${index}`;
      const { target } = entry;
      const pools = [target.userIds, target.roleId, target.groupId].filter((pool) => pool !== undefined).length;
      if (target.type === 'user') {
        if (!target.userId || pools > 0) throw badRequest('A "user" target names one userId and no pool.', `${path}.target`);
        wanted.users.add(target.userId);
      } else {
        if (target.userId !== undefined || pools !== 1)
          throw badRequest(`A "${target.type}" target takes exactly one pool: userIds, roleId or groupId.`, `${path}.target`);
        target.userIds?.forEach((id) => wanted.users.add(id));
        if (target.roleId) wanted.roles.add(target.roleId);
        if (target.groupId) wanted.groups.add(target.groupId);
      }
      const criteria = entry.criteria ?? null;
      assertCriteria(criteria, module, metadata, `${path}.criteria`);
      const id = entry.id && !seen.has(entry.id) ? entry.id : newId();
      seen.add(id);
      return { id, criteria, target, followUpTask: entry.followUpTask ?? null };
    });
    for (const kind of ['users', 'roles', 'groups'] as const) {
      const ids = [...wanted[kind]];
      const found = await findOrgIds(executor, auth.orgId, kind, ids);
      const missing = ids.find((id) => !found.has(id));
      if (missing) throw badRequest(`No ${kind.slice(0, -1)} of the organization has the id ${missing}.`, 'entries');
    }
    return prepared;
  }

  async function list(auth: AuthContext, module?: string): Promise<AssignmentRule[]> {
    assertAllowed(auth, 'read');
    return (await listRules(database.db, auth.orgSchema, module)).map(present);
  }

  async function get(auth: AuthContext, id: string): Promise<AssignmentRule> {
    assertAllowed(auth, 'read');
    const row = await findRule(database.db, auth.orgSchema, id);
    if (!row) throw notFound('The assignment rule');
    return present(row);
  }

  async function create(auth: AuthContext, body: CreateAssignmentRuleBody): Promise<AssignmentRule> {
    assertAllowed(auth, 'write');
    const metadata = await metadataOf(auth);
    const module = assignableModule(metadata, body.module);
    return database.transaction('automation.assignment.create', async (trx) => {
      const now = ctx.now();
      const row: AssignmentRuleRow = {
        id: newId(),
        module: module.apiName,
        name: body.name.trim(),
        active: body.active ?? true,
        entries: await prepareEntries(trx, auth, metadata, module, body.entries),
        created_by: auth.userId,
        created_at: now,
        updated_at: now,
      };
      try {
        await insertRule(trx, auth.orgSchema, row);
      } catch (error) {
        if (isUniqueViolation(error)) throw activeTaken();
        throw error;
      }
      const after = present(row);
      await recordAudit(trx, {
        orgId: auth.orgId,
        actorId: auth.userId,
        action: 'assignment_rule.created',
        targetType: 'assignment_rule',
        targetId: row.id,
        after,
      });
      return after;
    });
  }

  async function update(auth: AuthContext, id: string, body: UpdateAssignmentRuleBody): Promise<AssignmentRule> {
    assertAllowed(auth, 'write');
    const metadata = await metadataOf(auth);
    return database.transaction('automation.assignment.update', async (trx) => {
      const row = await findRule(trx, auth.orgSchema, id, true);
      if (!row) throw notFound('The assignment rule');
      const module = assignableModule(metadata, row.module);
      const changed = {
        name: body.name?.trim() ?? row.name,
        active: body.active ?? row.active,
        entries: body.entries ? await prepareEntries(trx, auth, metadata, module, body.entries) : row.entries,
        updated_at: ctx.now(),
      };
      try {
        await updateRule(trx, auth.orgSchema, id, changed);
      } catch (error) {
        if (isUniqueViolation(error)) throw activeTaken();
        throw error;
      }
      const after = present({ ...row, ...changed });
      await recordAudit(trx, {
        orgId: auth.orgId,
        actorId: auth.userId,
        action: 'assignment_rule.updated',
        targetType: 'assignment_rule',
        targetId: id,
        before: present(row),
        after,
      });
      return after;
    });
  }

  async function remove(auth: AuthContext, id: string): Promise<void> {
    assertAllowed(auth, 'write');
    await database.transaction('automation.assignment.delete', async (trx) => {
      const row = await findRule(trx, auth.orgSchema, id, true);
      if (!row || !(await deleteRule(trx, auth.orgSchema, id))) throw notFound('The assignment rule');
      await recordAudit(trx, {
        orgId: auth.orgId,
        actorId: auth.userId,
        action: 'assignment_rule.deleted',
        targetType: 'assignment_rule',
        targetId: id,
        before: present(row),
      });
    });
  }

  return { list, get, create, update, remove };
}

/** A module whose records have an owner (every module but the hidden ones). */
function assignableModule(metadata: OrgMetadata, apiName: string): ModuleMeta {
  try {
    const module = getModule(metadata, apiName);
    if (!module.fields.some((field) => field.apiName === 'owner_id')) throw new Error('no owner');
    return module;
  } catch {
    throw badRequest(`"${apiName}" is not a module whose records have an owner.`, 'module');
  }
}

export type AssignmentService = ReturnType<typeof createAssignmentService>;
