import type { Executor } from '../db/database.js';
import type { AuthContext } from '../platform/auth/auth-context.js';
import { localDate, type OrgCalendar } from '../platform/orgs/periods.js';
import { findRoleNames } from './report.repository.js';
import { runReportQuery } from './report.repository.js';
import {
  filterScopeFor,
  findDisplayNames,
  findUserNames,
  formatFieldValue,
  moduleView,
  type OrgMetadata,
  type RecordScope,
} from '../records/index.js';
import { compileReport, groupedSql, lang, tabularSql, totalsSql, type CompiledGrouping, type CompiledReport } from './report.sql.js';
import { familyOf, invalid, type ReportScope, type ResolvedField } from './report-fields.js';
import { previousRange, resolveRange, type DayRange } from './report-periods.js';
import type { PeriodRange, ReportDefinition, ResultGroup, ResultValue } from './report.schemas.js';

/** What a run needs to know about the organization (its calendar, currency and exchange rates). */
export interface OrgSettings extends OrgCalendar {
  currency: string;
  exchangeRates: Record<string, string>;
}

/** The caller's scope for a report over `module`: 400 for an unknown module, 403 when their profile may not read it. */
export function reportScope(
  auth: AuthContext,
  metadata: OrgMetadata,
  scopes: (module: string) => RecordScope,
  org: OrgSettings,
  module: string,
): ReportScope {
  const meta = metadata.modules.get(module);
  if (!meta || meta.hidden) throw invalid('module', `unknown module "${module}"`);
  return {
    auth,
    view: moduleView(auth, metadata, module, 'read'),
    scopes,
    filterScope: filterScopeFor(auth, metadata, scopes),
    calendar: { timeZone: org.timeZone, fiscalYearStartMonth: org.fiscalYearStartMonth },
    exchangeRates: org.exchangeRates,
    joins: new Map(),
  };
}

export interface ReportColumn {
  key: string;
  label: string;
  type: string;
  format?: string;
  kind: 'column' | 'group' | 'aggregate' | 'formula';
}

export interface RunResult {
  columns: ReportColumn[];
  rows?: Array<Record<string, unknown>>;
  display?: Record<string, string>;
  groups?: ResultGroup[];
  columnKeys?: Array<{ keys: Record<string, unknown>; labels: Record<string, string | null>; values: Record<string, ResultValue> }>;
  cells?: Array<{ row: Record<string, unknown>; column: Record<string, unknown>; values: Record<string, ResultValue> }>;
  totals?: Record<string, ResultValue>;
  previous?: Record<string, ResultValue>;
  currency: string;
  truncated: boolean;
  durationMs: number;
}

const DEFAULT_LIMIT = 1000;

/** The days the report's period covers: the override (a dashboard's) or the definition's own range; none without a period field. */
export function periodOf(
  definition: ReportDefinition,
  override: PeriodRange | undefined,
  now: Date,
  calendar: OrgCalendar,
): DayRange | undefined {
  if (!definition.period) return undefined;
  return resolveRange(override ?? definition.period.range, localDate(now, calendar.timeZone), calendar);
}

/** Runs a definition as the caller: one statement (two for a KPI chart, whose previous period is the second). */
export async function runReport(
  executor: Executor,
  scope: ReportScope,
  definition: ReportDefinition,
  options: { period?: PeriodRange; now: Date; currency: string },
): Promise<RunResult> {
  const started = performance.now();
  const range = periodOf(definition, options.period, options.now, scope.calendar);
  const compiled = compileReport(scope, definition, range);
  const base = { currency: options.currency, truncated: false };
  let result: Omit<RunResult, 'durationMs'>;
  if (definition.type === 'tabular') {
    result = { ...base, ...(await tabular(executor, compiled)) };
  } else {
    const rows = await runReportQuery(executor, groupedSql(compiled));
    result = { ...base, ...(await grouped(executor, compiled, rows)) };
    if (definition.chart?.type === 'kpi' && range) {
      const previous = compileReport(scope, definition, previousRange(range, scope.calendar));
      const [row] = await runReportQuery(executor, totalsSql(previous));
      result.previous = valuesOf(compiled, row ?? {});
    }
  }
  return { ...result, durationMs: Math.round(performance.now() - started) };
}

