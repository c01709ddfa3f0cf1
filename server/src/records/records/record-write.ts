import { sql } from 'kysely';
import type { Trx } from '../../db/database.js';
import { isUniqueViolation } from '../../db/pg-errors.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import type { RecordScope } from '../../platform/access/access.service.js';
import { COMPUTED_TYPES, valueFamily } from '../metadata/field-types.js';
import type { FieldMeta, ModuleMeta, OrgMetadata } from '../metadata/metadata.types.js';
import { isBaseColumn } from '../metadata/ddl.js';
import { formatFieldValue, isEmptyValue, parseFieldValue } from './field-values.js';
import { findActiveUserIds, findExistingIds, type RecordRow } from './record.repository.js';
import type { ModuleView } from './record-access.js';

/** One field's problem with a record: what the API answers (400) and what import reports per row. */
export interface FieldError {
  field: string | null;
  message: string;
  reason?: 'required' | 'invalid' | 'unknown_field' | 'read_only' | 'unique' | 'validation_rule' | 'not_found' | 'duplicate';
  /** reason 'duplicate': the records the new one duplicates (that the caller can see). */
  matches?: DuplicateMatch[];
}

/** A record that a new one duplicates by a duplicate rule. */
export interface DuplicateMatch {
  id: string;
  /** The record's name (its display fields). */
  name: string;
  /** The rules that matched: email, phone, name_company. */
  rules: string[];
}

/**
 * What other parts of the records module plug into every write: the
 * duplicate check before a create and the duplicate keys kept after each
 * insert and update. Run in the writer's transaction.
 */
export interface RecordHooks {
  /**
   * Before new records are inserted, after every check passed: may change their values (an assignment
   * rule picks the owner). `ownerGiven` tells whether the caller sent an owner_id; `id` is the id the
   * record will have. Values set here are not checked again, so a hook sets only what it verified.
   */
  beforeInsert?: Array<(trx: Trx, auth: AuthContext, view: ModuleView, items: NewRecord[]) => Promise<void>>;
  /**
   * Before an existing record is changed (`update`) or moved to the recycle bin (`delete`), with the record read and
   * locked: may refuse by throwing an AppError (a record under approval is locked; a Blueprint's field changes only
   * through its transitions). Runs for single, mass and bulk updates and deletes; an update passes what it brings.
   */
  beforeUpdate?: Array<
    (trx: Trx, auth: AuthContext, view: ModuleView, current: RecordRow, change: 'update' | 'delete', input?: UpdateInput) => Promise<void>
  >;
  /** After records were inserted (`created`) or changed; `rows` hold every field. */
  afterWrite: Array<(trx: Trx, metadata: OrgMetadata, module: ModuleMeta, rows: RecordRow[], created: boolean) => Promise<void>>;
  /**
   * For each new record of a batch (in order): the live records the caller can see that it duplicates by the
   * module's rules, and the first earlier record of the same batch it repeats (its position), if any.
   */
  findDuplicates?: (
    trx: Trx,
    auth: AuthContext,
    view: ModuleView,
    scopes: (module: string) => RecordScope,
    batch: Array<Record<string, unknown>>,
  ) => Promise<Array<{ matches: DuplicateMatch[]; repeats: number | null }>>;
}

/** What an update brings, as `beforeUpdate` hooks see it. */
export interface UpdateInput {
  /** The values sent, by API name, as given (not yet checked). */
  values: Record<string, unknown>;
  /** The write of a Blueprint transition (or of a lead's conversion): it may change a Blueprint's field. */
  allowBlueprintField?: boolean;
}

/** Options of an update: `allowBlueprintField` lets this write change the field of a Blueprint governing the record. */
export interface UpdateOptions {
  allowBlueprintField?: boolean;
}

/** A record about to be inserted, as `beforeInsert` hooks see it. */
export interface NewRecord {
  id: string;
  values: Record<string, unknown>;
  /** Whether the caller chose the owner (sent an owner_id); if not, the owner is the creator until a hook picks one. */
  ownerGiven: boolean;
}

/** Columns the server keeps: ignored when a client sends them back (a GET body can be PATCHed as it is). */
const SERVER_KEPT = new Set(['id', 'created_at', 'updated_at', 'created_by', 'updated_by']);

