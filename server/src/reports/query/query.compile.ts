import type { FieldMeta, ModuleMeta } from '../../records/index.js';
import type { FilterNode } from '../../records/records/record-filter.js';
import { queryError } from './query.lexer.js';
import type { AggregateCall, BucketCall, Condition, Expression, FieldRef, Literal, Query } from './query.parser.js';
import type { Token } from './query.lexer.js';

/** What the compiler may know of the organization, as the caller sees it. */
export interface QuerySchema {
  /** A module the caller may read, by API name. */
  module(apiName: string): QueryModule | undefined;
  /** The first and last day (inclusive, organization's time zone) of a date literal. */
  dayRange(name: string, days?: number): { from: string; to: string };
  /** The instant a day starts in the organization's time zone (for datetime fields). */
  startOfDay(day: string): string;
}

export interface QueryModule {
  meta: ModuleMeta;
  /** The fields the caller may see, in order (for `SELECT *`). */
  fields: FieldMeta[];
  /** A field path (`amount`, `account_id.tier`, `owner_id.role`) as the caller sees it, or why it cannot be read. */
  field(path: string): FieldMeta | { error: string };
}

const BUCKETS = {
  DAY: 'day',
  WEEK: 'week',
  MONTH: 'month',
  QUARTER: 'quarter',
  YEAR: 'year',
  FISCAL_QUARTER: 'fiscal_quarter',
  FISCAL_YEAR: 'fiscal_year',
} as const;
const AGGREGATES = { COUNT: 'count', SUM: 'sum', AVG: 'avg', MIN: 'min', MAX: 'max' } as const;
const DATE_TYPES = new Set(['date', 'datetime']);
export const DEFAULT_LIMIT = 200;
export const MAX_LIMIT = 10_000;

export interface CompiledAggregate {
  key: string;
  fn: 'count' | 'sum' | 'avg' | 'min' | 'max' | 'count_distinct';
  field?: string;
  filter?: FilterNode;
}
export interface CompiledGroup {
  field: string;
  bucket?: (typeof BUCKETS)[keyof typeof BUCKETS];
}
/** A result column: a record field (tabular), a group key, or an aggregate or formula value. */
export interface QueryColumn {
  name: string;
  source: { kind: 'field'; path: string } | { kind: 'group'; level: number } | { kind: 'value'; key: string };
  /** The field behind it, for its type and labels (absent for aggregates other than MIN/MAX and for formulas). */
  field?: FieldMeta;
}
export interface CompiledQuery {
  module: ModuleMeta;
  kind: 'records' | 'groups';
  columns: QueryColumn[];
  filter?: FilterNode;
  groupBy: CompiledGroup[];
  aggregates: CompiledAggregate[];
  formulas: Array<{ key: string; expression: string }>;
  /** Records: sorted by the database; groups: the flattened rows are sorted by these columns. */
  orderBy: Array<{ column: string; direction: 'asc' | 'desc' }>;
  limit: number;
  /** Where each filter condition came from, so an error about it can point at the query text. */
  filterTokens: Map<string, Token>;
}