async function tabular(executor: Executor, compiled: CompiledReport) {
  const limit = compiled.definition.limit ?? DEFAULT_LIMIT;
  const found = await runReportQuery(executor, tabularSql(compiled, limit));
  const page = found.slice(0, limit);
  const rows = page.map((row) => {
    const out: Record<string, unknown> = { id: row.id };
    compiled.tabular.forEach((field, index) => {
      const value = row[`c${index}`];
      out[field.path] = field.field.id.startsWith('user.') ? (value ?? null) : formatFieldValue(field.field, value);
    });
    return out;
  });
  const names = await namesOf(
    executor,
    compiled.scope,
    compiled.tabular.map((field, index) => ({ field, values: page.map((row) => row[`c${index}`]) })),
  );
  const display: Record<string, string> = {};
  for (const map of names) for (const [id, name] of map) display[id] = name;
  const columns: ReportColumn[] = compiled.tabular.map((field) => ({
    key: field.path,
    label: field.label,
    type: field.field.type,
    ...(field.field.type === 'currency' ? { format: 'currency' } : {}),
    kind: 'column' as const,
  }));
  return { columns, rows, display, truncated: found.length > limit };
}

/** Names of the ids a field's values hold (users, records, roles), as id → name. */
async function namesOf(
  executor: Executor,
  scope: ReportScope,
  fields: Array<{ field: ResolvedField; values: unknown[] }>,
): Promise<Array<Map<string, string>>> {
  const { auth, view } = scope;
  return Promise.all(
    fields.map(async ({ field, values }) => {
      const ids = [...new Set(values.filter((value): value is string => typeof value === 'string'))];
      if (ids.length === 0) return new Map<string, string>();
      if (field.names === 'user') return new Map((await findUserNames(executor, auth.orgId, ids)).map((row) => [row.id, row.name]));
      if (field.names === 'role') return findRoleNames(executor, auth.orgId, ids);
      if (field.names === 'lookup' && field.target && scope.filterScope.canRead(field.target)) {
        const rows = await findDisplayNames(executor, view.metadata.schema, field.target.table, field.target.displayFields, ids);
        return new Map(rows.filter((row) => row.name).map((row) => [row.id, row.name!]));
      }
      return new Map<string, string>();
    }),
  );
}

const toValue = (value: unknown): ResultValue => {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number') return value;
  const number = Number(value);
  return Number.isFinite(number) && typeof value !== 'boolean' && /^-?\d/.test(String(value)) && !/^\d{4}-\d{2}-\d{2}/.test(String(value))
    ? number
    : String(value);
};

/** The aggregates of one answer row (a0…) and the formulas over them. */
function valuesOf(compiled: CompiledReport, row: Record<string, unknown>): Record<string, ResultValue> {
  const values: Record<string, ResultValue> = {};
  compiled.aggregates.forEach((aggregate, index) => {
    const value = toValue(row[`a${index}`]);
    values[aggregate.key] = aggregate.fn === 'count' || aggregate.fn === 'count_distinct' ? (value ?? 0) : value;
  });
  for (const formula of compiled.formulas) values[formula.key] = evaluate(formula.tree, values);
  return values;
}

import { evaluateFormula } from './report-formula.js';
const evaluate = evaluateFormula;

