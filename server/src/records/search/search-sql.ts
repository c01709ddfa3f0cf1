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

/** A phone number's digits only: "+34 986 12-34-56" is found by "986 123" or "986123". */
export const digitsOnly = (expression: string) => `regexp_replace(${expression}, '[^0-9]+', '', 'g')`;

/** One searched expression: the name (display fields joined) or a search field, and how it is compared. */
export interface SearchExpression {
  /** null for the name. */
  field: string | null;
  /** `text`: normalized, prefix (btree) and word similarity (trigram); `digits`: a phone's digits, substring (trigram). */
  kind: 'text' | 'digits';
  sql: string;
}

/**
 * The search expressions of a module, as the indexes and the queries write
 * them (they must be written the same way for the planner to use an index).
 * `fields` are the visible search fields with their types.
 */
export function searchExpressions(
  displayFields: readonly string[],
  fields: ReadonlyArray<{ apiName: string; type: FieldType }>,
  alias?: string,
): SearchExpression[] {
  const expressions: SearchExpression[] = [];
  if (displayFields.length > 0) expressions.push({ field: null, kind: 'text', sql: normalized(nameText(displayFields, alias)) });
  for (const { apiName, type } of fields) {
    const value = `${column(apiName, alias)}::text`;
    expressions.push(
      type === 'phone'
        ? { field: apiName, kind: 'digits', sql: digitsOnly(value) }
        : { field: apiName, kind: 'text', sql: normalized(value) },
    );
  }
  return expressions;
}

/**
 * Expressions only matched by prefix, besides the searched ones: each part of
 * a name made of several fields (a surname: "garcia" finds "María García"), and
 * an e-mail's domain ("hotmail", "@proton" find every address there).
 */
export interface PrefixExpression {
  purpose: string;
  sql: string;
  /** Matched by the text without a leading "@" (an e-mail domain). */
  domain: boolean;
}

export function prefixOnlyExpressions(
  displayFields: readonly string[],
  fields: ReadonlyArray<{ apiName: string; type: FieldType }>,
  alias?: string,
): PrefixExpression[] {
  const expressions: PrefixExpression[] = [];
  if (displayFields.length > 1)
    for (const field of displayFields)
      expressions.push({ purpose: `search_${field}_word`, sql: normalized(`${column(field, alias)}::text`), domain: false });
  for (const { apiName, type } of fields)
    if (type === 'email')
      expressions.push({
        purpose: `search_${apiName}_domain`,
        sql: `split_part(${normalized(`${column(apiName, alias)}::text`)}, '@', 2)`,
        domain: true,
      });
  return expressions;
}

/** Bump when the index shapes change: organizations are brought up to date at start (see provision.ts). */
export const SEARCH_INDEX_VERSION = 3;

/**
 * The search indexes of a module, live records only (idempotent): per
 * expression a GIN trigram index (typos, words inside the text, phone
 * fragments) and, for text, a btree prefix index (exact and prefix matches
 * without reading a trigram posting list). `fields` are the search fields'
 * API names and types; those of other types are skipped.
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
  const searchable = fields.filter((f) => SEARCHABLE_TYPES.has(f.type) && !displayFields.includes(f.apiName));
  const statements: string[] = [];
  for (const expression of searchExpressions(displayFields, searchable)) {
    const purpose = expression.field === null ? 'search_name' : `search_${expression.field}`;
    if (expression.kind === 'digits') {
      // Earlier releases indexed the normalized phone text under this name.
      statements.push(`DROP INDEX IF EXISTS ${quoteIdent(schema)}.${quoteIdent(indexName(table, purpose))}`);
      statements.push(
        `CREATE INDEX IF NOT EXISTS ${quoteIdent(indexName(table, `${purpose}_digits`))} ON ${t} USING gin ((${expression.sql}) ${ops}) WHERE deleted_at IS NULL`,
      );
      continue;
    }
    statements.push(
      `CREATE INDEX IF NOT EXISTS ${quoteIdent(indexName(table, purpose))} ON ${t} USING gin ((${expression.sql}) ${ops}) WHERE deleted_at IS NULL`,
      `CREATE INDEX IF NOT EXISTS ${quoteIdent(indexName(table, `${purpose}_prefix`))} ON ${t} ((${expression.sql}) text_pattern_ops) WHERE deleted_at IS NULL`,
    );
  }
  for (const expression of prefixOnlyExpressions(displayFields, searchable))
    statements.push(
      `CREATE INDEX IF NOT EXISTS ${quoteIdent(indexName(table, expression.purpose))} ON ${t} ((${expression.sql}) text_pattern_ops) WHERE deleted_at IS NULL`,
    );
  return statements;
}

/** Drops the search indexes of one field (it is no longer searched; idempotent). */
export function dropFieldSearchIndexStatements(schema: string, table: string, field: string): string[] {
  return ['', '_prefix', '_digits', '_domain'].map(
    (suffix) => `DROP INDEX IF EXISTS ${quoteIdent(schema)}.${quoteIdent(indexName(table, `search_${field}${suffix}`))}`,
  );
}
