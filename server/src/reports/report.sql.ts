import { sql, type RawBuilder } from 'kysely';
import { compileFilter, qualifiedTable, quoteIdent } from '../records/index.js';
import {
  amountSql,
  familyOf,
  groupKeySql,
  invalid,
  resolveField,
  underPath,
  type ReportScope,
  type ResolvedField,
} from './report-fields.js';
import { parseFormula, type FormulaNode } from './report-formula.js';
import type { DayRange } from './report-periods.js';
import type { AggregateFn, Bucket, ReportDefinition } from './report.schemas.js';

/**
 * A report definition checked against the caller's view and turned into SQL
 * fragments: one statement per run. Identifiers come from metadata and are
 * quoted; every value is a parameter; filters go through the list views'
 * compiler. The rows read are the caller's: live records of the module inside
 * their owner scope, exactly as a list restricts them.
 */
export interface CompiledGrouping {
  /** The grouped field path: the name of its key in results. */
  path: string;
  field: ResolvedField;
  bucket?: Bucket;
  key: RawBuilder<unknown>;
}

export interface CompiledAggregate {
  key: string;
  label: string;
  fn: AggregateFn;
  field?: ResolvedField;
  value?: RawBuilder<unknown>;
  condition?: RawBuilder<boolean>;
  currency: boolean;
}

export interface CompiledReport {
  definition: ReportDefinition;
  scope: ReportScope;
  rows: CompiledGrouping[];
  columns: CompiledGrouping[];
  aggregates: CompiledAggregate[];
  formulas: Array<{ key: string; label: string; format?: string; tree: FormulaNode }>;
  tabular: ResolvedField[];
  /** Conditions on the module's rows (alias r): live, in scope, the filter, the period. */
  where: RawBuilder<boolean>[];
  periodField?: ResolvedField;
}

const NUMERIC_FNS: ReadonlySet<AggregateFn> = new Set(['sum', 'avg']);

/** Checks a definition and builds its fragments; `range` is the period's days (the report's own or an override). */
export function compileReport(scope: ReportScope, definition: ReportDefinition, range: DayRange | undefined): CompiledReport {
  const module = scope.view.module;
  const type = definition.type;
  const where: RawBuilder<boolean>[] = [sql<boolean>`r.deleted_at IS NULL`];
  const read = scope.scopes(module.apiName).read;
  if (!read.all) where.push(sql<boolean>`r.owner_id = ANY(${read.ownerIds}::uuid[])`);
  if (definition.filter !== undefined && definition.filter !== null)
    where.push(underPath('filter', () => compileFilter(definition.filter, module, scope.filterScope)));

  let periodField: ResolvedField | undefined;
  if (definition.period) {
    periodField = resolveField(scope, definition.period.field, 'period.field');
    const family = familyOf(periodField.field);
    if (family !== 'date' && family !== 'datetime')
      throw invalid('period.field', `${definition.period.field} is not a date or date-time field`);
    if (range) {
      where.push(
        family === 'date'
          ? sql<boolean>`${periodField.expression} BETWEEN ${range.from}::date AND ${range.to}::date`
          : sql<boolean>`(${periodField.expression} >= ${range.startAt} AND ${periodField.expression} < ${range.endAt})`,
      );
    }
  }

  const groupings = (list: ReportDefinition['groupBy'], at: string) =>
    (list ?? []).map((grouping, index): CompiledGrouping => {
      const field = resolveField(scope, grouping.field, `${at}[${index}].field`);
      return { path: grouping.field, field, bucket: grouping.bucket, key: groupKeySql(scope, field, grouping.bucket, `${at}[${index}]`) };
    });
  const rows = type === 'tabular' ? [] : groupings(definition.groupBy, 'groupBy');
  const columns = type === 'matrix' ? groupings(definition.columnGroupBy, 'columnGroupBy') : [];
  if (type === 'summary' && rows.length === 0) throw invalid('groupBy', 'a summary report groups by 1 to 3 fields');
  if (type === 'matrix' && (rows.length === 0 || rows.length > 2)) throw invalid('groupBy', 'a matrix has 1 or 2 row groupings');
  if (type === 'matrix' && columns.length === 0) throw invalid('columnGroupBy', 'a matrix has 1 or 2 column groupings');
  if (type !== 'matrix' && definition.columnGroupBy?.length) throw invalid('columnGroupBy', 'only a matrix groups across');
  const seen = new Set<string>();
  for (const [index, grouping] of [...rows, ...columns].entries()) {
    if (seen.has(grouping.path)) throw invalid(`groupBy[${index}].field`, `${grouping.path} is grouped twice`);
    seen.add(grouping.path);
  }

  const tabular =
    type === 'tabular'
      ? (definition.columns?.length
          ? definition.columns
          : scope.view.module.displayFields.filter((name) => scope.view.byName.has(name))
        ).map((path, index) => resolveField(scope, path, `columns[${index}]`))
      : [];

  const aggregates = type === 'tabular' ? [] : compileAggregates(scope, definition);
  const keys = new Set(aggregates.map((aggregate) => aggregate.key));
  const formulas = (type === 'tabular' ? [] : (definition.formulas ?? [])).map((formula, index) => {
    if (keys.has(formula.key)) throw invalid(`formulas[${index}].key`, `"${formula.key}" is already an aggregate or formula key`);
    const tree = parseFormula(formula.expression, new Set(aggregates.map((aggregate) => aggregate.key)), `formulas[${index}].expression`);
    keys.add(formula.key);
    return { key: formula.key, label: formula.label ?? formula.key, format: formula.format, tree };
  });
  checkSortAndChart(definition, tabular, [...rows, ...columns], keys);
  return { definition, scope, rows, columns, aggregates, formulas, tabular, where, periodField };
}