async function grouped(executor: Executor, compiled: CompiledReport, answer: Array<Record<string, unknown>>) {
  const rowCount = compiled.rows.length;
  const all = [...compiled.rows, ...compiled.columns];
  const rolled = (row: Record<string, unknown>, index: number) => Number(row[`g${index}`]) === 1;
  const labels = await groupLabels(executor, compiled, all, answer);
  const keysOf = (row: Record<string, unknown>, from: number, to: number) =>
    Object.fromEntries(all.slice(from, to).map((group, offset) => [group.path, keyValue(row[`k${from + offset}`])]));
  const labelsOf = (row: Record<string, unknown>, from: number, to: number) =>
    Object.fromEntries(all.slice(from, to).map((group, offset) => [group.path, labels[from + offset]!(row[`k${from + offset}`])]));

  const top: ResultGroup[] = [];
  const byPrefix = new Map<string, ResultGroup>();
  let totals: Record<string, ResultValue> = {};
  const columnKeys: NonNullable<RunResult['columnKeys']> = [];
  const cells: NonNullable<RunResult['cells']> = [];
  const rowDepth = (row: Record<string, unknown>) => {
    let depth = 0;
    while (depth < rowCount && !rolled(row, depth)) depth++;
    return depth;
  };
  const columnsRolled = (row: Record<string, unknown>) => compiled.columns.every((_, index) => rolled(row, rowCount + index));
  // Parents before children: shallower rows first.
  const ordered = [...answer].sort((a, b) => rowDepth(a) - rowDepth(b));
  for (const row of ordered) {
    const depth = rowDepth(row);
    const values = valuesOf(compiled, row);
    if (!columnsRolled(row)) {
      if (depth === 0) columnKeys.push({ keys: keysOf(row, rowCount, all.length), labels: labelsOf(row, rowCount, all.length), values });
      else cells.push({ row: keysOf(row, 0, rowCount), column: keysOf(row, rowCount, all.length), values });
      continue;
    }
    if (depth === 0) {
      totals = values;
      continue;
    }
    const group: ResultGroup = { keys: keysOf(row, 0, depth), labels: labelsOf(row, 0, depth), values };
    if (depth < rowCount) group.children = [];
    byPrefix.set(JSON.stringify(Object.values(group.keys)), group);
    const parent = depth === 1 ? undefined : byPrefix.get(JSON.stringify(Object.values(group.keys).slice(0, depth - 1)));
    (parent ? parent.children! : top).push(group);
  }
  sortGroups(compiled, top, 0);
  columnKeys.sort((a, b) => compareKeys(compiled.columns, a.keys, b.keys));
  const result: Omit<RunResult, 'currency' | 'truncated' | 'durationMs'> = { columns: groupedColumns(compiled), groups: top, totals };
  if (compiled.columns.length > 0) Object.assign(result, { columnKeys, cells });
  return result;
}

const keyValue = (value: unknown) => (value instanceof Date ? value.toISOString() : (value ?? null));

function groupedColumns(compiled: CompiledReport): ReportColumn[] {
  return [
    ...[...compiled.rows, ...compiled.columns].map((group) => ({
      key: group.path,
      label: group.field.label,
      type: group.bucket ? 'text' : group.field.field.type,
      kind: 'group' as const,
    })),
    ...compiled.aggregates.map((aggregate) => ({
      key: aggregate.key,
      label: aggregate.label,
      type: 'number',
      ...(aggregate.currency ? { format: 'currency' } : {}),
      kind: 'aggregate' as const,
    })),
    ...compiled.formulas.map((formula) => ({
      key: formula.key,
      label: formula.label,
      type: 'number',
      ...(formula.format ? { format: formula.format } : {}),
      kind: 'formula' as const,
    })),
  ];
}

function compareValue(a: unknown, b: unknown, numeric: boolean): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if (numeric || (typeof a === 'number' && typeof b === 'number')) return Number(a) - Number(b);
  return String(a).localeCompare(String(b));
}

function compareKeys(groups: CompiledGrouping[], a: Record<string, unknown>, b: Record<string, unknown>): number {
  for (const group of groups) {
    const order = compareValue(a[group.path], b[group.path], !group.bucket && familyOf(group.field.field) === 'number');
    if (order !== 0) return order;
  }
  return 0;
}

/** Siblings in the definition's sort (a grouped field of their level or an aggregate key), by key otherwise. */
function sortGroups(compiled: CompiledReport, groups: ResultGroup[], level: number) {
  const grouping = compiled.rows[level]!;
  const numeric = !grouping.bucket && familyOf(grouping.field.field) === 'number';
  const sorts = (compiled.definition.sort ?? []).filter(
    (sort) => sort.by === grouping.path || !compiled.rows.some((row) => row.path === sort.by),
  );
  groups.sort((a, b) => {
    for (const sort of sorts) {
      const sign = sort.direction === 'desc' ? -1 : 1;
      const order =
        sort.by === grouping.path
          ? compareValue(a.keys[sort.by], b.keys[sort.by], numeric)
          : compareValue(a.values[sort.by], b.values[sort.by], true);
      if (order !== 0) return a.values[sort.by] === null || b.values[sort.by] === null ? order : sign * order;
    }
    return compareValue(a.keys[grouping.path], b.keys[grouping.path], numeric);
  });
  for (const group of groups) if (group.children) sortGroups(compiled, group.children, level + 1);
}

