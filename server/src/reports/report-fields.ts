import { sql, type RawBuilder } from 'kysely';
import type { AuthContext } from '../platform/auth/auth-context.js';
import { AppError } from '../platform/http/app-error.js';
import type { OrgCalendar } from '../platform/orgs/periods.js';
import { qualifiedTable, viewOf, type FieldMeta, type ModuleMeta, type ModuleView, type RecordScope } from '../records/index.js';
import { USER_PATH_FIELDS, userPathSql, valueFamily, type UserPath, type FilterScope } from '../records/index.js';
import type { Bucket } from './report.schemas.js';

/**
 * Field paths of a report resolved against the caller's view: `amount` (a
 * field of the module), `account_id.tier` (a field of the related record,
 * through a LEFT JOIN of that module restricted to the caller's scope, so a
 * related record they may not see reads as empty) and `owner_id.role` (a
 * user's name, e-mail or role). Hidden fields and unreadable modules are
 * unknown: the 400 is the same as for a field that does not exist.
 */
export interface ResolvedField {
  path: string;
  /** What people read for the column: the field's label, after the lookup's for a path (`Cuenta · Nivel`). */
  label: string;
  /** The field read (for user paths, a stand-in named name/email/role). */
  field: FieldMeta;
  /** How values are named for people: picklist labels, user or record names, role names, or the value itself. */
  names: 'picklist' | 'user' | 'lookup' | 'role' | 'boolean' | 'plain';
  /** For `names: 'lookup'`: the module the ids point at. */
  target?: ModuleMeta;
  expression: RawBuilder<unknown>;
  /** For currency fields: the record's currency column, when its module has one. */
  currency?: RawBuilder<unknown>;
}

/** Everything a report's SQL is built from: the caller, their view of the module, scopes and the organization's calendar. */
export interface ReportScope {
  auth: AuthContext;
  view: ModuleView;
  scopes: (module: string) => RecordScope;
  filterScope: FilterScope;
  calendar: OrgCalendar;
  /** Units of each currency per one unit of the organization's currency. */
  exchangeRates: Record<string, string>;
  /** LEFT JOINs of related modules, by lookup field: alias and SQL. */
  joins: Map<string, { alias: string; sql: RawBuilder<unknown> }>;
}

/** A 400 naming the bad part of the definition (`groupBy[1].field: unknown field "foo" on deals`). */
export const invalid = (path: string, message: string) => new AppError('validation_failed', `${path}: ${message}`, { path, field: path });

/** Runs `build`, re-pointing a filter error's path under `prefix` (aggregates[0].filter.and[1].field). */
export function underPath<T>(prefix: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof AppError && error.code === 'validation_failed') {
      const details = (error.details ?? {}) as { field?: string };
      const inner = details.field && details.field.startsWith('filter') ? details.field.slice('filter'.length) : '';
      const path = `${prefix}${inner}`;
      throw new AppError('validation_failed', `${path}: ${error.message}`, { path, field: path });
    }
    throw error;
  }
}

function nameKind(field: FieldMeta): ResolvedField['names'] {
  if (field.type === 'picklist' || field.type === 'multi_select') return 'picklist';
  if (field.type === 'user') return 'user';
  if (field.type === 'boolean') return 'boolean';
  if (field.type === 'lookup' && field.options.target) return 'lookup';
  return 'plain';
}

/** Resolves a field path of the report's module (400 at `at` when unknown or hidden). */
export function resolveField(scope: ReportScope, path: string, at: string): ResolvedField {
  const { view } = scope;
  const module = view.module;
  const [first, second, ...rest] = path.split('.');
  const unknown = (name: string, on: string) => invalid(at, `unknown field "${name}" on ${on}`);
  if (rest.length > 0 || !first) throw invalid(at, 'related fields go one level deep (account_id.tier)');
  const base = view.byName.get(first);
  if (!base) throw unknown(first, module.apiName);
  const language = scope.auth.language === 'en' ? 'en' : 'es';
  const label = (field: FieldMeta) =>
    second === undefined ? field.labels[language] : `${base.labels[language]} · ${field.labels[language]}`;
  const own = (alias: string, field: FieldMeta, owner: ModuleMeta, target?: ModuleMeta): ResolvedField => {
    const currencyField = owner.fields.find((candidate) => candidate.apiName === 'currency' && candidate.type !== 'currency');
    return {
      path,
      label: label(field),
      field,
      names: nameKind(field),
      target:
        target ?? (field.type === 'lookup' && field.options.target ? scope.view.metadata.modules.get(field.options.target) : undefined),
      expression: sql.ref(`${alias}.${field.apiName}`),
      currency: field.type === 'currency' && currencyField ? sql.ref(`${alias}.currency`) : undefined,
    };
  };
  if (second === undefined) return own('r', base, module);
  if (base.type === 'user') {
    const field = USER_PATH_FIELDS.get(second);
    if (!field) throw invalid(at, `users expose ${[...USER_PATH_FIELDS.keys()].join(', ')}, not "${second}"`);
    const expression = userPathSql(second as UserPath, sql.ref(`r.${base.apiName}`), view.metadata.orgId);
    return { path, label: label(field), field, names: second === 'role' ? 'role' : 'plain', expression };
  }
  const target = base.type === 'lookup' && base.options.target ? view.metadata.modules.get(base.options.target) : undefined;
  if (!target || !scope.filterScope.canRead(target)) throw invalid(at, `"${first}" is not a lookup whose fields can be read`);
  const related = viewOf(scope.auth, view.metadata, target).byName.get(second);
  if (!related) throw unknown(second, target.apiName);
  return own(joinFor(scope, base, target), related, target);
}