/**
 * Module-specific behaviour on save (deal stages set closed_at, cases get their
 * SLA due time…): changes `values` before they are checked and stored. It runs
 * inside the write's transaction and may read with `trx`, never wait on
 * anything outside the database.
 */
export type RecordBehaviour = (input: {
  values: Record<string, unknown>;
  current: RecordRow | null;
  module: ModuleMeta;
  now: Date;
  auth: AuthContext;
  trx: Trx;
}) => void | Promise<void>;

export interface Prepared {
  values: Record<string, unknown>;
  errors: FieldError[];
}

/** Whether two stored values are the same (numbers compare by value, dates by instant, lists by content). */
export function sameValue(field: FieldMeta, a: unknown, b: unknown): boolean {
  const empty = (v: unknown) => v === null || v === undefined || (Array.isArray(v) && v.length === 0);
  if (empty(a) || empty(b)) return empty(a) && empty(b);
  if (valueFamily(field.type, field.options.returnType) === 'number')
    return Number(a) === Number(b) && String(a).replace(/\.?0+$/, '') === String(b).replace(/\.?0+$/, '');
  if (a instanceof Date || b instanceof Date) return new Date(a as string).getTime() === new Date(b as string).getTime();
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && [...a].sort().join('\u0000') === [...b].sort().join('\u0000');
  return a === b;
}

/**
 * Checks and converts what a client sent, field by field, against the
 * caller's view: unknown and hidden fields, read-only fields, types,
 * picklists, bounds, required fields. Defaults fill what a new record lacks.
 */
export function prepareValues(
  input: unknown,
  view: ModuleView,
  options: { auth: AuthContext; current: RecordRow | null; orgCurrency: string },
): Prepared {
  const errors: FieldError[] = [];
  const values: Record<string, unknown> = {};
  const { current, auth } = options;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { values, errors: [{ field: null, message: 'A record is an object of field values.', reason: 'invalid' }] };
  }
  for (const [key, raw] of Object.entries(input as Record<string, unknown>)) {
    if (SERVER_KEPT.has(key)) continue;
    const field = view.byName.get(key);
    if (!field) {
      errors.push({ field: key, message: `${key} is not a field of ${view.module.apiName}.`, reason: 'unknown_field' });
      continue;
    }
    if (view.readOnly.has(key)) {
      const unchanged = current ? sameValue(field, formatFieldValue(field, current[key]), raw) : isEmptyValue(raw);
      if (!unchanged) errors.push({ field: key, message: `${key} is read-only.`, reason: 'read_only' });
      continue;
    }
    const parsed = parseFieldValue(field, raw, current?.[key]);
    if (parsed.ok) values[key] = parsed.value;
    else errors.push({ field: key, message: `${field.labels.en} ${parsed.message}.`, reason: 'invalid' });
  }
  if (!current) {
    for (const field of view.module.fields) {
      if (field.apiName in values || COMPUTED_TYPES.has(field.type) || field.defaultValue === null || field.defaultValue === undefined)
        continue;
      values[field.apiName] = field.defaultValue === '$org_currency' ? options.orgCurrency : parseDefault(field);
    }
    if (values.owner_id === undefined || values.owner_id === null) values.owner_id = auth.userId;
  }
  return { values, errors };
}

function parseDefault(field: FieldMeta): unknown {
  const parsed = parseFieldValue(field, field.defaultValue);
  return parsed.ok ? parsed.value : null;
}

/** Required fields must hold a value after the change (fields the caller cannot see are not theirs to fill). */
export function checkRequired(view: ModuleView, values: Record<string, unknown>, current: RecordRow | null): FieldError[] {
  const errors: FieldError[] = [];
  for (const field of view.visible) {
    if (!field.required || field.isSystem || COMPUTED_TYPES.has(field.type)) continue;
    if (current && !(field.apiName in values)) continue;
    const value = field.apiName in values ? values[field.apiName] : current?.[field.apiName];
    if (isEmptyValue(value)) errors.push({ field: field.apiName, message: `${field.labels.en} is required.`, reason: 'required' });
  }
  return errors;
}

/**
 * Lookups must point at live records the caller can see, users at active
 * users of the organization; checked for a whole batch with one query per
 * target. Returns errors by item index.
 */
