import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import { badRequest } from '../../platform/http/app-error.js';
import { qualifiedTable, quoteIdent } from '../metadata/ddl.js';
import { valueFamily } from '../metadata/field-types.js';
import type { FieldMeta, FieldOptions, ModuleMeta, OrgMetadata } from '../metadata/metadata.types.js';

/**
 * Roll-up fields: a stored number on a parent record, the sum / count / min /
 * max of a field of the child records whose lookup (`via`) points at it
 * (accounts.total_won = sum(deals.amount) over deals.account_id). The records
 * service calls `recomputeRollups` in the same transaction as every child
 * write (create, update, delete, restore), for the old and the new parent.
 */

export type RollupSpec = NonNullable<FieldOptions['rollup']>;

const BATCH = 1000;

/** Checks a roll-up's settings against the metadata: 400 naming options.rollup.* when they do not fit. */
export function checkRollupOptions(metadata: OrgMetadata, module: ModuleMeta, options: FieldOptions): void {
  const spec = options.rollup;
  if (!spec) throw badRequest('A roll-up needs options.rollup {module, via, fn, field}.', 'options.rollup');
  const child = metadata.modules.get(spec.module);
  if (!child) throw badRequest(`There is no module ${spec.module}.`, 'options.rollup.module');
  const via = child.fields.find((field) => field.apiName === spec.via);
  if (!via || via.type !== 'lookup' || via.options.target !== module.apiName)
    throw badRequest(`${spec.via} is not a lookup of ${spec.module} pointing at ${module.apiName}.`, 'options.rollup.via');
  if (spec.fn === 'count') {
    if (spec.field !== undefined) throw badRequest('count counts records: it takes no field.', 'options.rollup.field');
    options.scale = 0; // a count is a whole number
    return;
  }
  const field = child.fields.find((candidate) => candidate.apiName === spec.field);
  if (!field || valueFamily(field.type, field.options.returnType) !== 'number')
    throw badRequest(`${spec.fn} needs a number field of ${spec.module}.`, 'options.rollup.field');
}

/** The aggregate over the live children of the parent row `p` (alias). */
function aggregateSql(metadata: OrgMetadata, spec: RollupSpec, scale: number): string {
  const child = metadata.modules.get(spec.module)!;
  const from = `${qualifiedTable(metadata.schema, child.table)} c WHERE c.${quoteIdent(spec.via)} = p.id AND c.deleted_at IS NULL`;
  if (spec.fn === 'count') return `(SELECT count(*) FROM ${from})`;
  const value = `c.${quoteIdent(spec.field!)}`;
  const aggregate = spec.fn === 'sum' ? `coalesce(sum(${value}), 0)` : `${spec.fn}(${value})`;
  return `(SELECT round(${aggregate}::numeric, ${scale}) FROM ${from})`;
}

/** Roll-ups of any module fed by this child module: [parent module, field]. */
export function rollupsFedBy(
  metadata: OrgMetadata,
  childModule: string,
): Array<{ parent: ModuleMeta; field: FieldMeta; spec: RollupSpec }> {
  const found: Array<{ parent: ModuleMeta; field: FieldMeta; spec: RollupSpec }> = [];
  for (const parent of metadata.modules.values()) {
    for (const field of parent.fields) {
      const spec = field.options.rollup;
      if (field.type === 'rollup' && spec && spec.module === childModule) found.push({ parent, field, spec });
    }
  }
  return found;
}

async function recompute(executor: Executor, metadata: OrgMetadata, parent: ModuleMeta, field: FieldMeta, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const table = qualifiedTable(metadata.schema, parent.table);
  // Lock the parents first: the UPDATE then reads children committed by writers that held the lock before us.
  await sql`SELECT id FROM ${sql.raw(table)} WHERE id = ANY(${ids}::uuid[]) ORDER BY id FOR UPDATE`.execute(executor);
  const value = aggregateSql(metadata, field.options.rollup!, field.options.scale ?? 2);
  await sql`UPDATE ${sql.raw(table)} p SET ${sql.raw(quoteIdent(field.apiName))} = ${sql.raw(value)} WHERE p.id = ANY(${ids}::uuid[])`.execute(
    executor,
  );
}

/**
 * After child records of `childModule` changed: recomputes every roll-up they
 * feed, on the parents they pointed at before and after. `before`/`after` are
 * stored rows (null when the record did not exist / is gone).
 */
export async function recomputeRollups(
  executor: Executor,
  metadata: OrgMetadata,
  childModule: string,
  changes: Array<{ before: Record<string, unknown> | null; after: Record<string, unknown> | null }>,
): Promise<void> {
  for (const { parent, field, spec } of rollupsFedBy(metadata, childModule)) {
    const ids = new Set<string>();
    for (const { before, after } of changes) {
      const moved = before?.[spec.via] !== after?.[spec.via];
      const changed = spec.field === undefined ? false : String(before?.[spec.field] ?? '') !== String(after?.[spec.field] ?? '');
      const appeared = (before === null) !== (after === null);
      if (!moved && !changed && !appeared) continue;
      for (const row of [before, after]) {
        const id = row?.[spec.via];
        if (typeof id === 'string') ids.add(id);
      }
    }
    await recompute(executor, metadata, parent, field, [...ids].sort());
  }
}

/** Fills a new roll-up on every existing parent record, a batch of ids at a time. */
export async function backfillRollup(executor: Executor, metadata: OrgMetadata, parent: ModuleMeta, field: FieldMeta): Promise<void> {
  const table = qualifiedTable(metadata.schema, parent.table);
  const value = aggregateSql(metadata, field.options.rollup!, field.options.scale ?? 2);
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const result = await sql<{ id: string }>`
      WITH batch AS (SELECT id FROM ${sql.raw(table)} WHERE id > ${after}::uuid ORDER BY id LIMIT ${BATCH})
      UPDATE ${sql.raw(table)} p SET ${sql.raw(quoteIdent(field.apiName))} = ${sql.raw(value)}
      FROM batch WHERE p.id = batch.id RETURNING p.id`.execute(executor);
    if (result.rows.length === 0) return;
    after = result.rows
      .map((row) => row.id)
      .sort()
      .at(-1)!;
    if (result.rows.length < BATCH) return;
  }
}