/** The alias of the LEFT JOIN of a lookup's module: live records inside the caller's scope of that module only. */
function joinFor(scope: ReportScope, lookup: FieldMeta, target: ModuleMeta): string {
  let join = scope.joins.get(lookup.apiName);
  if (!join) {
    const alias = `j${scope.joins.size}`;
    const read = scope.scopes(target.apiName).read;
    const owners = read.all ? sql`` : sql` AND ${sql.ref(`${alias}.owner_id`)} = ANY(${read.ownerIds}::uuid[])`;
    const table = sql.raw(`${qualifiedTable(scope.view.metadata.schema, target.table)} ${alias}`);
    join = {
      alias,
      sql: sql`LEFT JOIN ${table} ON ${sql.ref(`${alias}.id`)} = ${sql.ref(`r.${lookup.apiName}`)} AND ${sql.ref(`${alias}.deleted_at`)} IS NULL${owners}`,
    };
    scope.joins.set(lookup.apiName, join);
  }
  return join.alias;
}

export const familyOf = (field: FieldMeta) => valueFamily(field.type, field.options.returnType);

/**
 * The key a grouping puts a record under: the value itself, or for dates its
 * bucket as text (`2026-03-04`, `2026-W09`, `2026-03`, `2026-Q1`, `2026`,
 * fiscal `2026-Q1`, `FY2026`) on the organization's local calendar: date-times
 * are turned into local time first, fiscal buckets shift by the fiscal year's
 * first month (a fiscal year is named after the year it starts in).
 */
export function groupKeySql(scope: ReportScope, field: ResolvedField, bucket: Bucket | undefined, at: string): RawBuilder<unknown> {
  const family = familyOf(field.field);
  if (family !== 'date' && family !== 'datetime') {
    if (bucket) throw invalid(`${at}.bucket`, `buckets apply to date and date-time fields, not to ${field.path}`);
    return field.expression;
  }
  const local =
    family === 'datetime' ? sql`(${field.expression} AT TIME ZONE ${scope.calendar.timeZone}::text)` : sql`${field.expression}::timestamp`;
  const shift = scope.calendar.fiscalYearStartMonth - 1;
  const fiscal = sql`(${local} - make_interval(months => ${shift}::int))`;
  switch (bucket ?? 'day') {
    case 'day':
      return sql`to_char(${local}, 'YYYY-MM-DD')`;
    case 'week':
      return sql`to_char(${local}, 'IYYY-"W"IW')`;
    case 'month':
      return sql`to_char(${local}, 'YYYY-MM')`;
    case 'quarter':
      return sql`to_char(${local}, 'YYYY-"Q"Q')`;
    case 'year':
      return sql`to_char(${local}, 'YYYY')`;
    case 'fiscal_quarter':
      return sql`to_char(${fiscal}, 'YYYY-"Q"Q')`;
    case 'fiscal_year':
      return sql`to_char(${fiscal}, '"FY"YYYY')`;
  }
}

/** A currency amount in the organization's currency (`amount ÷ rate` of the record's currency; 1 for its own or an unknown one). */
export function amountSql(scope: ReportScope, field: ResolvedField): RawBuilder<unknown> {
  const rates = Object.entries(scope.exchangeRates);
  if (!field.currency || rates.length === 0) return field.expression;
  // A CASE over the organization's few rates: cheap per row (a JSON lookup would parse the rates for every record).
  const branches = rates.map(([code, rate]) => sql` WHEN ${code} THEN ${field.expression} / ${rate}::numeric`);
  return sql`(CASE ${field.currency}${sql.join(branches, sql``)} ELSE ${field.expression} END)`;
}
