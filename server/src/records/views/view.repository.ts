import type { Executor } from '../../db/database.js';

export interface ViewRow {
  id: string;
  module: string;
  name: string;
  owner_id: string;
  shared: boolean;
  filter: unknown;
  sort: Array<{ field: string; direction: 'asc' | 'desc' }>;
  columns: string[];
}

const columns = ['id', 'module', 'name', 'owner_id', 'shared', 'filter', 'sort', 'columns'] as const;

/** The caller's own views of a module and the shared ones, by name. */
export function listViews(executor: Executor, orgId: string, module: string, userId: string): Promise<ViewRow[]> {
  return executor
    .selectFrom('platform.list_views')
    .select(columns)
    .where('org_id', '=', orgId)
    .where('module', '=', module)
    .where((eb) => eb.or([eb('owner_id', '=', userId), eb('shared', '=', true)]))
    .orderBy('name')
    .orderBy('id')
    .execute() as Promise<ViewRow[]>;
}

export function findView(executor: Executor, orgId: string, id: string): Promise<ViewRow | undefined> {
  return executor
    .selectFrom('platform.list_views')
    .select(columns)
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst() as Promise<ViewRow | undefined>;
}

export async function insertView(executor: Executor, orgId: string, row: ViewRow, now: Date): Promise<void> {
  await executor
    .insertInto('platform.list_views')
    .values({
      id: row.id,
      org_id: orgId,
      module: row.module,
      name: row.name,
      owner_id: row.owner_id,
      shared: row.shared,
      filter: row.filter === null || row.filter === undefined ? null : JSON.stringify(row.filter),
      sort: JSON.stringify(row.sort),
      columns: JSON.stringify(row.columns),
      created_at: now,
      updated_at: now,
    })
    .execute();
}

export async function updateView(executor: Executor, orgId: string, row: ViewRow, now: Date): Promise<void> {
  await executor
    .updateTable('platform.list_views')
    .set({
      name: row.name,
      shared: row.shared,
      filter: row.filter === null || row.filter === undefined ? null : JSON.stringify(row.filter),
      sort: JSON.stringify(row.sort),
      columns: JSON.stringify(row.columns),
      updated_at: now,
    })
    .where('org_id', '=', orgId)
    .where('id', '=', row.id)
    .execute();
}

export async function deleteView(executor: Executor, orgId: string, id: string): Promise<void> {
  await executor.deleteFrom('platform.list_views').where('org_id', '=', orgId).where('id', '=', id).execute();
}
