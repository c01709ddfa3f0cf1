import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { Database, Executor, Trx } from '../../db/database.js';
import { newId } from '../../platform/ids.js';
import { SYSTEM_FIELDS, type CatalogModule } from './catalog-builders.js';
import { addColumnStatements, compositeIndexStatement, createTableStatements } from './ddl.js';
import {
  insertFields,
  insertModule,
  listFieldRows,
  listModuleRows,
  listOrgsBehindCatalog,
  setCatalogVersion,
  updateModuleRow,
} from './metadata.repository.js';
import { STANDARD_MODULES } from './standard-catalog.js';
import { SEARCH_INDEX_VERSION, searchIndexStatements, trigramSchema } from '../search/search-sql.js';

/** Changes whenever the standard catalog changes: organizations with another value are brought up to date at start. */
export const CATALOG_VERSION = crypto
  .createHash('sha256')
  .update(JSON.stringify({ modules: STANDARD_MODULES, searchIndexes: SEARCH_INDEX_VERSION }))
  .digest('hex')
  .slice(0, 16);

/** Runs DDL statements in one round trip (no parameters: the simple protocol takes several statements). */
export async function runStatements(executor: Executor, statements: string[]): Promise<void> {
  if (statements.length > 0) await sql.raw(statements.join(';\n')).execute(executor);
}

/**
 * Gives an organization every standard module and field of the catalog: the
 * metadata rows it lacks and the tables and columns behind them. Idempotent,
 * and it never touches what an administrator changed (labels, layout, hidden).
 */
export async function provisionStandardModules(trx: Trx, org: { id: string; schema: string }): Promise<void> {
  const modules = new Map((await listModuleRows(trx, org.id)).map((row) => [row.api_name, row]));
  const fieldKeys = new Set((await listFieldRows(trx, org.id)).map((row) => `${row.module_id}:${row.api_name}`));
  let position = Math.max(0, ...[...modules.values()].map((row) => row.position));
  const ddl: string[] = [];
  const trgm = await trigramSchema(trx);
  for (const module of STANDARD_MODULES) {
    const existing = modules.get(module.apiName);
    let row: { id: string; layout: CatalogModule['sections'] };
    const catalogSearch = module.searchFields ?? [];
    let searchFields = catalogSearch;
    if (existing) {
      row = existing;
      // Search fields only grow: those added later (custom fields opted in) stay.
      searchFields = [...new Set([...existing.search_fields, ...catalogSearch])];
      if (searchFields.length !== existing.search_fields.length)
        await updateModuleRow(trx, org.id, existing.id, { search_fields: JSON.stringify(searchFields) });
    } else {
      const id = newId();
      await insertModule(trx, {
        id,
        org_id: org.id,
        api_name: module.apiName,
        labels: JSON.stringify(module.labels),
        is_standard: true,
        table_name: module.apiName,
        display_fields: JSON.stringify(module.displayFields),
        search_fields: JSON.stringify(searchFields),
        layout: JSON.stringify(module.sections),
        position: ++position,
      });
      row = { id, layout: module.sections };
    }
    const fields = [...SYSTEM_FIELDS, ...module.fields];
    const missing = fields.filter((field) => !fieldKeys.has(`${row.id}:${field.apiName}`));
    const columns = (list: typeof fields) =>
      list.map((field) => ({ apiName: field.apiName, type: field.type, unique: field.unique ?? false, options: field.options ?? {} }));
    // A new module gets its whole table in one statement; an existing one only the columns it lacks.
    if (existing)
      ddl.push(
        ...createTableStatements(org.schema, module.apiName),
        ...columns(missing).flatMap((c) => addColumnStatements(org.schema, module.apiName, c)),
      );
    else ddl.push(...createTableStatements(org.schema, module.apiName, columns(fields)));
    // Composite indexes the catalog declares (after the columns: an existing organization may just have gained them).
    ddl.push(...(module.indexes ?? []).map((index) => compositeIndexStatement(org.schema, module.apiName, index)));
    // Trigram indexes of the global search (new organizations, and existing ones when the catalog changes).
    const searchable = fields.filter((field) => searchFields.includes(field.apiName));
    ddl.push(...searchIndexStatements(org.schema, module.apiName, trgm, module.displayFields, searchable));
    await insertFields(
      trx,
      missing.map((field) => ({
        id: newId(),
        org_id: org.id,
        module_id: row.id,
        api_name: field.apiName,
        type: field.type,
        labels: JSON.stringify(field.labels),
        is_standard: true,
        is_system: field.system ?? false,
        required: field.required ?? false,
        is_unique: field.unique ?? false,
        default_value: field.defaultValue === undefined ? null : JSON.stringify(field.defaultValue),
        position: fields.indexOf(field) + 1,
        help_text: null,
        options: JSON.stringify(field.options ?? {}),
      })),
    );
    if (missing.length > 0 && existing) await placeNewFieldsInLayout(trx, org.id, row, module, missing);
  }
  // Custom modules are searched by name: their indexes follow the current index shapes too.
  for (const row of modules.values())
    if (!row.is_standard) ddl.push(...searchIndexStatements(org.schema, row.table_name, trgm, ['name'], []));
  await runStatements(trx, ddl);
  await setCatalogVersion(trx, org.id, CATALOG_VERSION);
}

/** A standard field added in a later release goes into the section the catalog names (or the last one). */
async function placeNewFieldsInLayout(
  trx: Trx,
  orgId: string,
  row: { id: string; layout: CatalogModule['sections'] },
  module: CatalogModule,
  missing: Array<{ apiName: string }>,
): Promise<void> {
  const layout = row.layout.map((s) => ({ ...s, fields: [...s.fields] }));
  for (const field of missing) {
    const catalogSection = module.sections.find((s) => s.fields.includes(field.apiName));
    if (!catalogSection) continue;
    const target = layout.find((s) => s.key === catalogSection.key) ?? layout[layout.length - 1];
    if (target && !target.fields.includes(field.apiName)) target.fields.push(field.apiName);
  }
  await updateModuleRow(trx, orgId, row.id, { layout: JSON.stringify(layout) });
}

/** At start: every organization whose tables predate the current catalog gets the new standard fields and modules. */
export async function syncStandardCatalog(database: Database): Promise<number> {
  const behind = await listOrgsBehindCatalog(database.db, CATALOG_VERSION);
  for (const org of behind) {
    await database.transaction('records.catalog-sync', async (trx) => {
      // One node at a time per organization; a second one finds the work done.
      await sql`SELECT pg_advisory_xact_lock(7202633, hashtext(${org.id}))`.execute(trx);
      const current = await trx.selectFrom('platform.organizations').select('catalog_version').where('id', '=', org.id).executeTakeFirst();
      if (current?.catalog_version === CATALOG_VERSION) return;
      await provisionStandardModules(trx, { id: org.id, schema: org.schema_name });
    });
  }
  return behind.length;
}