function compileAggregates(scope: ReportScope, definition: ReportDefinition): CompiledAggregate[] {
  const list = definition.aggregates?.length ? definition.aggregates : [{ key: 'count', fn: 'count' as const }];
  const keys = new Set<string>();
  return list.map((aggregate, index) => {
    const at = `aggregates[${index}]`;
    if (keys.has(aggregate.key)) throw invalid(`${at}.key`, `"${aggregate.key}" is used twice`);
    keys.add(aggregate.key);
    const field = aggregate.field ? resolveField(scope, aggregate.field, `${at}.field`) : undefined;
    if (!field && aggregate.fn !== 'count') throw invalid(`${at}.field`, `${aggregate.fn} needs a field`);
    const family = field ? familyOf(field.field) : undefined;
    if (NUMERIC_FNS.has(aggregate.fn) && family !== 'number')
      throw invalid(`${at}.field`, `${aggregate.fn} needs a number field, not ${aggregate.field}`);
    if ((aggregate.fn === 'min' || aggregate.fn === 'max') && family !== 'number' && family !== 'date' && family !== 'datetime')
      throw invalid(`${at}.field`, `${aggregate.fn} needs a number or date field, not ${aggregate.field}`);
    const condition =
      aggregate.filter !== undefined && aggregate.filter !== null
        ? underPath(`${at}.filter`, () => compileFilter(aggregate.filter, scope.view.module, scope.filterScope))
        : undefined;
    const currency =
      field !== undefined && field.field.type === 'currency' && aggregate.fn !== 'count' && aggregate.fn !== 'count_distinct';
    const value = field ? (currency ? amountSql(scope, field) : field.expression) : undefined;
    const fallback = {
      es: aggregate.fn === 'count' ? 'Registros' : aggregate.key,
      en: aggregate.fn === 'count' ? 'Records' : aggregate.key,
    };
    const label = aggregate.label ?? (field ? `${field.field.labels[lang(scope)]} (${aggregate.fn})` : fallback[lang(scope)]);
    return { key: aggregate.key, label, fn: aggregate.fn, field, value, condition, currency };
  });
}

export const lang = (scope: ReportScope): 'es' | 'en' => (scope.auth.language === 'en' ? 'en' : 'es');

function checkSortAndChart(definition: ReportDefinition, tabular: ResolvedField[], groups: CompiledGrouping[], keys: Set<string>) {
  const sortable = new Set([...tabular.map((field) => field.path), ...groups.map((group) => group.path), ...keys]);
  for (const [index, sort] of (definition.sort ?? []).entries())
    if (!sortable.has(sort.by) && !(definition.type === 'tabular' && sort.by === 'id'))
      throw invalid(
        `sort[${index}].by`,
        `"${sort.by}" is not a ${definition.type === 'tabular' ? 'column' : 'grouped field or aggregate'} of the report`,
      );
  if (definition.chart?.value !== undefined && !keys.has(definition.chart.value))
    throw invalid('chart.value', `"${definition.chart.value}" is not an aggregate or formula of the report`);
  if (definition.chart && definition.type === 'tabular') throw invalid('chart', 'charts draw summary and matrix reports');
}

