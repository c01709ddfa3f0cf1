import type { Executor } from '../../db/database.js';
import type { SharingRuleParty, SharingRulesTable } from '../../db/platform-schema.js';

export type { SharingRuleParty } from '../../db/platform-schema.js';
export type SharingRuleRow = Omit<SharingRulesTable, 'org_id' | 'created_at'> & { created_at: Date };

const columns = ['id', 'module', 'name', 'source_type', 'source_id', 'target_type', 'target_id', 'access', 'created_at'] as const;

export function listSharingRules(executor: Executor, orgId: string): Promise<SharingRuleRow[]> {
  return executor
    .selectFrom('platform.sharing_rules')
    .select(columns)
    .where('org_id', '=', orgId)
    .orderBy('module')
    .orderBy('name')
    .orderBy('id')
    .execute();
}

export function findSharingRule(executor: Executor, orgId: string, id: string): Promise<SharingRuleRow | undefined> {
  return executor.selectFrom('platform.sharing_rules').select(columns).where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

export async function insertSharingRule(executor: Executor, orgId: string, rule: Omit<SharingRuleRow, 'created_at'>): Promise<void> {
  await executor
    .insertInto('platform.sharing_rules')
    .values({ ...rule, org_id: orgId })
    .execute();
}

export async function updateSharingRule(executor: Executor, id: string, changes: Partial<Omit<SharingRuleRow, 'id' | 'created_at'>>) {
  await executor.updateTable('platform.sharing_rules').set(changes).where('id', '=', id).execute();
}

export async function deleteSharingRule(executor: Executor, id: string): Promise<void> {
  await executor.deleteFrom('platform.sharing_rules').where('id', '=', id).execute();
}

/** Whether a module with this API name exists in the organization. */
export async function moduleExists(executor: Executor, orgId: string, module: string): Promise<boolean> {
  const row = await executor
    .selectFrom('platform.modules')
    .select('id')
    .where('org_id', '=', orgId)
    .where('api_name', '=', module)
    .executeTakeFirst();
  return row !== undefined;
}

/** Whether the id is a role (role types) or group of the organization. */
export async function partyExists(executor: Executor, orgId: string, type: SharingRuleParty, id: string): Promise<boolean> {
  const table = type === 'group' ? 'platform.groups' : 'platform.roles';
  const row = await executor.selectFrom(table).select('id').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  return row !== undefined;
}
