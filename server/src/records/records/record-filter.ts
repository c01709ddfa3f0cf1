import { sql, type RawBuilder } from 'kysely';
import { badRequest } from '../../platform/http/app-error.js';
import { FILTER_OPS, OPS_BY_FAMILY, valueFamily, type FilterOp, type ValueFamily } from '../metadata/field-types.js';
import type { FieldMeta, ModuleMeta, OrgMetadata } from '../metadata/metadata.types.js';
import { qualifiedTable } from '../metadata/ddl.js';
import { parseFieldValue } from './field-values.js';
import { USER_PATH_FIELDS, userPathSql, type UserPath } from './user-paths.js';

/**
 * The filter language of list views, the query endpoint, reports and
 * automation conditions:
 *
 *   {"and": [ {"field": "stage", "op": "in", "value": ["proposal", "negotiation"]},
 *             {"or": [ {"field": "amount", "op": "gte", "value": "10000"},
 *                      {"field": "account_id.is_key_account", "op": "eq", "value": true} ]} ]}
 *
 * `$me` stands for the caller in user and lookup conditions, `$now` for the
 * moment the query runs in date-time ones.
 *
 * A path reads a field of the related record through a lookup (one hop), or a
 * user field's name, e-mail or role (`owner_id.role`, see user-paths.ts).
 *
 * Every field is checked against the caller's view of the module: a hidden
 * field is unknown here too, so a filter never reveals what it hides.
 */
export type FilterNode = { and: FilterNode[] } | { or: FilterNode[] } | { field: string; op: FilterOp; value?: unknown };

/** What the compiler needs to know about the caller and the organization. */
export interface FilterScope {
  metadata: OrgMetadata;
  userId: string;
  /** The fields of a module the caller may use (not hidden by an admin or by the profile). */
  visibleFields(module: ModuleMeta): FieldMeta[];
  /** Whether the caller may read records of a module at all. */
  canRead(module: ModuleMeta): boolean;
  /** Owner restriction for records of a related module (null: all). */
  relatedOwnerIds(module: ModuleMeta): string[] | null;
}