const EMPTY = { es: '(Vacío)', en: '(Empty)' };
const YES_NO = { es: ['Sí', 'No'], en: ['Yes', 'No'] };
const WEEK = { es: 'Sem.', en: 'Week' };
const QUARTER = { es: 'T', en: 'Q' };
const FISCAL = { es: 'AF', en: 'FY' };

/** One label function per grouping: picklist labels, names of users, records and roles, readable buckets. */
async function groupLabels(
  executor: Executor,
  compiled: CompiledReport,
  groups: CompiledGrouping[],
  answer: Array<Record<string, unknown>>,
): Promise<Array<(value: unknown) => string | null>> {
  const language = lang(compiled.scope);
  const names = await namesOf(
    executor,
    compiled.scope,
    groups.map((group, index) => ({ field: group.field, values: group.bucket ? [] : answer.map((row) => row[`k${index}`]) })),
  );
  return groups.map((group, index) =>
    memoize((value: unknown) => {
      if (value === null || value === undefined || value === '') return EMPTY[language];
      if (group.bucket) return bucketLabel(group.bucket, String(value), language);
      const field = group.field.field;
      if (group.field.names === 'picklist') {
        const codes = Array.isArray(value) ? value : [value];
        return codes
          .map((code) => field.options.values?.find((option) => option.code === code)?.labels[language] ?? String(code))
          .join(', ');
      }
      if (group.field.names === 'boolean') return YES_NO[language][value === true ? 0 : 1]!;
      if (group.field.names === 'plain')
        return familyOf(field) === 'date' || familyOf(field) === 'datetime' ? bucketLabel('day', String(value), language) : String(value);
      return names[index]!.get(String(value)) ?? String(value);
    }),
  );
}

/** A label is worked out once per value (a month heads many groups). */
function memoize(label: (value: unknown) => string | null): (value: unknown) => string | null {
  const cache = new Map<unknown, string | null>();
  return (value) => {
    const key = value instanceof Date ? value.toISOString() : Array.isArray(value) ? JSON.stringify(value) : value;
    if (!cache.has(key)) cache.set(key, label(value));
    return cache.get(key)!;
  };
}

// Made once: building an Intl formatter costs far more than formatting with it.
const formatsOf = (locale: string) => ({
  day: new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }),
  month: new Intl.DateTimeFormat(locale, { month: 'short', year: 'numeric', timeZone: 'UTC' }),
});
const FORMATS = { es: formatsOf('es-ES'), en: formatsOf('en-GB') };

/** `2026-03` → "mar 2026" (es) / "Mar 2026" (en); weeks, quarters and fiscal periods likewise. */
export function bucketLabel(bucket: string, key: string, language: 'es' | 'en'): string {
  if (bucket === 'day' && /^\d{4}-\d{2}-\d{2}$/.test(key)) return FORMATS[language].day.format(new Date(`${key}T00:00:00Z`));
  if (bucket === 'month' && /^\d{4}-\d{2}$/.test(key)) return FORMATS[language].month.format(new Date(`${key}-01T00:00:00Z`));
  const week = /^(\d{4})-W(\d{2})$/.exec(key);
  if (week) return `${WEEK[language]} ${Number(week[2])} ${week[1]}`;
  const quarter = /^(\d{4})-Q(\d)$/.exec(key);
  if (quarter)
    return bucket === 'fiscal_quarter'
      ? `${QUARTER[language]}${quarter[2]} ${FISCAL[language]}${quarter[1]}`
      : `${QUARTER[language]}${quarter[2]} ${quarter[1]}`;
  return key;
}