const from = (compiled: CompiledReport) => {
  const { view, joins } = compiled.scope;
  const table = sql.raw(`${qualifiedTable(view.metadata.schema, view.module.table)} r`);
  return sql`${table}${sql.join(
    [...joins.values()].map((join) => sql` ${join.sql}`),
    sql``,
  )}`;
};
const whereSql = (where: RawBuilder<boolean>[]) => sql.join(where, sql` AND `);
const col = (name: string) => sql.raw(quoteIdent(name));

/**
 * The rows behind the groups: one row per record with its group keys (k0…),
 * aggregated values (v0…) and aggregate conditions (c0…). A drill-down selects
 * ids from the same rows, so it lists exactly what a group counted.
 */
export function innerSql(compiled: CompiledReport, extraWhere: RawBuilder<boolean>[] = []): RawBuilder<unknown> {
  const items: RawBuilder<unknown>[] = [sql`r.id AS id`];
  [...compiled.rows, ...compiled.columns].forEach((group, index) => items.push(sql`${group.key} AS ${col(`k${index}`)}`));
  compiled.aggregates.forEach((aggregate, index) => {
    if (aggregate.value) items.push(sql`${aggregate.value} AS ${col(`v${index}`)}`);
    if (aggregate.condition) items.push(sql`${aggregate.condition} AS ${col(`c${index}`)}`);
  });
  return sql`SELECT ${sql.join(items)} FROM ${from(compiled)} WHERE ${whereSql([...compiled.where, ...extraWhere])}`;
}

function aggregateSql(aggregate: CompiledAggregate, index: number): RawBuilder<unknown> {
  const value = col(`v${index}`);
  const filter = aggregate.condition ? sql` FILTER (WHERE ${col(`c${index}`)})` : sql``;
  switch (aggregate.fn) {
    case 'count':
      return aggregate.value ? sql`count(${value})${filter}` : sql`count(*)${filter}`;
    case 'count_distinct':
      return sql`count(DISTINCT ${value})${filter}`;
    case 'sum':
      return sql`sum(${value})${filter}`;
    case 'avg':
      return sql`avg(${value})${filter}`;
    case 'min':
      return sql`min(${value})${filter}`;
    case 'max':
      return sql`max(${value})${filter}`;
  }
}

/**
 * Summary and matrix in one statement: GROUPING SETS give every level's
 * subtotals (each computed over its records, so distinct counts and averages
 * are right), the grand total, and for a matrix the cells and column totals.
 * `g<i>` is 1 where key i is rolled up in that row of the answer.
 */
