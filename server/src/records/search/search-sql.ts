import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import { indexName, qualifiedTable, quoteIdent } from '../metadata/ddl.js';
import type { FieldType } from '../metadata/field-types.js';

/**
 * The SQL shapes the global search shares with provisioning: the normalized
 * expressions (which must be written the same way in an index and a query
 * for the planner to use the index) and the trigram index statements.
 */

/** Field types whose text the search can match (stored as text; long texts are left out: their indexes would be huge). */
export const SEARCHABLE_TYPES: ReadonlySet<FieldType> = new Set(['text', 'email', 'phone', 'url', 'auto_number']);

/** Where pg_trgm lives (see migration 0010): its functions, operators and operator classes are always qualified. */
export async function trigramSchema(executor: Executor): Promise<string> {
  const result = await sql<{ schema: string }>`
    SELECT n.nspname AS schema FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname = 'pg_trgm'`.execute(executor);
  const schema = result.rows[0]?.schema;
  if (!schema) throw new Error('The pg_trgm extension is missing: platform migration 0010-search creates it.');
  return schema;
}

const column = (name: string, alias?: string) => (alias ? `${alias}.${quoteIdent(name)}` : quoteIdent(name));

/** The raw text of a record's name: its display fields joined by a space (immutable, unlike concat_ws). */
export function nameText(displayFields: readonly string[], alias?: string): string {
  if (displayFields.length === 1) return `${column(displayFields[0]!, alias)}::text`;
  return `btrim(${displayFields.map((f) => `coalesce(${column(f, alias)}::text, '')`).join(` || ' ' || `)})`;
}

/** The normalized (lower-case, accent-free) form of an expression. */
export const normalized = (expression: string) => `platform.clave_norm(${expression})`;

/** The normalized name and each search field, as the indexes and the queries write them. */
export function searchExpressions(displayFields: readonly string[], searchFields: readonly string[], alias?: string) {
  return {
    name: displayFields.length > 0 ? normalized(nameText(displayFields, alias)) : null,
    fields: searchFields.map((field) => ({ field, expression: normalized(`${column(field, alias)}::text`) })),
  };
}

/**
 * GIN trigram indexes on a module's normalized name and search fields, live
 * records only (idempotent). `fields` are the search fields' API names and
 * types; those of other types are skipped.
 */
export function searchIndexStatements(
  schema: string,
  table: string,
  trgm: string,
  displayFields: readonly string[],
  fields: ReadonlyArray<{ apiName: string; type: FieldType }>,
): string[] {
  const t = qualifiedTable(schema, table);
  const ops = `${quoteIdent(trgm)}.gin_trgm_ops`;
  const expressions = searchExpressions(
    displayFields,
    fields.filter((f) => SEARCHABLE_TYPES.has(f.type) && !displayFields.includes(f.apiName)).map((f) => f.apiName),
  );
  const statements: string[] = [];
  if (expressions.name)
    statements.push(
      `CREATE INDEX IF NOT EXISTS ${quoteIdent(indexName(table, 'search_name'))} ON ${t} USING gin ((${expressions.name}) ${ops}) WHERE deleted_at IS NULL`,
    );
  for (const { field, expression } of expressions.fields)
    statements.push(
      `CREATE INDEX IF NOT EXISTS ${quoteIdent(indexName(table, `search_${field}`))} ON ${t} USING gin ((${expression}) ${ops}) WHERE deleted_at IS NULL`,
    );
  return statements;
}
