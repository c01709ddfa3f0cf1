import type { Executor } from '../../db/database.js';

export interface FileRow {
  id: string;
  org_id: string;
  name: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  storage_key: string;
  module: string | null;
  record_id: string | null;
  created_by: string | null;
  created_at: Date;
}

const fileColumns = [
  'id',
  'org_id',
  'name',
  'content_type',
  'size_bytes',
  'sha256',
  'storage_key',
  'module',
  'record_id',
  'created_by',
  'created_at',
] as const;

export async function insertFile(executor: Executor, row: Omit<FileRow, 'created_at'> & { created_at: Date }) {
  await executor.insertInto('platform.files').values(row).execute();
}

/** A file of the organization that is not deleted. */
export function findFile(executor: Executor, orgId: string, id: string): Promise<FileRow | undefined> {
  return executor
    .selectFrom('platform.files')
    .select(fileColumns)
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

export function listFilesFor(executor: Executor, orgId: string, module: string, recordId: string): Promise<FileRow[]> {
  return executor
    .selectFrom('platform.files')
    .select(fileColumns)
    .where('org_id', '=', orgId)
    .where('module', '=', module)
    .where('record_id', '=', recordId)
    .where('deleted_at', 'is', null)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** Marks a file deleted; returns whether it was there. */
export async function markFileDeleted(executor: Executor, orgId: string, id: string, now: Date): Promise<boolean> {
  const result = await executor
    .updateTable('platform.files')
    .set({ deleted_at: now })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Files deleted before `before`, oldest first: their stored objects can go. */
export function listPurgeable(executor: Executor, before: Date, limit: number) {
  return executor
    .selectFrom('platform.files')
    .select(['id', 'storage_key'])
    .where('deleted_at', '<', before)
    .orderBy('deleted_at')
    .limit(limit)
    .execute();
}

export async function deleteFileRow(executor: Executor, id: string) {
  await executor.deleteFrom('platform.files').where('id', '=', id).execute();
}