export function groupedSql(compiled: CompiledReport, extraWhere: RawBuilder<boolean>[] = []): RawBuilder<Record<string, unknown>> {
  const rowKeys = compiled.rows.map((_, index) => `k${index}`);
  const columnKeys = compiled.columns.map((_, index) => `k${compiled.rows.length + index}`);
  const allKeys = [...rowKeys, ...columnKeys];
  const set = (names: string[]) => sql`(${sql.join(names.map(col))})`;
  const empty = sql`()`;
  const sets: RawBuilder<unknown>[] = [];
  for (let depth = rowKeys.length; depth >= 1; depth--) sets.push(set(rowKeys.slice(0, depth)));
  sets.push(empty);
  if (columnKeys.length > 0) sets.push(set(allKeys), set(columnKeys));
  const keyItems = [
    ...allKeys.map((name) => col(name)),
    ...allKeys.map((name, index) => sql`GROUPING(${col(name)}) AS ${col(`g${index}`)}`),
  ];
  const inner = innerSql(compiled, extraWhere);
  if (compiled.aggregates.some((aggregate) => aggregate.fn === 'count_distinct')) {
    const items = compiled.aggregates.map((aggregate, index) => sql`${aggregateSql(aggregate, index)} AS ${col(`a${index}`)}`);
    return sql`SELECT ${sql.join([...keyItems, ...items])} FROM (${inner}) s GROUP BY GROUPING SETS (${sql.join(sets)})`;
  }
  // Every aggregate adds up from partial ones: group the records once by all keys, then roll those few rows up
  // (grouping sets over a million rows cost several hash passes; over the partial groups they cost nothing).
  const partials: RawBuilder<unknown>[] = [];
  const totals: RawBuilder<unknown>[] = [];
  compiled.aggregates.forEach((aggregate, index) => {
    const p = (suffix = '') => col(`p${index}${suffix}`);
    const a = col(`a${index}`);
    if (aggregate.fn === 'avg') {
      const filter = aggregate.condition ? sql` FILTER (WHERE ${col(`c${index}`)})` : sql``;
      partials.push(sql`sum(${col(`v${index}`)})${filter} AS ${p('s')}`, sql`count(${col(`v${index}`)})${filter} AS ${p('n')}`);
      totals.push(sql`sum(${p('s')}) / nullif(sum(${p('n')}), 0) AS ${a}`);
      return;
    }
    partials.push(sql`${aggregateSql(aggregate, index)} AS ${p()}`);
    const rollUp = aggregate.fn === 'min' ? sql`min` : aggregate.fn === 'max' ? sql`max` : sql`sum`;
    totals.push(sql`${rollUp}(${p()}) AS ${a}`);
  });
  const keys = allKeys.map((name) => col(name));
  const grouped = sql`SELECT ${sql.join([...keys, ...partials])} FROM (${inner}) s GROUP BY ${sql.join(keys)}`;
  return sql`SELECT ${sql.join([...keyItems, ...totals])} FROM (${grouped}) s GROUP BY GROUPING SETS (${sql.join(sets)})`;
}

/** Only the grand totals (the previous period of a KPI chart). */
export function totalsSql(compiled: CompiledReport): RawBuilder<Record<string, unknown>> {
  const items = compiled.aggregates.map((aggregate, index) => sql`${aggregateSql(aggregate, index)} AS ${col(`a${index}`)}`);
  return sql`SELECT ${sql.join(items)} FROM (${innerSql(compiled)}) s`;
}

/** A tabular report: the columns of each record (c0…), sorted, one more row than the limit (to tell it was cut). */
export function tabularSql(compiled: CompiledReport, limit: number): RawBuilder<Record<string, unknown>> {
  const items = [sql`r.id AS id`, ...compiled.tabular.map((field, index) => sql`${field.expression} AS ${col(`c${index}`)}`)];
  const byPath = new Map(compiled.tabular.map((field) => [field.path, field]));
  const order = (compiled.definition.sort ?? []).map((sort) => {
    const expression = sort.by === 'id' ? sql`r.id` : byPath.get(sort.by)!.expression;
    return sort.direction === 'desc' ? sql`${expression} DESC NULLS LAST` : sql`${expression} ASC NULLS LAST`;
  });
  order.push(sql`r.id`);
  return sql`SELECT ${sql.join(items)} FROM ${from(compiled)} WHERE ${whereSql(compiled.where)} ORDER BY ${sql.join(order)} LIMIT ${limit + 1}`;
}

/** The drill-down condition on the module's rows: records whose group keys are `keys` (text-compared, null for empty). */
export function drillDownSql(compiled: CompiledReport, keys: Record<string, unknown>): RawBuilder<boolean> {
  const groups = [...compiled.rows, ...compiled.columns];
  const conditions: RawBuilder<boolean>[] = [];
  for (const [path, value] of Object.entries(keys)) {
    const index = groups.findIndex((group) => group.path === path);
    if (index < 0) throw invalid(`keys.${path}`, `"${path}" is not a grouped field of the report`);
    if (value !== null && typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
      throw invalid(`keys.${path}`, 'a key is a string, number, boolean or null');
    conditions.push(
      value === null ? sql<boolean>`s.${col(`k${index}`)} IS NULL` : sql<boolean>`s.${col(`k${index}`)}::text = ${String(value)}`,
    );
  }
  const match = conditions.length > 0 ? sql`WHERE ${sql.join(conditions, sql` AND `)}` : sql``;
  return sql<boolean>`r.id IN (SELECT s.id FROM (${innerSql(compiled)}) s ${match})`;
}