/** Checks a parsed query against the caller's view of the organization and turns it into a report-shaped plan. */
export function compileQuery(query: Query, schema: QuerySchema): CompiledQuery {
  const source = schema.module(query.from.module);
  if (!source) throw queryError(`Unknown module "${query.from.module}"`, query.from.token);
  const module = source.meta;
  const fieldOf = (ref: FieldRef) => resolveField(ref, source);

  const aggregates: CompiledAggregate[] = [];
  const filterTokens = new Map<string, Token>();
  const aggregateKey = (call: AggregateCall): string => {
    const compiled: CompiledAggregate = { key: `a${aggregates.length + 1}`, fn: call.distinct ? 'count_distinct' : AGGREGATES[call.fn] };
    if (call.field) {
      const field = fieldOf(call.field);
      if (call.fn !== 'COUNT' && call.fn !== 'MIN' && call.fn !== 'MAX' && !isNumeric(field)) {
        throw queryError(`${call.fn} takes a number field; ${call.field.path} is ${field.type}`, call.field.token);
      }
      compiled.field = call.field.path;
    }
    if (call.filter) compiled.filter = toFilter(call.filter, source, schema, `aggregate:${compiled.key}`, filterTokens);
    aggregates.push(compiled);
    return compiled.key;
  };

  const isGrouped = query.groupBy.length > 0 || query.select.some((item) => containsAggregate(item.expression));
  const plan: CompiledQuery = {
    module,
    kind: isGrouped ? 'groups' : 'records',
    columns: [],
    groupBy: [],
    aggregates,
    formulas: [],
    orderBy: [],
    limit: DEFAULT_LIMIT,
    filterTokens,
  };
  if (query.where) plan.filter = toFilter(query.where, source, schema, 'where', filterTokens);

  if (query.limit) {
    if (query.limit.value < 1 || query.limit.value > MAX_LIMIT) {
      throw queryError(`LIMIT is from 1 to ${MAX_LIMIT.toLocaleString('en')}`, query.limit.token);
    }
    plan.limit = query.limit.value;
  }

  if (!isGrouped) {
    if (query.star) {
      plan.columns = source.fields.map((field) => ({
        name: field.apiName,
        source: { kind: 'field', path: field.apiName },
        field,
      }));
    }
    for (const item of query.select) {
      if (item.expression.kind !== 'field') throw queryError('Without GROUP BY or an aggregate, select fields only', item.token);
      plan.columns.push({
        name: item.alias ?? item.expression.path,
        source: { kind: 'field', path: item.expression.path },
        field: fieldOf(item.expression),
      });
    }
    assertUniqueNames(plan.columns, query);
    for (const order of query.orderBy) {
      const column = findColumn(plan.columns, order.expression, query);
      if (!column && order.expression.kind === 'field') fieldOf(order.expression);
      if (order.expression.kind !== 'field') throw queryError('ORDER BY takes a field here', order.token);
      plan.orderBy.push({
        column: column?.source.kind === 'field' ? column.source.path : order.expression.path,
        direction: order.direction,
      });
    }
    return plan;
  }

  if (query.star) throw queryError('SELECT * cannot be grouped; name the fields and aggregates', query.star);
  if (query.groupBy.length > 3) throw queryError('GROUP BY takes at most 3 levels', query.groupBy[3]!.token);
  query.groupBy.forEach((group) => {
    const field = fieldOf(group.kind === 'field' ? group : group.field);
    if (group.kind === 'bucket' && !DATE_TYPES.has(field.type)) {
      throw queryError(`${group.fn} takes a date field; ${group.field.path} is ${field.type}`, group.field.token);
    }
    const compiled: CompiledGroup =
      group.kind === 'bucket' ? { field: group.field.path, bucket: BUCKETS[group.fn] } : { field: group.path };
    if (plan.groupBy.some((other) => other.field === compiled.field)) throw queryError(`${compiled.field} is grouped twice`, group.token);
    plan.groupBy.push(compiled);
  });

  for (const item of query.select) {
    const expression = item.expression;
    if (expression.kind === 'field' || expression.kind === 'bucket') {
      const level = query.groupBy.findIndex((group) => sameGroup(group, expression));
      if (level < 0) throw queryError(`${item.text} must be in GROUP BY or inside an aggregate`, item.token);
      plan.columns.push({
        name: item.alias ?? item.text,
        source: { kind: 'group', level },
        field: fieldOf(expression.kind === 'field' ? expression : expression.field),
      });
    } else if (expression.kind === 'aggregate') {
      const key = aggregateKey(expression);
      // A sum, average, minimum or maximum keeps its field's type (a sum of currency is currency); counts are numbers.
      const field = expression.field && expression.fn !== 'COUNT' ? fieldOf(expression.field) : undefined;
      plan.columns.push({ name: item.alias ?? item.text, source: { kind: 'value', key }, field });
    } else if (expression.kind === 'arithmetic') {
      const key = `f${plan.formulas.length + 1}`;
      plan.formulas.push({ key, expression: formulaOf(expression, aggregateKey) });
      plan.columns.push({ name: item.alias ?? item.text, source: { kind: 'value', key } });
    } else {
      throw queryError('Select a field, an aggregate or arithmetic over aggregates', item.token);
    }
  }
  assertUniqueNames(plan.columns, query);
  for (const order of query.orderBy) {
    const column = findColumn(plan.columns, order.expression, query);
    if (!column) throw queryError('ORDER BY of a grouped query names a selected item or its alias', order.token);
    plan.orderBy.push({ column: column.name, direction: order.direction });
  }
  return plan;
}

