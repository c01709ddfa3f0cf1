import type { AppContext } from '../context.js';
import type { AuthContext } from '../auth/auth-context.js';
import type { Executor } from '../../db/database.js';
import { recordAudit } from '../audit/audit.service.js';
import { badRequest, notFound } from '../http/app-error.js';
import { newId } from '../ids.js';
import { lockOrgAccess } from './access.repository.js';
import {
  deleteSharingRule,
  findSharingRule,
  insertSharingRule,
  listSharingRules,
  moduleExists,
  partyExists,
  updateSharingRule,
  type SharingRuleParty,
  type SharingRuleRow,
} from './sharing-rule.repository.js';

export interface SharingRuleInput {
  module?: string;
  name?: string;
  sourceType?: SharingRuleParty;
  sourceId?: string;
  targetType?: SharingRuleParty;
  targetId?: string;
  access?: 'read' | 'read_write';
}

const snapshot = (row: SharingRuleRow) => ({
  module: row.module,
  name: row.name,
  sourceType: row.source_type,
  sourceId: row.source_id,
  targetType: row.target_type,
  targetId: row.target_id,
  access: row.access,
});

/** Names of the roles and groups the rules point at, by id. */
async function partyNames(executor: Executor, orgId: string, rows: SharingRuleRow[]): Promise<Map<string, string>> {
  const ids = [...new Set(rows.flatMap((row) => [row.source_id, row.target_id]))];
  if (ids.length === 0) return new Map();
  const [roles, groups] = await Promise.all([
    executor.selectFrom('platform.roles').select(['id', 'name']).where('org_id', '=', orgId).where('id', 'in', ids).execute(),
    executor.selectFrom('platform.groups').select(['id', 'name']).where('org_id', '=', orgId).where('id', 'in', ids).execute(),
  ]);
  return new Map([...roles, ...groups].map((row) => [row.id, row.name]));
}

function present(row: SharingRuleRow, names: Map<string, string>) {
  return {
    ...snapshot(row),
    id: row.id,
    sourceName: names.get(row.source_id) ?? null,
    targetName: names.get(row.target_id) ?? null,
    createdAt: row.created_at.toISOString(),
  };
}

function cleanName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw badRequest('The name cannot be blank.', 'name');
  return trimmed;
}

/** Sharing rules: per module, records owned by a role, role branch or group are shared with another, read or read-write. */
export function createSharingRuleService({ database }: Pick<AppContext, 'database'>) {
  async function validateParties(trx: Executor, orgId: string, rule: Omit<SharingRuleRow, 'id' | 'created_at'>) {
    if (!(await moduleExists(trx, orgId, rule.module)))
      throw badRequest(`There is no module ${rule.module} in this organization.`, 'module');
    for (const side of ['source', 'target'] as const) {
      const type = rule[`${side}_type`];
      const id = rule[`${side}_id`];
      if (!(await partyExists(trx, orgId, type, id))) {
        throw badRequest(`There is no ${type === 'group' ? 'group' : 'role'} ${id} in this organization.`, `${side}Id`);
      }
    }
    if (rule.source_type === rule.target_type && rule.source_id === rule.target_id) {
      throw badRequest('A rule shares records with another role or group than the one that owns them.', 'targetId');
    }
  }

  async function presentOne(executor: Executor, orgId: string, row: SharingRuleRow) {
    return present(row, await partyNames(executor, orgId, [row]));
  }

  return {
    async list(auth: AuthContext) {
      const rows = await listSharingRules(database.db, auth.orgId);
      const names = await partyNames(database.db, auth.orgId, rows);
      return rows.map((row) => present(row, names));
    },

    async create(auth: AuthContext, input: Required<SharingRuleInput>, ip: string) {
      const rule = {
        id: newId(),
        module: input.module,
        name: cleanName(input.name),
        source_type: input.sourceType,
        source_id: input.sourceId,
        target_type: input.targetType,
        target_id: input.targetId,
        access: input.access,
      };
      return database.transaction('create-sharing-rule', async (trx) => {
        await lockOrgAccess(trx, auth.orgId);
        await validateParties(trx, auth.orgId, rule);
        await insertSharingRule(trx, auth.orgId, rule);
        const row = (await findSharingRule(trx, auth.orgId, rule.id))!;
        await recordAudit(trx, {
          orgId: auth.orgId,
          actorId: auth.userId,
          action: 'sharing_rule.created',
          targetType: 'sharing_rule',
          targetId: rule.id,
          after: snapshot(row),
          ip,
        });
        return presentOne(trx, auth.orgId, row);
      });
    },

    async update(auth: AuthContext, id: string, input: SharingRuleInput, ip: string) {
      const name = input.name === undefined ? undefined : cleanName(input.name);
      return database.transaction('update-sharing-rule', async (trx) => {
        await lockOrgAccess(trx, auth.orgId);
        const existing = await findSharingRule(trx, auth.orgId, id);
        if (!existing) throw notFound('The sharing rule');
        const next: SharingRuleRow = {
          ...existing,
          name: name ?? existing.name,
          source_type: input.sourceType ?? existing.source_type,
          source_id: input.sourceId ?? existing.source_id,
          target_type: input.targetType ?? existing.target_type,
          target_id: input.targetId ?? existing.target_id,
          access: input.access ?? existing.access,
        };
        const before = snapshot(existing);
        const after = snapshot(next);
        const changed = (Object.keys(after) as Array<keyof typeof after>).filter((key) => after[key] !== before[key]);
        if (changed.length === 0) return presentOne(trx, auth.orgId, existing);
        await validateParties(trx, auth.orgId, next);
        await updateSharingRule(trx, id, Object.fromEntries(changed.map((key) => [columnOf[key], after[key]])));
        await recordAudit(trx, {
          orgId: auth.orgId,
          actorId: auth.userId,
          action: 'sharing_rule.updated',
          targetType: 'sharing_rule',
          targetId: id,
          before: Object.fromEntries(changed.map((key) => [key, before[key]])),
          after: Object.fromEntries(changed.map((key) => [key, after[key]])),
          ip,
        });
        return presentOne(trx, auth.orgId, (await findSharingRule(trx, auth.orgId, id))!);
      });
    },

    async remove(auth: AuthContext, id: string, ip: string) {
      await database.transaction('delete-sharing-rule', async (trx) => {
        await lockOrgAccess(trx, auth.orgId);
        const existing = await findSharingRule(trx, auth.orgId, id);
        if (!existing) throw notFound('The sharing rule');
        await deleteSharingRule(trx, id);
        await recordAudit(trx, {
          orgId: auth.orgId,
          actorId: auth.userId,
          action: 'sharing_rule.deleted',
          targetType: 'sharing_rule',
          targetId: id,
          before: snapshot(existing),
          ip,
        });
      });
    },
  };
}

const columnOf = {
  module: 'module',
  name: 'name',
  sourceType: 'source_type',
  sourceId: 'source_id',
  targetType: 'target_type',
  targetId: 'target_id',
  access: 'access',
} as const;
