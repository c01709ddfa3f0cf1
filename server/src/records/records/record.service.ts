import { sql, type RawBuilder } from 'kysely';
import type { Executor, Trx } from '../../db/database.js';
import type { AppContext } from '../../platform/context.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import { canModuleAction, isOwnerInScope, loadRecordScopes, type RecordScope } from '../../platform/access/access.service.js';
import { AppError, badRequest, forbidden, notFound } from '../../platform/http/app-error.js';
import { newId } from '../../platform/ids.js';
import type { MetadataStore } from '../metadata/metadata-store.js';
import type { ModuleMeta, OrgMetadata } from '../metadata/metadata.types.js';
import { qualifiedTable } from '../metadata/ddl.js';
import { columnType } from '../metadata/field-types.js';
import { formatFieldValue } from './field-values.js';
import { recomputeRollups } from '../formulas/rollup.js';
import { compileFilter } from './record-filter.js';
import { filterScopeFor, fullFilterScope, moduleView, type ModuleView } from './record-access.js';
import { afterCursorSql, encodeRecordCursor, orderBySql, parseSort } from './record-sort.js';
import {
  countRecords,
  findDisplayNames,
  findUserNames,
  insertRecords,
  insertTimeline,
  listTimeline,
  selectRecords,
  selectRecordsPrepared,
  takeCounterNumbers,
  updateRecord,
  updateRecords,
  type RecordRow,
  type TimelineEntry,
} from './record.repository.js';
import {
  checkReferences,
  checkRequired,
  prepareValues,
  sameValue,
  storedColumn,
  uniqueViolationError,
  withSavepoint,
  type FieldError,
  type RecordBehaviour,
  type RecordHooks,
  type UpdateOptions,
} from './record-write.js';

export type ApiRecord = Record<string, unknown> & { id: string };
export type Display = Record<string, string>;

export interface QueryInput {
  filter?: unknown;
  sort?: unknown;
  limit?: number;
  cursor?: string;
  fields?: string[];
  /** Also answer how many records match (exact up to 10,000, estimated beyond). */
  count?: boolean;
}

export interface QueryResult {
  data: ApiRecord[];
  display: Display;
  nextCursor: string | null;
  total?: { value: number; exact: boolean };
}

/** One record's outcome in a batch (bulk API, import). */
export type BatchResult =
  { index: number; status: 'created' | 'updated' | 'unchanged'; id: string } | { index: number; status: 'error'; errors: FieldError[] };

const COUNT_CAP = 10_000;
export const MAX_BATCH = 1000;

const liveRow = (alias = 'r') => sql<boolean>`${sql.ref(`${alias}.deleted_at`)} IS NULL`;
const ownerIn = (scope: { all: true } | { all: false; ownerIds: string[] }): RawBuilder<boolean>[] =>
  scope.all ? [] : [sql<boolean>`r.owner_id = ANY(${scope.ownerIds}::uuid[])`];

/** The record as the API shows it: id and the fields of the view. */
function present(view: ModuleView, row: RecordRow, only?: Set<string>): ApiRecord {
  const record: ApiRecord = { id: row.id };
  for (const field of view.visible) {
    if (only && !only.has(field.apiName)) continue;
    record[field.apiName] = formatFieldValue(field, row[field.apiName]);
  }
  return record;
}

/** What a record event says of a workflow rule that caused it (the chain's depth), if one did. */
const automationCause = (auth: AuthContext) => (auth.automationDepth ? { automationDepth: auth.automationDepth } : {});

const invalid = (errors: FieldError[]) =>
  errors[0]?.reason === 'duplicate'
    ? new AppError('duplicate', errors[0].message, { reason: 'duplicate', matches: errors[0].matches ?? [], errors })
    : new AppError(
        errors.some((e) => e.reason === 'unique') ? 'conflict' : 'validation_failed',
        errors.length === 1 ? errors[0]!.message : `${errors[0]!.message} (and ${errors.length - 1} more)`,
        { field: errors[0]!.field, reason: errors[0]!.reason, errors },
      );

/** Options of a create: `allowDuplicates` skips the duplicate check (the caller saw the matches and goes on). */
export interface CreateOptions {
  allowDuplicates?: boolean;
}

