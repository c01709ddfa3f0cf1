import { sql, type RawBuilder } from 'kysely';
import { badRequest } from '../../platform/http/app-error.js';
import { valueFamily } from '../metadata/field-types.js';
import type { FieldMeta } from '../metadata/metadata.types.js';

/**
 * Sorting and keyset pagination of record lists. The order always ends with
 * the id, so it is total; empty values come last whatever the direction. A
 * cursor carries the last row's sort values and id, so a page never skips or
 * repeats rows when records are added meanwhile.
 */
export interface SortKey {
  field: FieldMeta | 'id';
  direction: 'asc' | 'desc';
}

export const MAX_SORT_KEYS = 3;
const SORTABLE_EXCLUDED = new Set(['long_text', 'multi_select']);

/** Reads `[{field, direction}]` against the fields the caller may see. The default is newest first. */
export function parseSort(input: unknown, visible: FieldMeta[]): SortKey[] {
  if (input === undefined || input === null || (Array.isArray(input) && input.length === 0)) {
    return [{ field: visible.find((f) => f.apiName === 'created_at') ?? 'id', direction: 'desc' }];
  }
  if (!Array.isArray(input) || input.length > MAX_SORT_KEYS)
    throw badRequest(`"sort" is a list of at most ${MAX_SORT_KEYS} {field, direction}.`, 'sort');
  return input.map((item: unknown, index) => {
    const entry = item as { field?: unknown; direction?: unknown };
    const path = `sort[${index}]`;
    if (typeof entry !== 'object' || entry === null || typeof entry.field !== 'string')
      throw badRequest('Each sort entry names a field.', `${path}.field`);
    const direction = entry.direction ?? 'asc';
    if (direction !== 'asc' && direction !== 'desc') throw badRequest('"direction" is asc or desc.', `${path}.direction`);
    if (entry.field === 'id') return { field: 'id' as const, direction };
    const field = visible.find((candidate) => candidate.apiName === entry.field);
    if (!field) throw badRequest(`Unknown field "${entry.field}".`, `${path}.field`);
    if (SORTABLE_EXCLUDED.has(field.type)) throw badRequest(`${field.apiName} cannot be sorted.`, `${path}.field`);
    return { field, direction };
  });
}

/** Parses `"-created_at,name"` (GET lists) into the form parseSort reads. */
export function sortFromQueryString(text: string | undefined): Array<{ field: string; direction: 'asc' | 'desc' }> | undefined {
  if (!text) return undefined;
  return text
    .split(',')
    .filter(Boolean)
    .map((part) =>
      part.startsWith('-') ? { field: part.slice(1), direction: 'desc' as const } : { field: part, direction: 'asc' as const },
    );
}

const column = (alias: string, key: SortKey) => sql.ref(`${alias}.${key.field === 'id' ? 'id' : key.field.apiName}`);

/** Columns every record has a value in (see ddl.ts): their order needs no NULLS clause. */
const NEVER_NULL = new Set(['owner_id', 'created_at', 'updated_at']);

/**
 * ORDER BY of the keys, then the id in the last key's direction. A column that
 * is never empty is ordered plainly, so that an index in its default order
 * (`created_at DESC, id DESC`: the list's default sort) serves the query;
 * written `DESC NULLS LAST` it would not match, and PostgreSQL would sort every
 * matching row to return the first 50.
 */
export function orderBySql(keys: SortKey[], alias = 'r'): RawBuilder<unknown> {
  const parts = keys.map((key) => {
    const direction = key.direction === 'asc' ? 'ASC' : 'DESC';
    const neverNull = key.field === 'id' || NEVER_NULL.has(key.field.apiName);
    return sql`${column(alias, key)} ${sql.raw(neverNull ? direction : `${direction} NULLS LAST`)}`;
  });
  if (!keys.some((key) => key.field === 'id'))
    parts.push(sql`${sql.ref(`${alias}.id`)} ${sql.raw(keys.at(-1)?.direction === 'asc' ? 'ASC' : 'DESC')}`);
  return sql.join(parts, sql`, `);
}

/** The keys as they appear in the ORDER BY (with the id tie-breaker). */
function fullKeys(keys: SortKey[]): SortKey[] {
  return keys.some((key) => key.field === 'id') ? keys : [...keys, { field: 'id', direction: keys.at(-1)?.direction ?? 'desc' }];
}

/** The cursor after a row: its values of the sort keys (as the API shows them) and its id. */
export function encodeRecordCursor(keys: SortKey[], row: Record<string, unknown>): string {
  const values = fullKeys(keys).map((key) => {
    const value = row[key.field === 'id' ? 'id' : key.field.apiName];
    return value instanceof Date ? value.toISOString() : (value ?? null);
  });
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

function invalidCursor() {
  return badRequest('The cursor is not valid for this sort: pass back the nextCursor of the previous page with the same sort.', 'cursor');
}

/** Rows after the cursor in the order of `keys` (nulls last in both directions). */
export function afterCursorSql(keys: SortKey[], cursor: string, alias = 'r'): RawBuilder<boolean> {
  let values: unknown[];
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
  } catch {
    throw invalidCursor();
  }
  const all = fullKeys(keys);
  if (!Array.isArray(values) || values.length !== all.length) throw invalidCursor();
  const typed = all.map((key, index) => castCursorValue(key, values[index]));
  const after = (index: number): RawBuilder<boolean> => {
    const key = all[index]!;
    const value = typed[index];
    const col = column(alias, key);
    const isLast = index === all.length - 1;
    if (value === null) {
      // After an empty value only empty values follow (nulls last).
      return isLast ? sql<boolean>`false` : sql<boolean>`(${col} IS NULL AND ${after(index + 1)})`;
    }
    const beyond = key.direction === 'asc' ? sql<boolean>`${col} > ${value}` : sql<boolean>`${col} < ${value}`;
    if (isLast) return beyond;
    return sql<boolean>`(${beyond} OR ${col} IS NULL OR (${col} = ${value} AND ${after(index + 1)}))`;
  };
  return after(0);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function castCursorValue(key: SortKey, value: unknown): unknown {
  if (value === null) {
    if (key.field === 'id') throw invalidCursor();
    return null;
  }
  if (key.field === 'id') {
    if (typeof value !== 'string' || !UUID.test(value)) throw invalidCursor();
    return value;
  }
  const family = valueFamily(key.field.type, key.field.options.returnType);
  switch (family) {
    case 'number':
      if (typeof value !== 'string' && typeof value !== 'number') throw invalidCursor();
      if (!/^-?\d+(\.\d+)?$/.test(String(value))) throw invalidCursor();
      return String(value);
    case 'boolean':
      if (typeof value !== 'boolean') throw invalidCursor();
      return value;
    case 'datetime': {
      const date = typeof value === 'string' ? new Date(value) : new Date(Number.NaN);
      if (Number.isNaN(date.getTime())) throw invalidCursor();
      return date;
    }
    case 'date':
      if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) throw invalidCursor();
      return value;
    case 'id':
      if (typeof value !== 'string' || !UUID.test(value)) throw invalidCursor();
      return value;
    default:
      if (typeof value !== 'string') throw invalidCursor();
      return value;
  }
}
