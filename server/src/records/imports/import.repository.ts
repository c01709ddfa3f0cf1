import { sql } from 'kysely';
import type { Executor, Trx } from '../../db/database.js';
import type { ImportsTable } from '../../db/platform-schema.js';
import type { Mapping } from './import-mapping.js';

export type ImportRow = Awaited<ReturnType<typeof findImport>> & object;

export function findImport(executor: Executor, orgId: string, id: string) {
  return executor.selectFrom('platform.imports').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

export function findImportById(executor: Executor, id: string) {
  return executor.selectFrom('platform.imports').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listImports(executor: Executor, orgId: string, module: string | undefined, limit: number) {
  let query = executor.selectFrom('platform.imports').selectAll().where('org_id', '=', orgId);
  if (module) query = query.where('module', '=', module);
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

export async function insertImport(
  executor: Executor,
  row: Pick<ImportsTable, 'id' | 'org_id' | 'user_id' | 'module' | 'file_name' | 'file_type' | 'mode' | 'key_field' | 'dry_run'> & {
    mapping: Mapping;
    headers: string[];
    unmapped: string[];
    created_at: Date;
  },
) {
  await executor
    .insertInto('platform.imports')
    .values({
      ...row,
      mapping: JSON.stringify(row.mapping),
      headers: JSON.stringify(row.headers),
      unmapped: JSON.stringify(row.unmapped),
      status: 'queued',
    })
    .execute();
}

type ImportChange = Partial<Pick<ImportsTable, 'status' | 'message' | 'total_rows'>> & { started_at?: Date; finished_at?: Date };
const UNFINISHED = ['queued', 'running'] as const;

export async function updateImport(executor: Executor, id: string, set: ImportChange) {
  await executor.updateTable('platform.imports').set(set).where('id', '=', id).execute();
}

/** Marks an import done or failed unless it already is (another runner may have finished it). */
export async function finishImport(executor: Executor, id: string, set: ImportChange & { status: 'done' | 'failed'; finished_at: Date }) {
  await executor.updateTable('platform.imports').set(set).where('id', '=', id).where('status', 'in', UNFINISHED).execute();
}

/** A runner takes the import: running, with a first sign of life; false when it is finished already (another runner). */
export async function startImport(executor: Executor, id: string, now: Date): Promise<boolean> {
  const row = await executor
    .updateTable('platform.imports')
    .set({ status: 'running', started_at: sql<Date>`coalesce(started_at, ${now})`, heartbeat_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('status', 'in', UNFINISHED)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** A runner's sign of life (a runner that has the import beats; see claimStaleImports). */
export async function beatImport(executor: Executor, id: string) {
  await executor
    .updateTable('platform.imports')
    .set({ heartbeat_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('status', 'in', UNFINISHED)
    .execute();
}

/** A runner that stops before the end (its node is stopping) lets the next look take the import at once. */
export async function releaseImport(executor: Executor, id: string) {
  await executor
    .updateTable('platform.imports')
    .set({ heartbeat_at: sql<Date>`'-infinity'` })
    .where('id', '=', id)
    .where('status', 'in', UNFINISHED)
    .execute();
}

/** The import's progress, locked until the batch's transaction ends: one runner writes a batch at a time. */
export function lockImportProgress(trx: Trx, id: string) {
  return trx.selectFrom('platform.imports').select(['rows_read', 'status']).where('id', '=', id).forUpdate().executeTakeFirst();
}

/**
 * Unfinished imports whose runner went silent for `staleSeconds` (its node died or stopped): their heartbeat is
 * cleared (no runner has them) and their ids returned, for the caller to queue a run in the same transaction. An
 * import whose batch is being written is locked and skipped.
 */
export async function claimStaleImports(trx: Trx, staleSeconds: number, limit = 100): Promise<string[]> {
  const result = await sql<{ id: string }>`
    UPDATE platform.imports SET heartbeat_at = NULL
    WHERE id IN (SELECT id FROM platform.imports
                 WHERE status IN ('queued', 'running') AND heartbeat_at < now() - make_interval(secs => ${staleSeconds})
                 ORDER BY heartbeat_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    RETURNING id`.execute(trx);
  return result.rows.map((row) => row.id);
}

/** Adds a batch's outcome to the import's counters (in the batch's transaction). */
export async function addProgress(
  trx: Trx,
  id: string,
  delta: { rowsRead: number; created: number; updated: number; skipped: number; failed: number; warnings: number },
) {
  await trx
    .updateTable('platform.imports')
    .set({
      heartbeat_at: sql<Date>`now()`,
      rows_read: delta.rowsRead,
      created: sql`created + ${delta.created}`,
      updated: sql`updated + ${delta.updated}`,
      skipped: sql`skipped + ${delta.skipped}`,
      failed: sql`failed + ${delta.failed}`,
      warnings: sql`warnings + ${delta.warnings}`,
    })
    .where('id', '=', id)
    .execute();
}

export async function insertImportErrors(
  trx: Trx,
  importId: string,
  rows: Array<{ row: number; errors: Array<{ field: string | null; message: string }>; cells: string[] }>,
) {
  if (rows.length === 0) return;
  await trx
    .insertInto('platform.import_errors')
    .values(rows.map((r) => ({ import_id: importId, row_number: r.row, errors: JSON.stringify(r.errors), cells: JSON.stringify(r.cells) })))
    .onConflict((oc) => oc.columns(['import_id', 'row_number']).doNothing())
    .execute();
}

/** Failed rows in file order, after `afterRow` (keyset pages). */
export function listImportErrors(executor: Executor, importId: string, afterRow: number, limit: number) {
  return executor
    .selectFrom('platform.import_errors')
    .select(['row_number', 'errors', 'cells'])
    .where('import_id', '=', importId)
    .where('row_number', '>', afterRow)
    .orderBy('row_number')
    .limit(limit)
    .execute();
}

export async function findRememberedMapping(executor: Executor, orgId: string, module: string): Promise<Mapping | null> {
  const row = await executor
    .selectFrom('platform.import_mappings')
    .select('mapping')
    .where('org_id', '=', orgId)
    .where('module', '=', module)
    .executeTakeFirst();
  return (row?.mapping as Mapping | undefined) ?? null;
}

export async function rememberMapping(executor: Executor, orgId: string, module: string, mapping: Mapping, now: Date) {
  await executor
    .insertInto('platform.import_mappings')
    .values({ org_id: orgId, module, mapping: JSON.stringify(mapping), updated_at: now })
    .onConflict((oc) => oc.columns(['org_id', 'module']).doUpdateSet({ mapping: JSON.stringify(mapping), updated_at: now }))
    .execute();
}

/** Active users of the organization (to match owner names, e-mail addresses and ids). */
export function listActiveUsers(executor: Executor, orgId: string) {
  return executor
    .selectFrom('platform.users as u')
    .leftJoin('platform.user_emails as e', 'e.user_id', 'u.id')
    .select(['u.id', 'u.name', 'e.email'])
    .where('u.org_id', '=', orgId)
    .where('u.active', '=', true)
    .execute();
}

/** Live records whose `key` matches one of `values` (case-insensitive), visible under `ownerIds` (null: all). */
export async function findRecordsByKey(
  trx: Trx,
  target: { schema: string; table: string; key: string },
  values: string[],
  ownerIds: string[] | null,
): Promise<Array<{ id: string; key: string }>> {
  if (values.length === 0) return [];
  const table = sql.table(`${target.schema}.${target.table}`);
  const column = sql.ref(`r.${target.key}`);
  const match = target.key === 'id' ? sql`r.id = ANY(${values}::uuid[])` : sql`lower(${column}::text) = ANY(${values}::text[])`;
  const owner = ownerIds ? sql`AND r.owner_id = ANY(${ownerIds}::uuid[])` : sql``;
  const result = await sql<{ id: string; key: string }>`
    SELECT r.id, lower(${column}::text) AS key FROM ${table} r
    WHERE ${match} AND r.deleted_at IS NULL ${owner}`.execute(trx);
  return result.rows;
}