const MAX_DEPTH = 6;
const MAX_CONDITIONS = 100;
const ARRAY_CAST: Record<ValueFamily, string> = {
  text: 'text[]',
  number: 'numeric[]',
  date: 'date[]',
  datetime: 'timestamptz[]',
  boolean: 'boolean[]',
  code: 'text[]',
  codes: 'text[]',
  id: 'uuid[]',
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Escapes LIKE wildcards so that `contains "50%"` means the text "50%". */
const likeEscape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export function findVisibleField(scope: FilterScope, module: ModuleMeta, apiName: string): FieldMeta | undefined {
  return scope.visibleFields(module).find((field) => field.apiName === apiName);
}

/** Compiles a filter into a condition on the rows of `alias` (the module's table). Throws 400 naming the bad part. */
export function compileFilter(filter: unknown, module: ModuleMeta, scope: FilterScope, alias = 'r'): RawBuilder<boolean> {
  let conditions = 0;
  const walk = (node: unknown, path: string, depth: number): RawBuilder<boolean> => {
    if (depth > MAX_DEPTH) throw badRequest(`Filters nest at most ${MAX_DEPTH} levels.`, path);
    if (!isObject(node)) throw badRequest('A filter is {"and": […]}, {"or": […]} or {"field", "op", "value"}.', path);
    if ('and' in node || 'or' in node) {
      const key = 'and' in node ? 'and' : 'or';
      const children = node[key];
      if (!Array.isArray(children) || Object.keys(node).length !== 1)
        throw badRequest(`"${key}" takes a list of filters and nothing else.`, path);
      if (children.length === 0) return sql<boolean>`true`;
      const parts = children.map((child, index) => walk(child, `${path}.${key}[${index}]`, depth + 1));
      return sql<boolean>`(${sql.join(parts, key === 'and' ? sql` AND ` : sql` OR `)})`;
    }
    if (++conditions > MAX_CONDITIONS) throw badRequest(`A filter has at most ${MAX_CONDITIONS} conditions.`, path);
    return compileCondition(node, `${path}`, module, scope, alias);
  };
  return walk(filter, 'filter', 0);
}

function compileCondition(
  node: Record<string, unknown>,
  path: string,
  module: ModuleMeta,
  scope: FilterScope,
  alias: string,
): RawBuilder<boolean> {
  const extra = Object.keys(node).filter((key) => key !== 'field' && key !== 'op' && key !== 'value');
  if (extra.length > 0) throw badRequest(`Unknown key "${extra[0]}" in a condition.`, path);
  const { field: fieldPath, op } = node;
  if (typeof fieldPath !== 'string') throw badRequest('A condition names a field.', `${path}.field`);
  if (typeof op !== 'string' || !FILTER_OPS.includes(op as FilterOp)) {
    throw badRequest(`"op" must be one of ${FILTER_OPS.join(', ')}.`, `${path}.op`);
  }
  const [first, second, ...rest] = fieldPath.split('.');
  if (rest.length > 0 || first === undefined) throw badRequest('Related fields go one level deep (account_id.name).', `${path}.field`);
  const field = first === 'id' ? ID_FIELD : findVisibleField(scope, module, first);
  if (!field) throw badRequest(`Unknown field "${first}" in ${module.apiName}.`, `${path}.field`);
  if (second === undefined) return compileOn(field, op as FilterOp, node.value, path, scope, sql.ref(`${alias}.${field.apiName}`));

  if (field.type === 'user') {
    // A user's name, e-mail or role (owner_id.role).
    const userField = USER_PATH_FIELDS.get(second);
    if (!userField) throw badRequest(`Users expose ${[...USER_PATH_FIELDS.keys()].join(', ')}, not "${second}".`, `${path}.field`);
    const value = userPathSql(second as UserPath, sql.ref(`${alias}.${field.apiName}`), scope.metadata.orgId);
    return compileOn(userField, op as FilterOp, node.value, path, scope, value);
  }
  // A related field: records whose lookup points at a related record matching the condition.
  const target = field.type === 'lookup' && field.options.target ? scope.metadata.modules.get(field.options.target) : undefined;
  if (!target || !scope.canRead(target)) throw badRequest(`"${first}" is not a lookup whose fields can be filtered.`, `${path}.field`);
  const relatedField = second === 'id' ? ID_FIELD : findVisibleField(scope, target, second);
  if (!relatedField) throw badRequest(`Unknown field "${second}" in ${target.apiName}.`, `${path}.field`);
  const condition = compileOn(relatedField, op as FilterOp, node.value, path, scope, sql.ref(`x.${relatedField.apiName}`));
  const owners = scope.relatedOwnerIds(target);
  const ownerCondition = owners === null ? sql`` : sql` AND x.owner_id = ANY(${owners}::uuid[])`;
  return sql<boolean>`${sql.ref(`${alias}.${field.apiName}`)} IN (SELECT x.id FROM ${sql.raw(qualifiedTable(scope.metadata.schema, target.table))} x WHERE x.deleted_at IS NULL${ownerCondition} AND ${condition})`;
}

/** The record id, filterable like a lookup. */
const ID_FIELD: FieldMeta = {
  id: 'id',
  apiName: 'id',
  type: 'lookup',
  labels: { es: 'Id', en: 'Id' },
  isStandard: true,
  isSystem: true,
  required: false,
  unique: true,
  defaultValue: null,
  hidden: false,
  position: 0,
  helpText: null,
  options: {},
};

function parseOperand(field: FieldMeta, value: unknown, path: string, scope: FilterScope): unknown {
  if (value === '$me' && (field.type === 'user' || field.type === 'lookup')) return scope.userId;
  // The moment the query runs (a case past its SLA: sla_due_at lt $now).
  if (value === '$now' && field.type === 'datetime') return sql`now()`;
  // Filters compare with any value of the type: bounds, patterns and hidden picklist values do not apply.
  const loose: FieldMeta = {
    ...field,
    options: { ...field.options, min: undefined, max: undefined, pattern: undefined, minLength: undefined },
  };
  if (field.type === 'picklist' || field.type === 'multi_select') {
    if (typeof value !== 'string' || !(field.options.values ?? []).some((v) => v.code === value)) {
      throw badRequest(`"${String(value)}" is not a value of ${field.apiName}.`, `${path}.value`);
    }
    return value;
  }
  if (field.type === 'formula' || field.type === 'rollup' || field.type === 'auto_number') {
    const family = valueFamily(field.type, field.options.returnType);
    const stand: FieldMeta = {
      ...loose,
      type: family === 'number' ? 'decimal' : family === 'date' ? 'date' : family === 'boolean' ? 'boolean' : 'text',
    };
    return parseOperand(stand, value, path, scope);
  }
  if (field.type === 'decimal' || field.type === 'currency' || field.type === 'percent') {
    // Any decimal number compares, whatever the field's digits (the generic parser would limit whole digits to 18 - scale).
    const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : typeof value === 'string' ? value.trim() : '';
    if (!/^-?\d{1,30}(\.\d{1,30})?$/.test(text)) throw badRequest(`The value for ${field.apiName} must be a number.`, `${path}.value`);
    return text;
  }
  const parsed = parseFieldValue({ ...loose, options: { ...loose.options, maxLength: 1000, scale: 18 } }, value);
  if (!parsed.ok || parsed.value === null)
    throw badRequest(`The value for ${field.apiName} ${parsed.ok ? 'is missing' : parsed.message}.`, `${path}.value`);
  return parsed.value;
}

function compileOn(
  field: FieldMeta,
  op: FilterOp,
  value: unknown,
  path: string,
  scope: FilterScope,
  column: RawBuilder<unknown>,
): RawBuilder<boolean> {
  const family = valueFamily(field.type, field.options.returnType);
  if (!OPS_BY_FAMILY[family].includes(op)) {
    throw badRequest(`"${op}" does not apply to ${field.apiName}; use one of ${OPS_BY_FAMILY[family].join(', ')}.`, `${path}.op`);
  }
  const cast = sql.raw(ARRAY_CAST[family]);
  const list = (): unknown[] => {
    if (!Array.isArray(value) || value.length === 0 || value.length > 1000) {
      throw badRequest(`"${op}" takes a list of 1 to 1,000 values.`, `${path}.value`);
    }
    return value.map((item, index) => parseOperand(field, item, `${path}.value[${index}]`, scope));
  };
  const one = () => parseOperand(field, value, path, scope);
  switch (op) {
    case 'is_empty':
      if (family === 'text') return sql<boolean>`(${column} IS NULL OR ${column} = '')`;
      if (family === 'codes') return sql<boolean>`(${column} IS NULL OR cardinality(${column}) = 0)`;
      return sql<boolean>`${column} IS NULL`;
    case 'is_not_empty':
      if (family === 'text') return sql<boolean>`(${column} IS NOT NULL AND ${column} <> '')`;
      if (family === 'codes') return sql<boolean>`(${column} IS NOT NULL AND cardinality(${column}) > 0)`;
      return sql<boolean>`${column} IS NOT NULL`;
    case 'eq':
      if (family === 'codes') {
        const codes = list();
        return sql<boolean>`(${column} @> ${codes}::text[] AND ${column} <@ ${codes}::text[])`;
      }
      return sql<boolean>`${column} = ${one()}`;
    case 'neq':
      return sql<boolean>`${column} IS DISTINCT FROM ${one()}`;
    case 'lt':
      return sql<boolean>`${column} < ${one()}`;
    case 'lte':
      return sql<boolean>`${column} <= ${one()}`;
    case 'gt':
      return sql<boolean>`${column} > ${one()}`;
    case 'gte':
      return sql<boolean>`${column} >= ${one()}`;
    case 'between': {
      if (!Array.isArray(value) || value.length !== 2) throw badRequest('"between" takes two values: [from, to].', `${path}.value`);
      const [from, to] = value.map((item, index) => parseOperand(field, item, `${path}.value[${index}]`, scope));
      return sql<boolean>`${column} BETWEEN ${from} AND ${to}`;
    }
    case 'in':
      if (family === 'codes') return sql<boolean>`${column} && ${list()}::text[]`;
      return sql<boolean>`${column} = ANY(${list()}::${cast})`;
    case 'nin':
      if (family === 'codes') return sql<boolean>`(${column} IS NULL OR NOT (${column} && ${list()}::text[]))`;
      return sql<boolean>`(${column} IS NULL OR ${column} <> ALL(${list()}::${cast}))`;
    case 'contains':
      if (family === 'codes') return sql<boolean>`${column} @> ${list()}::text[]`;
      return sql<boolean>`${column} ILIKE ${'%' + likeEscape(String(one())) + '%'}`;
    case 'starts_with':
      return sql<boolean>`${column} ILIKE ${likeEscape(String(one())) + '%'}`;
  }
}
