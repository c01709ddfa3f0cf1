import type { Executor } from '../../db/database.js';
import type { FieldsTable, ModulesTable } from '../../db/platform-schema.js';
import type { Insertable, Selectable, Updateable } from 'kysely';

export type ModuleRow = Selectable<ModulesTable>;
export type FieldRow = Selectable<FieldsTable>;

export function listModuleRows(executor: Executor, orgId: string) {
  return executor.selectFrom('platform.modules').selectAll().where('org_id', '=', orgId).orderBy('position').execute();
}

export function listFieldRows(executor: Executor, orgId: string) {
  return executor.selectFrom('platform.fields').selectAll().where('org_id', '=', orgId).orderBy('position').execute();
}

export function listValidationRuleRows(executor: Executor, orgId: string) {
  return executor.selectFrom('platform.validation_rules').selectAll().where('org_id', '=', orgId).orderBy('created_at').execute();
}

export async function insertModule(executor: Executor, row: Insertable<ModulesTable>): Promise<void> {
  await executor.insertInto('platform.modules').values(row).execute();
}

export async function insertFields(executor: Executor, rows: Array<Insertable<FieldsTable>>): Promise<void> {
  if (rows.length === 0) return;
  await executor.insertInto('platform.fields').values(rows).execute();
}

export async function updateModuleRow(executor: Executor, orgId: string, id: string, changes: Updateable<ModulesTable>): Promise<void> {
  await executor
    .updateTable('platform.modules')
    .set({ ...changes, updated_at: new Date() })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .execute();
}

export async function updateFieldRow(executor: Executor, orgId: string, id: string, changes: Updateable<FieldsTable>): Promise<void> {
  await executor
    .updateTable('platform.fields')
    .set({ ...changes, updated_at: new Date() })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .execute();
}

export async function maxModulePosition(executor: Executor, orgId: string): Promise<number> {
  const row = await executor
    .selectFrom('platform.modules')
    .select((eb) => eb.fn.max('position').as('max'))
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  return Number(row?.max ?? 0);
}

export async function setCatalogVersion(executor: Executor, orgId: string, version: string): Promise<void> {
  await executor.updateTable('platform.organizations').set({ catalog_version: version }).where('id', '=', orgId).execute();
}

export function listOrgsBehindCatalog(executor: Executor, version: string) {
  return executor
    .selectFrom('platform.organizations')
    .select(['id', 'schema_name'])
    .where((eb) => eb.or([eb('catalog_version', 'is', null), eb('catalog_version', '!=', version)]))
    .execute();
}