export async function checkReferences(
  trx: Trx,
  input: {
    auth: AuthContext;
    view: ModuleView;
    scopes: (module: string) => RecordScope;
    canRead: (module: ModuleMeta) => boolean;
    items: Array<{ values: Record<string, unknown>; current: RecordRow | null }>;
  },
): Promise<Map<number, FieldError[]>> {
  const { view, items } = input;
  const wanted = new Map<string, Set<string>>(); // target module → ids
  const userIds = new Set<string>();
  const targetOf = (field: FieldMeta, item: (typeof items)[number]): string | undefined =>
    field.options.target ??
    (field.options.targetField
      ? ((item.values[field.options.targetField] ?? item.current?.[field.options.targetField]) as string | undefined)
      : undefined);
  const changed = (field: FieldMeta, item: (typeof items)[number]) =>
    field.apiName in item.values &&
    item.values[field.apiName] !== null &&
    !(item.current && item.current[field.apiName] === item.values[field.apiName]);
  for (const item of items) {
    for (const field of view.module.fields) {
      if (!changed(field, item)) continue;
      if (field.type === 'user') userIds.add(item.values[field.apiName] as string);
      if (field.type === 'lookup') {
        const target = targetOf(field, item);
        if (target) (wanted.get(target) ?? wanted.set(target, new Set()).get(target)!).add(item.values[field.apiName] as string);
      }
    }
  }
  const found = new Map<string, Set<string>>();
  for (const [target, ids] of wanted) {
    const module = view.metadata.modules.get(target);
    if (!module || !input.canRead(module)) continue;
    const scope = input.scopes(target).read;
    found.set(target, await findExistingIds(trx, view.metadata.schema, module.table, [...ids], scope.all ? null : scope.ownerIds));
  }
  const activeUsers = await findActiveUserIds(trx, input.auth.orgId, [...userIds]);
  const errors = new Map<number, FieldError[]>();
  items.forEach((item, index) => {
    const list: FieldError[] = [];
    for (const field of view.module.fields) {
      if (!changed(field, item)) continue;
      const value = item.values[field.apiName] as string;
      if (field.type === 'user' && !activeUsers.has(value)) {
        list.push({
          field: field.apiName,
          message: `${field.labels.en}: no active user of the organization has this id.`,
          reason: 'not_found',
        });
      }
      if (field.type === 'lookup') {
        const target = targetOf(field, item);
        if (!target || !view.metadata.modules.has(target)) {
          list.push({
            field: field.options.targetField ?? field.apiName,
            message: `${field.labels.en}: the related module is not known.`,
            reason: 'invalid',
          });
        } else if (!found.get(target)?.has(value)) {
          list.push({
            field: field.apiName,
            message: `${field.labels.en}: no ${target} record with this id that you can see.`,
            reason: 'not_found',
          });
        }
      }
    }
    if (list.length > 0) errors.set(index, list);
  });
  return errors;
}

/** Runs `fn` in a savepoint: on error the savepoint is rolled back and the error rethrown, the transaction stays usable. */
export async function withSavepoint<T>(trx: Trx, fn: () => Promise<T>): Promise<T> {
  await sql`SAVEPOINT record_write`.execute(trx);
  try {
    const result = await fn();
    await sql`RELEASE SAVEPOINT record_write`.execute(trx);
    return result;
  } catch (error) {
    await sql`ROLLBACK TO SAVEPOINT record_write`.execute(trx);
    throw error;
  }
}

/** The field a unique index violation is about (indexes are named `<table>__<field>_unique`). */
export function uniqueViolationError(error: unknown, module: ModuleMeta): FieldError | undefined {
  if (!isUniqueViolation(error)) return undefined;
  const constraint = (error as { constraint?: string }).constraint ?? '';
  const field = module.fields.find((candidate) => constraint.startsWith(`${module.table}__${candidate.apiName}_unique`));
  return { field: field?.apiName ?? null, message: `Another record already has this ${field?.labels.en ?? 'value'}.`, reason: 'unique' };
}

/** Columns a record table stores for writing (fields that are not generated), never the base columns but owner_id. */
export const storedColumn = (field: FieldMeta) =>
  field.type !== 'formula' && (!isBaseColumn(field.apiName) || field.apiName === 'owner_id');