function resolveField(ref: FieldRef, source: QueryModule): FieldMeta {
  const field = source.field(ref.path);
  if ('error' in field) throw queryError(field.error, ref.token);
  return field;
}

const isNumeric = (field: FieldMeta) =>
  ['integer', 'decimal', 'currency', 'percent'].includes(field.type) ||
  ((field.type === 'formula' || field.type === 'rollup') &&
    ['integer', 'decimal', 'currency', 'percent', 'number'].includes(String(field.options.returnType)));

function containsAggregate(expression: Expression): boolean {
  if (expression.kind === 'aggregate') return true;
  if (expression.kind === 'arithmetic') return containsAggregate(expression.left) || containsAggregate(expression.right);
  return false;
}

function sameGroup(group: FieldRef | BucketCall, expression: FieldRef | BucketCall): boolean {
  if (group.kind === 'field' && expression.kind === 'field') return group.path === expression.path;
  if (group.kind === 'bucket' && expression.kind === 'bucket')
    return group.fn === expression.fn && group.field.path === expression.field.path;
  return false;
}

/** The column an ORDER BY item means: an alias, or the same expression as a selected item. */
function findColumn(columns: QueryColumn[], expression: Expression, query: Query): QueryColumn | undefined {
  if (expression.kind === 'field') {
    const byAlias = columns.find((column) => column.name === expression.path);
    if (byAlias) return byAlias;
  }
  const index = query.select.findIndex((item) => sameExpression(item.expression, expression));
  return index >= 0 ? columns[(query.star ? columns.length - query.select.length : 0) + index] : undefined;
}

function sameExpression(a: Expression, b: Expression): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'field' && b.kind === 'field') return a.path === b.path;
  if (a.kind === 'bucket' && b.kind === 'bucket') return sameGroup(a, b);
  if (a.kind === 'aggregate' && b.kind === 'aggregate')
    return a.fn === b.fn && a.distinct === b.distinct && a.field?.path === b.field?.path && !a.filter && !b.filter;
  return false;
}

function assertUniqueNames(columns: QueryColumn[], query: Query): void {
  const seen = new Set<string>();
  columns.forEach((column, index) => {
    if (seen.has(column.name)) {
      const item = query.select[query.star ? index - (columns.length - query.select.length) : index];
      throw queryError(`Two columns are named "${column.name}"; give one an alias with AS`, item?.token ?? query.from.token);
    }
    seen.add(column.name);
  });
}

/** Arithmetic over aggregates as a report formula (`a1 / a2`); its aggregates join the plan. */
function formulaOf(expression: Expression, aggregateKey: (call: AggregateCall) => string): string {
  switch (expression.kind) {
    case 'number':
      return String(expression.value);
    case 'aggregate':
      return aggregateKey(expression);
    case 'arithmetic':
      return `(${formulaOf(expression.left, aggregateKey)} ${expression.op} ${formulaOf(expression.right, aggregateKey)})`;
    default:
      throw queryError('Arithmetic takes aggregates and numbers only', expression.token);
  }
}

const NEGATED_OPS = {
  eq: 'neq',
  neq: 'eq',
  lt: 'gte',
  gte: 'lt',
  gt: 'lte',
  lte: 'gt',
  in: 'nin',
  nin: 'in',
  is_empty: 'is_not_empty',
  is_not_empty: 'is_empty',
} as const;
type Op = FilterNode extends infer N ? (N extends { op: infer O } ? O : never) : never;

/**
 * A WHERE condition in the filter language of list views. NOT is pushed down to the conditions (De Morgan), since
 * the filter language has no NOT; LIKE takes 'text%' (starts with) or '%text%' (contains).
 */