export function createRecordService(
  ctx: AppContext,
  deps: { metadata: MetadataStore; behaviours: Map<string, RecordBehaviour>; hooks?: RecordHooks },
) {
  const hooks: RecordHooks = deps.hooks ?? { afterWrite: [] };
  const { database } = ctx;
  const metadataOf = (auth: AuthContext) => deps.metadata.get(auth.orgId, auth.orgSchema);
  const canRead = (auth: AuthContext) => (module: ModuleMeta) => !module.hidden && canModuleAction(auth, module.apiName, 'read');

  /**
   * Display names selected with the rows: one scalar subquery per user field
   * and per lookup into a module the caller can read (polymorphic lookups are
   * named afterwards, by displayFor).
   */
  function displayColumns(auth: AuthContext, view: ModuleView, only?: Set<string>) {
    const readable = canRead(auth);
    const columns: Array<{ alias: string; fields: string[]; expression: RawBuilder<unknown> }> = [];
    const userFields: string[] = [];
    view.visible.forEach((field, index) => {
      if (only && !only.has(field.apiName)) return;
      const ref = sql.ref(`r.${field.apiName}`);
      if (field.type === 'user') userFields.push(field.apiName);
      else if (field.type === 'lookup' && field.options.target) {
        const target = view.metadata.modules.get(field.options.target);
        if (!target || !readable(target) || target.displayFields.length === 0) return;
        const name = sql.raw(`concat_ws(' ', ${target.displayFields.map((f) => `x."${f}"::text`).join(', ')})`);
        // CASE: an empty lookup costs no lookup at all.
        columns.push({
          alias: `__d${index}`,
          fields: [field.apiName],
          expression: sql`CASE WHEN ${ref} IS NULL THEN NULL ELSE (SELECT ${name} FROM ${sql.raw(qualifiedTable(view.metadata.schema, target.table))} x WHERE x.id = ${ref}) END`,
        });
      }
    });
    if (userFields.length > 0) {
      // Every user field of the row (owner, created by…) in one lookup: {id: name}.
      const refs = sql.join(userFields.map((f) => sql.ref(`r.${f}`)));
      columns.push({
        alias: '__users',
        fields: userFields,
        expression: sql`(SELECT json_object_agg(u.id, u.name) FROM platform.users u WHERE u.org_id = ${auth.orgId} AND u.id IN (${refs}))`,
      });
    }
    return columns;
  }

  /** Names of the records and users a set of rows points at, by id: from the rows' display columns, the rest queried. */
  async function displayFor(
    executor: Executor,
    auth: AuthContext,
    view: ModuleView,
    rows: RecordRow[],
    selected: Array<{ alias: string; fields: string[] }> = [],
  ): Promise<Display> {
    const display: Display = {};
    const named = new Set(selected.flatMap((column) => column.fields));
    for (const row of rows) {
      for (const column of selected) {
        const value = row[column.alias];
        if (value && typeof value === 'object') Object.assign(display, value as Display);
        const id = row[column.fields[0]!];
        if (typeof id === 'string' && typeof value === 'string' && value !== '') display[id] = value;
      }
    }
    const byModule = new Map<string, Set<string>>();
    const users = new Set<string>();
    for (const row of rows) {
      for (const field of view.visible) {
        const value = row[field.apiName];
        if (typeof value !== 'string' || named.has(field.apiName)) continue;
        if (field.type === 'user') users.add(value);
        else if (field.type === 'lookup') {
          const target = field.options.target ?? (field.options.targetField ? (row[field.options.targetField] as string) : undefined);
          if (target) (byModule.get(target) ?? byModule.set(target, new Set()).get(target)!).add(value);
        }
      }
    }
    const readable = canRead(auth);
    for (const [target, ids] of byModule) {
      const module = view.metadata.modules.get(target);
      if (!module || !readable(module)) continue;
      for (const row of await findDisplayNames(executor, view.metadata.schema, module.table, module.displayFields, [...ids])) {
        if (row.name) display[row.id] = row.name;
      }
    }
    for (const user of await findUserNames(executor, auth.orgId, [...users])) display[user.id] = user.name;
    return display;
  }

  /** A live record the caller can read, or 404. */
  async function findVisible(executor: Executor, view: ModuleView, scope: RecordScope, id: string, forUpdate = false): Promise<RecordRow> {
    const columns = ['id', ...view.module.fields.map((f) => f.apiName)];
    const [row] = await selectRecords(executor, {
      schema: view.metadata.schema,
      table: view.module.table,
      columns,
      where: [sql<boolean>`r.id = ${id}`, liveRow(), ...ownerIn(scope.read)],
      forUpdate,
    });
    if (!row) throw notFound();
    return row;
  }

  async function get(auth: AuthContext, moduleName: string, id: string): Promise<{ data: ApiRecord; display: Display }> {
    const metadata = await metadataOf(auth);
    const view = moduleView(auth, metadata, moduleName, 'read');
    const scopes = await loadRecordScopes(database.db, auth);
    // One prepared statement: the record, with the names it points at.
    const extra = displayColumns(auth, view);
    const [row] = await selectRecordsPrepared(database, {
      schema: metadata.schema,
      table: view.module.table,
      columns: ['id', ...view.visible.map((f) => f.apiName)],
      extra,
      where: [sql<boolean>`r.id = ${id}`, liveRow(), ...ownerIn(scopes(view.module.apiName).read)],
    });
    if (!row) throw notFound();
    return { data: present(view, row), display: await displayFor(database.db, auth, view, [row], extra) };
  }

  /** Throws unless the caller may edit this record (404 when they cannot see it, 403 when they can only look). */
  async function assertWritable(auth: AuthContext, moduleName: string, id: string): Promise<void> {
    const metadata = await metadataOf(auth);
    const view = moduleView(auth, metadata, moduleName, 'edit');
    const scope = (await loadRecordScopes(database.db, auth))(view.module.apiName);
    const row = await findVisible(database.db, view, scope, id);
    if (!isOwnerInScope(scope.write, row.owner_id)) throw forbidden('You can see this record but not change it.');
  }

  /**
   * A page of records the caller may read. `restrict` adds conditions built by the server (a report's drill-down:
   * the rows behind a group), never from request input.
   */
  async function query(
    auth: AuthContext,
    moduleName: string,
    input: QueryInput,
    restrict: RawBuilder<boolean>[] = [],
  ): Promise<QueryResult> {
    const metadata = await metadataOf(auth);
    const view = moduleView(auth, metadata, moduleName, 'read');
    const scopes = await loadRecordScopes(database.db, auth);
    const limit = input.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw badRequest('"limit" is between 1 and 500.', 'limit');
    let only: Set<string> | undefined;
    if (input.fields && input.fields.length > 0) {
      for (const name of input.fields) if (name !== 'id' && !view.byName.has(name)) throw badRequest(`Unknown field "${name}".`, 'fields');
      only = new Set(input.fields);
    }
    const where: RawBuilder<boolean>[] = [liveRow(), ...ownerIn(scopes(view.module.apiName).read)];
    if (input.filter !== undefined && input.filter !== null)
      where.push(compileFilter(input.filter, view.module, filterScopeFor(auth, metadata, scopes)));
    where.push(...restrict);
    const sort = parseSort(input.sort, view.visible);
    const pageWhere = input.cursor ? [...where, afterCursorSql(sort, input.cursor)] : where;
    // Select what the page shows plus the sort keys (the cursor needs them).
    const columns = new Set(['id', ...(only ?? view.visible.map((f) => f.apiName))]);
    for (const key of sort) if (key.field !== 'id') columns.add(key.field.apiName);
    if (only)
      for (const field of view.visible) if (field.options.targetField && only.has(field.apiName)) columns.add(field.options.targetField);
    const extra = displayColumns(auth, view, only);
    const rows = await selectRecords(database.db, {
      schema: metadata.schema,
      table: view.module.table,
      columns: [...columns],
      extra,
      where: pageWhere,
      orderBy: orderBySql(sort),
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const nextCursor = rows.length > limit ? encodeRecordCursor(sort, page.at(-1)!) : null;
    const result: QueryResult = {
      data: page.map((row) => present(view, row, only)),
      display: await displayFor(database.db, auth, view, page, extra),
      nextCursor,
    };
    if (input.count)
      // A first page that is not full holds every match: its size is the exact total, no count needed.
      result.total =
        !input.cursor && rows.length <= limit
          ? { value: rows.length, exact: true }
          : await countRecords(database.db, { schema: metadata.schema, table: view.module.table, where }, COUNT_CAP);
    return result;
  }

  /** Validation rules: a record matching a rule's condition is refused with its message (checked on the stored row). */
  async function violatedRules(trx: Trx, metadata: OrgMetadata, module: ModuleMeta, ids: string[]): Promise<Map<string, FieldError>> {
    const violations = new Map<string, FieldError>();
    for (const rule of module.validationRules) {
      if (!rule.active || ids.length === 0) continue;
      const condition = compileFilter(rule.condition, module, fullFilterScope(metadata));
      const rows = await selectRecords(trx, {
        schema: metadata.schema,
        table: module.table,
        columns: ['id'],
        where: [sql<boolean>`r.id = ANY(${ids}::uuid[])`, condition],
      });
      for (const row of rows)
        if (!violations.has(row.id)) violations.set(row.id, { field: null, message: rule.message, reason: 'validation_rule' });
    }
    return violations;
  }

  async function applyBehaviour(
    trx: Trx,
    auth: AuthContext,
    module: ModuleMeta,
    values: Record<string, unknown>,
    current: RecordRow | null,
  ) {
    await deps.behaviours.get(module.apiName)?.({ values, current, module, now: ctx.now(), auth, trx });
  }

  /**
   * Creates records in the caller's transaction: each one is checked alone,
   * the good ones are inserted together, a bad one never stops the others.
   * Emits record.created and writes the timeline for each created record.
   */
  async function createMany(
    trx: Trx,
    auth: AuthContext,
    view: ModuleView,
    scopes: (module: string) => RecordScope,
    inputs: Array<{ index: number; values: unknown }>,
    options: CreateOptions = {},
  ): Promise<BatchResult[]> {
    const { module, metadata } = view;
    const results: BatchResult[] = [];
    const candidates: Array<{ index: number; values: Record<string, unknown>; ownerGiven: boolean }> = [];
    for (const input of inputs) {
      const prepared = prepareValues(input.values, view, { auth, current: null, orgCurrency: auth.organization.currency });
      await applyBehaviour(trx, auth, module, prepared.values, null);
      const errors = [...prepared.errors, ...checkRequired(view, prepared.values, null)];
      const sent = typeof input.values === 'object' && input.values !== null ? (input.values as Record<string, unknown>).owner_id : null;
      const ownerGiven = sent !== undefined && sent !== null && sent !== '';
      if (errors.length > 0) results.push({ index: input.index, status: 'error', errors });
      else candidates.push({ index: input.index, values: prepared.values, ownerGiven });
    }
    const referenceErrors = await checkReferences(trx, {
      auth,
      view,
      scopes,
      canRead: canRead(auth),
      items: candidates.map((c) => ({ values: c.values, current: null })),
    });
    let valid = candidates.filter((candidate, position) => {
      const errors = referenceErrors.get(position);
      if (errors) results.push({ index: candidate.index, status: 'error', errors });
      return !errors;
    });
    if (!options.allowDuplicates && hooks.findDuplicates) {
      const unique: typeof valid = [];
      // One check for the whole batch (an import's 500 rows are a few queries, not 1,500).
      const found = await hooks.findDuplicates(
        trx,
        auth,
        view,
        scopes,
        valid.map((candidate) => candidate.values),
      );
      for (const [position, candidate] of valid.entries()) {
        const { matches, repeats } = found[position] ?? { matches: [], repeats: null };
        if (matches.length === 0 && repeats !== null) {
          const earlier = valid[repeats]!;
          const name = module.displayFields
            .map((field) => earlier.values[field])
            .filter((value) => value !== null && value !== undefined && value !== '')
            .join(' ');
          results.push({
            index: candidate.index,
            status: 'error',
            errors: [
              {
                field: null,
                reason: 'duplicate',
                message: `This record repeats an earlier one of the same batch (${name || `record ${earlier.index + 1}`}); send allowDuplicates=true to create both.`,
              },
            ],
          });
        } else if (matches.length === 0) unique.push(candidate);
        else
          results.push({
            index: candidate.index,
            status: 'error',
            errors: [
              {
                field: null,
                reason: 'duplicate',
                message: `This record looks like ${matches.length === 1 ? 'an existing one' : `${matches.length} existing ones`} (${matches.map((m) => m.name).join(', ')}); send allowDuplicates=true to create it anyway.`,
                matches,
              },
            ],
          });
      }
      valid = unique;
    }
    if (valid.length === 0) return results.sort((a, b) => a.index - b.index);

    const ids = valid.map(() => newId());
    for (const hook of hooks.beforeInsert ?? [])
      await hook(
        trx,
        auth,
        view,
        valid.map((item, i) => ({ id: ids[i]!, values: item.values, ownerGiven: item.ownerGiven })),
      );
    const now = ctx.now();
    for (const field of module.fields) {
      if (field.type !== 'auto_number') continue;
      const first = await takeCounterNumbers(
        trx,
        metadata.schema,
        `${module.apiName}.${field.apiName}`,
        field.options.start ?? 1,
        valid.length,
      );
      valid.forEach((item, i) => (item.values[field.apiName] = `${field.options.prefix ?? ''}${first + i}`));
    }
    // A new parent has no children yet: its sums and counts start at zero.
    const zeroRollups = Object.fromEntries(
      module.fields
        .filter((f) => f.type === 'rollup' && (f.options.rollup?.fn === 'sum' || f.options.rollup?.fn === 'count'))
        .map((f) => [f.apiName, '0']),
    );
    const rows = valid.map((item, i) => ({
      ...zeroRollups,
      ...item.values,
      id: ids[i]!,
      created_by: auth.userId,
      updated_by: auth.userId,
      created_at: now,
      updated_at: now,
    }));
    const columns = [
      'id',
      'created_by',
      'updated_by',
      'created_at',
      'updated_at',
      ...module.fields.filter(storedColumn).map((f) => f.apiName),
    ];
    const columnTypes: Record<string, string> = {
      id: 'uuid',
      created_by: 'uuid',
      updated_by: 'uuid',
      created_at: 'timestamptz',
      updated_at: 'timestamptz',
    };
    for (const field of module.fields.filter(storedColumn)) columnTypes[field.apiName] = columnType(field.type, field.options);
    const returning = ['id', ...module.fields.map((f) => f.apiName)];
    let inserted: Array<{ index: number; row: RecordRow }> = [];
    try {
      const stored = await withSavepoint(trx, () =>
        insertRecords(trx, metadata.schema, module.table, columns, rows, returning, columnTypes),
      );
      const indexById = new Map(rows.map((row, i) => [row.id, valid[i]!.index]));
      inserted = stored.map((row) => ({ index: indexById.get(row.id)!, row }));
    } catch (error) {
      if (!uniqueViolationError(error, module)) throw error;
      // Someone's value is taken: insert one by one to tell which.
      for (const [i, row] of rows.entries()) {
        try {
          const [stored] = await withSavepoint(trx, () => insertRecords(trx, metadata.schema, module.table, columns, [row], returning));
          inserted.push({ index: valid[i]!.index, row: stored! });
        } catch (single) {
          const unique = uniqueViolationError(single, module);
          if (!unique) throw single;
          results.push({ index: valid[i]!.index, status: 'error', errors: [unique] });
        }
      }
    }
    const violations = await violatedRules(
      trx,
      metadata,
      module,
      inserted.map((item) => item.row.id),
    );
    if (violations.size > 0) {
      // Refused by a validation rule: gone before anyone could see them.
      await sql`DELETE FROM ${sql.raw(`"${metadata.schema}"."${module.table}"`)} WHERE id = ANY(${[...violations.keys()]}::uuid[])`.execute(
        trx,
      );
      for (const item of inserted)
        if (violations.has(item.row.id)) results.push({ index: item.index, status: 'error', errors: [violations.get(item.row.id)!] });
      inserted = inserted.filter((item) => !violations.has(item.row.id));
    }
    for (const hook of hooks.afterWrite)
      await hook(
        trx,
        metadata,
        module,
        inserted.map((item) => item.row),
        true,
      );
    await recomputeRollups(
      trx,
      metadata,
      module.apiName,
      inserted.map((item) => ({ before: null, after: item.row })),
    );
    await insertTimeline(
      trx,
      metadata.schema,
      inserted.map((item) => ({
        id: newId(),
        module: module.apiName,
        record_id: item.row.id,
        kind: 'created',
        actor_id: auth.userId,
        at: now,
        data: {},
      })),
    );
    await ctx.events.emitMany(
      trx,
      'record.created',
      auth.orgId,
      inserted.map((item) => ({
        module: module.apiName,
        id: item.row.id,
        record: presentAll(module, item.row),
        actorId: auth.userId,
        ...automationCause(auth),
      })),
    );
    for (const item of inserted) results.push({ index: item.index, status: 'created', id: item.row.id });
    createdRows.set(trx, new Map(inserted.map((item) => [item.row.id, item.row])));
    return results.sort((a, b) => a.index - b.index);
  }

  // The rows a createMany/updateOne just wrote, for the single-record routes to answer with (no second read).
  const createdRows = new WeakMap<Trx, Map<string, RecordRow>>();

  /** Updates one record in the caller's transaction; throws 404/403/400/409. Returns the stored row and whether anything changed. */
  async function updateOne(
    trx: Trx,
    auth: AuthContext,
    view: ModuleView,
    scopes: (module: string) => RecordScope,
    id: string,
    input: unknown,
    options: UpdateOptions = {},
  ): Promise<{ row: RecordRow; changed: boolean }> {
    const { module, metadata } = view;
    const scope = scopes(module.apiName);
    const current = await findVisible(trx, view, scope, id, true);
    if (!isOwnerInScope(scope.write, current.owner_id)) throw forbidden('You can see this record but not change it.');
    const given = input && typeof input === 'object' && !Array.isArray(input) ? (input as Record<string, unknown>) : {};
    for (const hook of hooks.beforeUpdate ?? [])
      await hook(trx, auth, view, current, 'update', { values: given, allowBlueprintField: options.allowBlueprintField });
    const prepared = prepareValues(input, view, { auth, current, orgCurrency: auth.organization.currency });
    await applyBehaviour(trx, auth, module, prepared.values, current);
    const errors = [...prepared.errors, ...checkRequired(view, prepared.values, current)];
    if (errors.length > 0) throw invalid(errors);
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    const set: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(prepared.values)) {
      const field = module.fields.find((f) => f.apiName === key)!;
      if (sameValue(field, current[key], value)) continue;
      set[key] = value;
      changes[key] = { from: formatFieldValue(field, current[key]), to: formatFieldValue(field, value) };
    }
    if (Object.keys(set).length === 0) return { row: current, changed: false };
    const referenceErrors = await checkReferences(trx, { auth, view, scopes, canRead: canRead(auth), items: [{ values: set, current }] });
    if (referenceErrors.size > 0) throw invalid(referenceErrors.get(0)!);
    const now = ctx.now();
    let row: RecordRow;
    try {
      row = (await withSavepoint(trx, () =>
        updateRecord(trx, metadata.schema, module.table, id, { ...set, updated_at: now, updated_by: auth.userId }, [
          'id',
          ...module.fields.map((f) => f.apiName),
        ]),
      ))!;
    } catch (error) {
      const unique = uniqueViolationError(error, module);
      if (unique) throw invalid([unique]);
      throw error;
    }
    const violation = (await violatedRules(trx, metadata, module, [id])).get(id);
    if (violation) throw invalid([violation]);
    for (const hook of hooks.afterWrite) await hook(trx, metadata, module, [row], false);
    await recomputeRollups(trx, metadata, module.apiName, [{ before: current, after: row }]);
    await insertTimeline(trx, metadata.schema, [
      { id: newId(), module: module.apiName, record_id: id, kind: 'updated', actor_id: auth.userId, at: now, data: { changes } },
    ]);
    await ctx.events.emit(trx, 'record.updated', auth.orgId, {
      module: module.apiName,
      id,
      record: presentAll(module, row),
      changes,
      actorId: auth.userId,
      ...automationCause(auth),
    });
    return { row, changed: true };
  }

  /**
   * Values on many records in the caller's transaction, set-wise (rules' field updates over a batch): each record is
   * read, checked and prepared like `updateOne`, then those whose values differ are written by one statement per set
   * of changed columns, with their timeline entries and record.updated events together. All or nothing: the first
   * record refused (404/403/400/409) throws, so a caller can fall back to `updateOne` per record. Returns, by id, the
   * stored row, whether it changed and the changes made.
   */
  async function updateMany(
    trx: Trx,
    auth: AuthContext,
    view: ModuleView,
    scopes: (module: string) => RecordScope,
    items: Array<{ id: string; values: Record<string, unknown> }>,
  ): Promise<Map<string, { row: RecordRow; changed: boolean; changes: Record<string, { from: unknown; to: unknown }> }>> {
    const { module, metadata } = view;
    const scope = scopes(module.apiName);
    const inputs = new Map(items.map((item) => [item.id, item.values]));
    const unique = [...inputs.keys()];
    const currentRows = await selectRecords(trx, {
      schema: metadata.schema,
      table: module.table,
      columns: ['id', ...module.fields.map((f) => f.apiName)],
      where: [sql<boolean>`r.id = ANY(${unique}::uuid[])`, liveRow(), ...ownerIn(scope.read)],
      orderBy: sql`r.id`,
      forUpdate: true,
    });
    if (currentRows.length !== unique.length) throw notFound();
    const outcomes = new Map<string, { row: RecordRow; changed: boolean; changes: Record<string, { from: unknown; to: unknown }> }>();
    const writes: Array<{ current: RecordRow; set: Record<string, unknown>; changes: Record<string, { from: unknown; to: unknown }> }> = [];
    for (const current of currentRows) {
      if (!isOwnerInScope(scope.write, current.owner_id)) throw forbidden('You can see this record but not change it.');
      for (const hook of hooks.beforeUpdate ?? [])
        await hook(trx, auth, view, current, 'update', { values: { ...inputs.get(current.id) } });
      const prepared = prepareValues({ ...inputs.get(current.id) }, view, { auth, current, orgCurrency: auth.organization.currency });
      await applyBehaviour(trx, auth, module, prepared.values, current);
      const errors = [...prepared.errors, ...checkRequired(view, prepared.values, current)];
      if (errors.length > 0) throw invalid(errors);
      const set: Record<string, unknown> = {};
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      for (const [key, value] of Object.entries(prepared.values)) {
        const field = module.fields.find((f) => f.apiName === key)!;
        if (sameValue(field, current[key], value)) continue;
        set[key] = value;
        changes[key] = { from: formatFieldValue(field, current[key]), to: formatFieldValue(field, value) };
      }
      if (Object.keys(set).length === 0) outcomes.set(current.id, { row: current, changed: false, changes });
      else writes.push({ current, set, changes });
    }
    if (writes.length > 0) {
      const referenceErrors = await checkReferences(trx, {
        auth,
        view,
        scopes,
        canRead: canRead(auth),
        items: writes.map((write) => ({ values: write.set, current: write.current })),
      });
      if (referenceErrors.size > 0) throw invalid([...referenceErrors.values()][0]!);
      const now = ctx.now();
      let rows: RecordRow[];
      try {
        rows = await withSavepoint(trx, () =>
          writeChanges(
            trx,
            auth,
            view,
            writes.map((write) => ({ id: write.current.id, set: write.set })),
            now,
          ),
        );
      } catch (error) {
        const violation = uniqueViolationError(error, module);
        if (violation) throw invalid([violation]);
        throw error;
      }
      const violation = [
        ...(
          await violatedRules(
            trx,
            metadata,
            module,
            rows.map((row) => row.id),
          )
        ).values(),
      ][0];
      if (violation) throw invalid([violation]);
      for (const hook of hooks.afterWrite) await hook(trx, metadata, module, rows, false);
      const byId = new Map(writes.map((write) => [write.current.id, write]));
      await recomputeRollups(
        trx,
        metadata,
        module.apiName,
        rows.map((row) => ({ before: byId.get(row.id)!.current, after: row })),
      );
      await announceUpdates(
        trx,
        auth,
        view,
        rows.map((row) => ({ row, changes: byId.get(row.id)!.changes })),
        now,
      );
      for (const row of rows) outcomes.set(row.id, { row, changed: true, changes: byId.get(row.id)!.changes });
    }
    return outcomes;
  }

  /**
   * In the caller's transaction: the record, locked for update, when the
   * caller may change it (404 when they cannot see it, 403 when they can only
   * look). For features that write beside a record (line items…).
   */
  async function lockWritable(trx: Trx, view: ModuleView, scopes: (module: string) => RecordScope, id: string): Promise<RecordRow> {
    const scope = scopes(view.module.apiName);
    const row = await findVisible(trx, view, scope, id, true);
    if (!isOwnerInScope(scope.write, row.owner_id)) throw forbidden('You can see this record but not change it.');
    return row;
  }

  /**
   * Sets system fields (read-only for users: document totals…) of a record
   * the caller locked with `lockWritable`, in the caller's transaction. The
   * changes go on the timeline (as `timeline.kind`, default `updated`, with
   * `timeline.data`; an entry of that kind is written even when no field
   * changed) and emit record.updated.
   */
  async function writeSystemFields(
    trx: Trx,
    auth: AuthContext,
    view: ModuleView,
    current: RecordRow,
    values: Record<string, unknown>,
    timeline: { kind?: string; data?: Record<string, unknown> } = {},
  ): Promise<{ row: RecordRow; changed: boolean }> {
    const { module, metadata } = view;
    const set: Record<string, unknown> = {};
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const [key, value] of Object.entries(values)) {
      const field = module.fields.find((f) => f.apiName === key);
      if (!field?.isSystem) throw new Error(`${key} is not a system field of ${module.apiName}.`);
      if (sameValue(field, current[key], value)) continue;
      set[key] = value;
      changes[key] = { from: formatFieldValue(field, current[key]), to: formatFieldValue(field, value) };
    }
    const changed = Object.keys(set).length > 0;
    const now = ctx.now();
    const row = changed
      ? (await updateRecord(trx, metadata.schema, module.table, current.id, { ...set, updated_at: now, updated_by: auth.userId }, [
          'id',
          ...module.fields.map((f) => f.apiName),
        ]))!
      : current;
    if (changed || timeline.kind) {
      await insertTimeline(trx, metadata.schema, [
        {
          id: newId(),
          module: module.apiName,
          record_id: current.id,
          kind: timeline.kind ?? 'updated',
          actor_id: auth.userId,
          at: now,
          data: { ...timeline.data, changes },
        },
      ]);
    }
    if (changed)
      await ctx.events.emit(trx, 'record.updated', auth.orgId, {
        module: module.apiName,
        id: current.id,
        record: presentAll(module, row),
        changes,
        actorId: auth.userId,
        ...automationCause(auth),
      });
    return { row, changed };
  }

  /** `writeSystemFields` over many records locked by the caller (a batch's scores): one statement per set of columns. */
  async function writeSystemFieldsMany(
    trx: Trx,
    auth: AuthContext,
    view: ModuleView,
    items: Array<{ current: RecordRow; values: Record<string, unknown> }>,
    timeline: { data?: Record<string, unknown> } = {},
  ): Promise<RecordRow[]> {
    const { module } = view;
    const writes: Array<{ id: string; set: Record<string, unknown> }> = [];
    const changesOf = new Map<string, Record<string, { from: unknown; to: unknown }>>();
    for (const { current, values } of items) {
      const set: Record<string, unknown> = {};
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      for (const [key, value] of Object.entries(values)) {
        const field = module.fields.find((f) => f.apiName === key);
        if (!field?.isSystem) throw new Error(`${key} is not a system field of ${module.apiName}.`);
        if (sameValue(field, current[key], value)) continue;
        set[key] = value;
        changes[key] = { from: formatFieldValue(field, current[key]), to: formatFieldValue(field, value) };
      }
      if (Object.keys(set).length === 0) continue;
      writes.push({ id: current.id, set });
      changesOf.set(current.id, changes);
    }
    const now = ctx.now();
    const rows = await writeChanges(trx, auth, view, writes, now);
    await announceUpdates(
      trx,
      auth,
      view,
      rows.map((row) => ({ row, changes: changesOf.get(row.id)! })),
      now,
      timeline.data,
    );
    return rows;
  }

  /**
   * Writes changed values to many records and stamps them updated: one statement per set of columns (records may
   * change different ones), or per record when a column holds a list. Returns the stored rows.
   */
  async function writeChanges(
    trx: Trx,
    auth: AuthContext,
    view: ModuleView,
    writes: Array<{ id: string; set: Record<string, unknown> }>,
    now: Date,
  ): Promise<RecordRow[]> {
    const { module, metadata } = view;
    const returning = ['id', ...module.fields.map((f) => f.apiName)];
    const stamp = { updated_at: now, updated_by: auth.userId };
    const columnTypes: Record<string, string> = {};
    const bySet = new Map<string, typeof writes>();
    for (const write of writes) {
      for (const column of Object.keys(write.set)) {
        const field = module.fields.find((f) => f.apiName === column)!;
        columnTypes[column] ??= columnType(field.type, field.options);
      }
      const key = Object.keys(write.set).sort().join(',');
      bySet.set(key, [...(bySet.get(key) ?? []), write]);
    }
    const rows: RecordRow[] = [];
    for (const [key, group] of bySet) {
      const columns = key.split(',');
      if (columns.some((column) => columnTypes[column]!.endsWith('[]'))) {
        for (const write of group)
          rows.push((await updateRecord(trx, metadata.schema, module.table, write.id, { ...write.set, ...stamp }, returning))!);
      } else
        rows.push(
          ...(await updateRecords(
            trx,
            metadata.schema,
            module.table,
            group.map((write) => ({ id: write.id, values: write.set })),
            columns,
            columnTypes,
            stamp,
            returning,
          )),
        );
    }
    return rows;
  }

  /** The timeline entries and record.updated events of records just changed (`data`: more for the timeline). */
  async function announceUpdates(
    trx: Trx,
    auth: AuthContext,
    view: ModuleView,
    updated: Array<{ row: RecordRow; changes: Record<string, { from: unknown; to: unknown }> }>,
    now: Date,
    data: Record<string, unknown> = {},
  ): Promise<void> {
    const { module, metadata } = view;
    await insertTimeline(
      trx,
      metadata.schema,
      updated.map(({ row, changes }) => ({
        id: newId(),
        module: module.apiName,
        record_id: row.id,
        kind: 'updated',
        actor_id: auth.userId,
        at: now,
        data: { ...data, changes },
      })),
    );
    await ctx.events.emitMany(
      trx,
      'record.updated',
      auth.orgId,
      updated.map(({ row, changes }) => ({
        module: module.apiName,
        id: row.id,
        record: presentAll(module, row),
        changes,
        actorId: auth.userId,
        ...automationCause(auth),
      })),
    );
  }

  /** Adds an entry to a record's timeline in the caller's transaction (conversions, documents made from it…). */
  async function addTimelineEntry(
    trx: Trx,
    auth: AuthContext,
    moduleName: string,
    id: string,
    kind: string,
    data: Record<string, unknown>,
  ) {
    await insertTimeline(trx, auth.orgSchema, [
      { id: newId(), module: moduleName, record_id: id, kind, actor_id: auth.userId, at: ctx.now(), data },
    ]);
  }

  async function create(
    auth: AuthContext,
    moduleName: string,
    values: unknown,
    options: CreateOptions = {},
  ): Promise<{ data: ApiRecord; display: Display }> {
    const metadata = await metadataOf(auth);
    const view = moduleView(auth, metadata, moduleName, 'create');
    const row = await database.transaction('records.create', async (trx) => {
      const scopes = await loadRecordScopes(trx, auth);
      const [result] = await createMany(trx, auth, view, scopes, [{ index: 0, values }], options);
      if (result!.status === 'error') throw invalid(result!.errors);
      return createdRows.get(trx)!.get(result!.id)!;
    });
    return { data: present(view, row), display: await displayFor(database.db, auth, view, [row]) };
  }

  async function update(
    auth: AuthContext,
    moduleName: string,
    id: string,
    values: unknown,
  ): Promise<{ data: ApiRecord; display: Display }> {
    const metadata = await metadataOf(auth);
    const view = moduleView(auth, metadata, moduleName, 'edit');
    const { row } = await database.transaction('records.update', async (trx) =>
      updateOne(trx, auth, view, await loadRecordScopes(trx, auth), id, values),
    );
    return { data: present(view, row), display: await displayFor(database.db, auth, view, [row]) };
  }

  async function setDeleted(auth: AuthContext, moduleName: string, id: string, deleted: boolean): Promise<void> {
    const metadata = await metadataOf(auth);
    const view = moduleView(auth, metadata, moduleName, 'delete');
    await database.transaction(deleted ? 'records.delete' : 'records.restore', async (trx) =>
      setDeletedOne(trx, auth, view, await loadRecordScopes(trx, auth), id, deleted),
    );
  }

  /** Moves one record to the recycle bin (or back) in the caller's transaction; throws 404/403/409. */
  async function setDeletedOne(
    trx: Trx,
    auth: AuthContext,
    view: ModuleView,
    scopes: (module: string) => RecordScope,
    id: string,
    deleted: boolean,
  ): Promise<void> {
    const { module, metadata } = view;
    {
      const scope = scopes(module.apiName);
      const [row] = await selectRecords(trx, {
        schema: metadata.schema,
        table: module.table,
        columns: ['id', ...module.fields.map((f) => f.apiName)],
        where: [sql<boolean>`r.id = ${id}`, deleted ? liveRow() : sql<boolean>`r.deleted_at IS NOT NULL`, ...ownerIn(scope.read)],
        forUpdate: true,
      });
      if (!row) throw notFound();
      if (!isOwnerInScope(scope.write, row.owner_id)) throw forbidden('You can see this record but not delete it.');
      if (deleted) for (const hook of hooks.beforeUpdate ?? []) await hook(trx, auth, view, row, 'delete');
      const now = ctx.now();
      try {
        await withSavepoint(trx, () =>
          updateRecord(
            trx,
            metadata.schema,
            module.table,
            id,
            { deleted_at: deleted ? now : null, deleted_by: deleted ? auth.userId : null },
            ['id'],
          ),
        );
      } catch (error) {
        const unique = uniqueViolationError(error, module);
        if (unique)
          throw new AppError('conflict', `The record cannot be restored: ${unique.message}`, { field: unique.field, reason: 'unique' });
        throw error;
      }
      await recomputeRollups(trx, metadata, module.apiName, [deleted ? { before: row, after: null } : { before: null, after: row }]);
      await insertTimeline(trx, metadata.schema, [
        {
          id: newId(),
          module: module.apiName,
          record_id: id,
          kind: deleted ? 'deleted' : 'restored',
          actor_id: auth.userId,
          at: now,
          data: {},
        },
      ]);
      await ctx.events.emit(trx, deleted ? 'record.deleted' : 'record.restored', auth.orgId, {
        module: module.apiName,
        id,
        record: presentAll(module, row),
        actorId: auth.userId,
        ...automationCause(auth),
      });
    }
  }

  /** The ids a mass action works on: the given ones, or (up to MAX_BATCH) the live records matching a filter. */
  async function massTargets(auth: AuthContext, view: ModuleView, input: { ids?: string[]; filter?: unknown }): Promise<string[]> {
    if (input.ids && input.filter !== undefined) throw badRequest('Send "ids" or "filter", not both.', 'ids');
    if (input.ids) {
      if (input.ids.length === 0) throw badRequest('"ids" lists at least one record.', 'ids');
      if (input.ids.length > MAX_BATCH) throw badRequest(`At most ${MAX_BATCH} records at once.`, 'ids');
      return [...new Set(input.ids)];
    }
    if (input.filter === undefined || input.filter === null) throw badRequest('Send "ids" or "filter".', 'ids');
    const scopes = await loadRecordScopes(database.db, auth);
    const where = [
      liveRow(),
      ...ownerIn(scopes(view.module.apiName).read),
      compileFilter(input.filter, view.module, filterScopeFor(auth, view.metadata, scopes)),
    ];
    const rows = await selectRecords(database.db, {
      schema: view.metadata.schema,
      table: view.module.table,
      columns: ['id'],
      where,
      limit: MAX_BATCH,
    });
    return rows.map((row) => row.id);
  }

  const batchError = (index: number, error: unknown): BatchResult => {
    if (!(error instanceof AppError)) throw error;
    const details = error.details as { errors?: FieldError[] } | undefined;
    const reason = error.code === 'not_found' ? 'not_found' : error.code === 'forbidden' ? 'read_only' : 'invalid';
    return { index, status: 'error', errors: details?.errors ?? [{ field: null, message: error.message, reason }] };
  };

  /** The same values on many records (change owner = owner_id); one result per record, a bad one never stops the others. */
  async function massUpdate(auth: AuthContext, moduleName: string, input: { ids?: string[]; filter?: unknown; values: unknown }) {
    const metadata = await metadataOf(auth);
    const view = moduleView(auth, metadata, moduleName, 'edit');
    if (typeof input.values !== 'object' || input.values === null || Array.isArray(input.values) || Object.keys(input.values).length === 0)
      throw badRequest('"values" sets at least one field.', 'values');
    const ids = await massTargets(auth, view, input);
    return database.transaction('records.mass-update', async (trx) => {
      const scopes = await loadRecordScopes(trx, auth);
      const results: BatchResult[] = [];
      for (const [index, id] of ids.entries()) {
        try {
          const outcome = await withSavepoint(trx, () => updateOne(trx, auth, view, scopes, id, { ...(input.values as object) }));
          results.push({ index, status: outcome.changed ? 'updated' : 'unchanged', id });
        } catch (error) {
          results.push({ ...batchError(index, error), id } as BatchResult);
        }
      }
      return results;
    });
  }

  /** Moves many records to the recycle bin; one result per record. */
  async function massDelete(auth: AuthContext, moduleName: string, input: { ids?: string[]; filter?: unknown }) {
    const metadata = await metadataOf(auth);
    const view = moduleView(auth, metadata, moduleName, 'delete');
    const ids = await massTargets(auth, view, input);
    return database.transaction('records.mass-delete', async (trx) => {
      const scopes = await loadRecordScopes(trx, auth);
      const results: Array<BatchResult | { index: number; status: 'deleted'; id: string }> = [];
      for (const [index, id] of ids.entries()) {
        try {
          await withSavepoint(trx, () => setDeletedOne(trx, auth, view, scopes, id, true));
          results.push({ index, status: 'deleted', id });
        } catch (error) {
          results.push({ ...batchError(index, error), id } as BatchResult);
        }
      }
      return results;
    });
  }

  /** Records in the recycle bin that the caller could delete, newest deletion first. */
  async function listDeleted(auth: AuthContext, moduleName: string, input: { limit?: number; cursor?: string }): Promise<QueryResult> {
    const metadata = await metadataOf(auth);
    const view = moduleView(auth, metadata, moduleName, 'delete');
    const scope = (await loadRecordScopes(database.db, auth))(view.module.apiName);
    const limit = input.limit ?? 50;
    const deletedAt = { ...view.module.fields[0]!, apiName: 'deleted_at', type: 'datetime' as const, options: {} };
    const sort = [{ field: deletedAt, direction: 'desc' as const }];
    const where = [sql<boolean>`r.deleted_at IS NOT NULL`, ...ownerIn(scope.write)];
    if (input.cursor) where.push(afterCursorSql(sort, input.cursor));
    const rows = await selectRecords(database.db, {
      schema: metadata.schema,
      table: view.module.table,
      columns: ['id', 'deleted_at', 'deleted_by', ...view.visible.map((f) => f.apiName)],
      where,
      orderBy: orderBySql(sort),
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const display = await displayFor(database.db, auth, view, page);
    for (const user of await findUserNames(database.db, auth.orgId, [...new Set(page.map((r) => r.deleted_by as string).filter(Boolean))]))
      display[user.id] = user.name;
    return {
      data: page.map((row) => ({
        ...present(view, row),
        deleted_at: (row.deleted_at as Date).toISOString(),
        deleted_by: row.deleted_by as string | null,
      })),
      display,
      nextCursor: rows.length > limit ? encodeRecordCursor(sort, page.at(-1)!) : null,
    };
  }

  async function bulk(
    auth: AuthContext,
    moduleName: string,
    input: { records: unknown[]; mode: 'create' | 'update' | 'upsert'; key?: string },
    options: CreateOptions = {},
  ): Promise<BatchResult[]> {
    const metadata = await metadataOf(auth);
    const view = moduleView(auth, metadata, moduleName, input.mode === 'update' ? 'edit' : 'create');
    if (input.mode === 'upsert') moduleView(auth, metadata, moduleName, 'edit');
    const key = input.key ?? 'id';
    if (key !== 'id') {
      const field = view.byName.get(key);
      if (!field || !['text', 'email', 'phone', 'url', 'integer', 'auto_number'].includes(field.type)) {
        throw badRequest(`"key" must be id or a visible text, e-mail, phone, number or auto-number field.`, 'key');
      }
    }
    return database.transaction('records.bulk', async (trx) => {
      const scopes = await loadRecordScopes(trx, auth);
      const results: BatchResult[] = [];
      const toCreate: Array<{ index: number; values: unknown }> = [];
      const keyed = input.records.map((record, index) => ({ index, record, keyValue: (record as Record<string, unknown> | null)?.[key] }));
      const existing = await findByKey(
        trx,
        view,
        scopes(view.module.apiName),
        key,
        keyed.map((k) => k.keyValue).filter((v) => v !== undefined && v !== null && v !== ''),
      );
      for (const item of keyed) {
        if (typeof item.record !== 'object' || item.record === null || Array.isArray(item.record)) {
          results.push({
            index: item.index,
            status: 'error',
            errors: [{ field: null, message: 'A record is an object of field values.', reason: 'invalid' }],
          });
          continue;
        }
        const match = item.keyValue === undefined || item.keyValue === null ? undefined : existing.get(normalizeKey(item.keyValue));
        if (match === 'ambiguous') {
          results.push({
            index: item.index,
            status: 'error',
            errors: [{ field: key, message: `More than one record has this ${key}.`, reason: 'invalid' }],
          });
        } else if (match) {
          if (input.mode === 'create') {
            results.push({
              index: item.index,
              status: 'error',
              errors: [{ field: key, message: `A record with this ${key} already exists.`, reason: 'unique' }],
            });
            continue;
          }
          try {
            const values = { ...(item.record as Record<string, unknown>) };
            if (key === 'id') delete values.id;
            const outcome = await withSavepoint(trx, () => updateOne(trx, auth, view, scopes, match, values));
            results.push({ index: item.index, status: outcome.changed ? 'updated' : 'unchanged', id: match });
          } catch (error) {
            if (!(error instanceof AppError)) throw error;
            const details = error.details as { errors?: FieldError[] } | undefined;
            results.push({ index: item.index, status: 'error', errors: details?.errors ?? [{ field: null, message: error.message }] });
          }
        } else if (input.mode === 'update' || (key === 'id' && item.keyValue !== undefined)) {
          results.push({
            index: item.index,
            status: 'error',
            errors: [{ field: key, message: `No record with this ${key} that you can change.`, reason: 'not_found' }],
          });
        } else {
          const values = { ...(item.record as Record<string, unknown>) };
          toCreate.push({ index: item.index, values });
        }
      }
      results.push(...(await createMany(trx, auth, view, scopes, toCreate, options)));
      return results.sort((a, b) => a.index - b.index);
    });
  }

  async function timeline(auth: AuthContext, moduleName: string, id: string, input: { limit?: number; cursor?: string }) {
    const metadata = await metadataOf(auth);
    const view = moduleView(auth, metadata, moduleName, 'read');
    const scopes = await loadRecordScopes(database.db, auth);
    const record = await findVisible(database.db, view, scopes(view.module.apiName), id);
    const limit = input.limit ?? 50;
    let after: { at: string; id: string } | undefined;
    if (input.cursor) {
      try {
        const [at, entryId] = JSON.parse(Buffer.from(input.cursor, 'base64url').toString('utf8')) as [string, string];
        if (Number.isNaN(new Date(at).getTime()) || !/^[0-9a-f-]{36}$/i.test(entryId)) throw new Error('bad');
        after = { at, id: entryId };
      } catch {
        throw badRequest('The cursor is not valid: pass back the nextCursor of the previous page.', 'cursor');
      }
    }
    const rows = await listTimeline(database.db, metadata.schema, id, limit + 1, after);
    const page = rows.slice(0, limit);
    const entries = page.map((entry) => presentTimeline(view, entry));
    const actors = await findUserNames(database.db, auth.orgId, [
      ...new Set(page.map((e) => e.actor_id).filter((a): a is string => a !== null)),
    ]);
    // Names of the records and users that changed lookup and user fields point at (before and after).
    const changed = await displayFor(database.db, auth, view, changeSides(view, record, entries));
    return {
      data: entries,
      display: { ...changed, ...Object.fromEntries(actors.map((a) => [a.id, a.name])) },
      nextCursor:
        rows.length > limit ? Buffer.from(JSON.stringify([page.at(-1)!.at.toISOString(), page.at(-1)!.id])).toString('base64url') : null,
    };
  }

  return {
    get,
    assertWritable,
    query,
    create,
    update,
    remove: (auth: AuthContext, m: string, id: string) => setDeleted(auth, m, id, true),
    restore: (auth: AuthContext, m: string, id: string) => setDeleted(auth, m, id, false),
    listDeleted,
    bulk,
    massUpdate,
    massDelete,
    timeline,
    createMany,
    updateOne,
    updateMany,
    setDeletedOne,
    lockWritable,
    writeSystemFields,
    writeSystemFieldsMany,
    addTimelineEntry,
  };
}

/**
 * The "before" and "after" sides of the timeline's field changes as rows (lookups and users only), so their display
 * names can be looked up; a polymorphic lookup's target module comes from the same change or else the record.
 */
function changeSides(view: ModuleView, record: RecordRow, entries: Array<{ data: Record<string, unknown> }>): RecordRow[] {
  const sides: RecordRow[] = [];
  for (const entry of entries) {
    const changes = entry.data.changes as Record<string, { from?: unknown; to?: unknown }> | undefined;
    if (!changes || typeof changes !== 'object') continue;
    for (const side of ['from', 'to'] as const) {
      const row = { id: record.id } as RecordRow;
      for (const [apiName, change] of Object.entries(changes)) {
        const field = view.byName.get(apiName);
        if (!field || (field.type !== 'lookup' && field.type !== 'user') || !change || typeof change !== 'object') continue;
        row[apiName] = change[side];
        const targetField = field.options.targetField;
        if (targetField) row[targetField] = targetField in changes ? changes[targetField]?.[side] : record[targetField];
      }
      if (Object.keys(row).length > 1) sides.push(row);
    }
  }
  return sides;
}

/** A timeline entry with the changes of fields the caller cannot see left out. */
function presentTimeline(view: ModuleView, entry: TimelineEntry & { at: Date }) {
  const data = { ...entry.data };
  if (data.changes && typeof data.changes === 'object') {
    data.changes = Object.fromEntries(Object.entries(data.changes as Record<string, unknown>).filter(([field]) => view.byName.has(field)));
  }
  return { id: entry.id, kind: entry.kind, actorId: entry.actor_id, at: entry.at.toISOString(), data };
}

/** Every field of a stored row in API form (events carry the whole record; their consumers decide what to show). */
export function presentAll(module: ModuleMeta, row: RecordRow): ApiRecord {
  const record: ApiRecord = { id: row.id };
  for (const field of module.fields) record[field.apiName] = formatFieldValue(field, row[field.apiName]);
  return record;
}

const normalizeKey = (value: unknown) => String(value).trim().toLowerCase();

/** Records matching upsert keys, by normalized key; a key two records share is 'ambiguous'. */
async function findByKey(
  trx: Trx,
  view: ModuleView,
  scope: RecordScope,
  key: string,
  values: unknown[],
): Promise<Map<string, string | 'ambiguous'>> {
  const found = new Map<string, string | 'ambiguous'>();
  if (values.length === 0) return found;
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  const texts = [...new Set(values.map(normalizeKey))].filter((v) => key !== 'id' || uuid.test(v));
  if (texts.length === 0) return found;
  const column = sql.ref(`r.${key}`);
  const match = key === 'id' ? sql<boolean>`r.id = ANY(${texts}::uuid[])` : sql<boolean>`lower(${column}::text) = ANY(${texts}::text[])`;
  const rows = await selectRecords(trx, {
    schema: view.metadata.schema,
    table: view.module.table,
    columns: key === 'id' ? ['id'] : ['id', key],
    where: [match, liveRow(), ...ownerIn(scope.write)],
  });
  for (const row of rows) {
    const k = normalizeKey(row[key]);
    found.set(k, found.has(k) ? 'ambiguous' : row.id);
  }
  return found;
}

export type RecordService = ReturnType<typeof createRecordService>;