function toFilter(condition: Condition, source: QueryModule, schema: QuerySchema, root: string, tokens: Map<string, Token>): FilterNode {
  const walk = (node: Condition, negate: boolean, path: string): FilterNode => {
    switch (node.kind) {
      case 'and':
      case 'or': {
        const key = (node.kind === 'and') !== negate ? 'and' : 'or';
        const items = node.items.map((item, index) => walk(item, negate, `${path}.${key}[${index}]`));
        return key === 'and' ? { and: items } : { or: items };
      }
      case 'not':
        return walk(node.item, !negate, path);
      default: {
        tokens.set(`${root}:${path}`, node.field.token);
        return leaf(node, negate);
      }
    }
  };
  const leaf = (node: Exclude<Condition, { kind: 'and' | 'or' | 'not' }>, negate: boolean): FilterNode => {
    const field = resolveField(node.field, source);
    const fieldPath = node.field.path;
    const condition = (op: Op, value?: unknown): FilterNode => ({ field: fieldPath, op, ...(value === undefined ? {} : { value }) });
    const flip = (op: Op): Op => (negate ? ((NEGATED_OPS as Record<string, Op>)[op] ?? op) : op);
    const range = (literal: Literal) => dateRange(literal, field, schema);
    switch (node.kind) {
      case 'is_null':
        return condition(flip(node.negated ? 'is_not_empty' : 'is_empty'));
      case 'in': {
        if (node.values.some((value) => value.kind === 'date_range'))
          throw queryError('IN takes single values, not date ranges', node.token);
        return condition(
          flip(node.negated ? 'nin' : 'in'),
          node.values.map((value) => literalValue(value, field)),
        );
      }
      case 'like': {
        const match = /^(%?)([^%_]*)%$/.exec(node.pattern.value);
        if (!match || match[2] === '') throw queryError("LIKE takes 'text%' (starts with) or '%text%' (contains)", node.pattern.token);
        if (negate) throw queryError('NOT LIKE is not supported; filters have no "does not contain"', node.token);
        return condition(match[1] ? 'contains' : 'starts_with', match[2]);
      }
      case 'between': {
        const low = node.low.kind === 'date_range' ? range(node.low).low : literalValue(node.low, field);
        const high = node.high.kind === 'date_range' ? range(node.high) : { high: literalValue(node.high, field), exclusive: false };
        const [below, upTo, above] = high.exclusive ? (['lt', 'lt', 'gte'] as const) : (['lt', 'lte', 'gt'] as const);
        if (node.negated !== negate) return { or: [condition(below, low), condition(above, high.high)] };
        return { and: [condition('gte', low), condition(upTo, high.high)] };
      }
      case 'compare': {
        const ops = { '=': 'eq', '!=': 'neq', '<': 'lt', '<=': 'lte', '>': 'gt', '>=': 'gte' } as const;
        const op = flip(ops[node.op]);
        if (node.value.kind !== 'date_range') return condition(op, literalValue(node.value, field));
        // A date literal is a range of days: = is inside it, < before its first day, > after its last.
        const { low, high, exclusive } = range(node.value);
        switch (op) {
          case 'eq':
            return { and: [condition('gte', low), condition(exclusive ? 'lt' : 'lte', high)] };
          case 'neq':
            return { or: [condition('lt', low), condition(exclusive ? 'gte' : 'gt', high)] };
          case 'lt':
          case 'gte':
            return condition(op, low);
          case 'lte':
            return condition(exclusive ? 'lt' : 'lte', high);
          default:
            return condition(exclusive ? 'gte' : 'gt', high);
        }
      }
    }
  };
  return walk(condition, false, 'filter');
}

function literalValue(literal: Literal, field: FieldMeta): unknown {
  switch (literal.kind) {
    case 'string':
    case 'number':
    case 'boolean':
      return literal.value;
    case 'current_user':
      if (field.type !== 'user' && field.type !== 'lookup') throw queryError('CURRENT_USER compares with user fields only', literal.token);
      return '$me';
    case 'null':
      throw queryError('Use IS NULL to compare with NULL', literal.token);
    case 'date_range':
      throw queryError('A date literal goes with =, !=, <, <=, >, >= or BETWEEN', literal.token);
  }
}

/**
 * The bounds of a date literal for a field: its first and last day for date fields; for datetime fields the instant
 * its first day starts and the instant after its last day ends (exclusive), in the organization's time zone.
 */
function dateRange(literal: Literal, field: FieldMeta, schema: QuerySchema): { low: string; high: string; exclusive: boolean } {
  if (literal.kind !== 'date_range') throw queryError('Expected a date literal', literal.token);
  if (!DATE_TYPES.has(field.type))
    throw queryError(`${literal.name} compares with date fields only; this field is ${field.type}`, literal.token);
  const { from, to } = schema.dayRange(literal.name, 'days' in literal ? literal.days : undefined);
  if (field.type === 'date') return { low: from, high: to, exclusive: false };
  return { low: schema.startOfDay(from), high: schema.startOfDay(nextDay(to)), exclusive: true };
}

function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}
