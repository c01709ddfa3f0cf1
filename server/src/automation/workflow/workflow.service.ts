import { sql } from 'kysely';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../db/database.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import { AppError, badRequest, forbidden, notFound } from '../../platform/http/app-error.js';
import { newId } from '../../platform/ids.js';
import { canFeature } from '../../platform/access/index.js';
import {
  compileFilter,
  filterScopeFor,
  loadRecordScopes,
  type MetadataStore,
  type ModuleMeta,
  type OrgMetadata,
  type RecordService,
} from '../../records/index.js';
import type { WorkflowEngine } from './workflow.engine.js';
import {
  deleteRule,
  findPerson,
  findRule,
  findTemplate,
  insertRule,
  listExecutions,
  listRules,
  updateRule,
  type ExecutionRow,
  type RuleRow,
  type RuleValues,
} from './workflow.repository.js';
import type { Action, CreateRuleBody, UpdateRuleBody } from './workflow.schemas.js';
import { exampleRule, type ExampleName } from './workflow.examples.js';
import { findFunction } from '../functions/function.repository.js';
import { checkFieldUpdate } from './workflow.field-update.js';
import { checkWebhookAction } from './workflow.webhook.js';

/**
 * Workflow rules are not records: the profile key `automation` grants them, and only when named (the '*' entry of
 * a profile does not): `read` shows rules and their execution log, `create` or `edit` builds, changes, tests and
 * removes them. Administrators may do everything.
 */
export const AUTOMATION_PERMISSION = 'automation';

const allowed = (auth: AuthContext, action: 'read' | 'manage') => canFeature(auth, AUTOMATION_PERMISSION, action);

export function assertAllowed(auth: AuthContext, action: 'read' | 'manage') {
  if (!allowed(auth, action))
    throw forbidden(
      action === 'read'
        ? 'Your profile does not allow you to see automation rules.'
        : 'Your profile does not allow you to manage automation rules.',
    );
}

export const presentRule = (row: RuleRow) => ({
  id: row.id,
  name: row.name,
  description: row.description,
  module: row.module,
  trigger: row.trigger,
  triggerField: row.trigger_field,
  criteria: row.criteria,
  actions: row.actions,
  scheduled: row.scheduled,
  enabled: row.enabled,
  ownerId: row.owner_id,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

const presentExecution = (row: ExecutionRow) => ({
  id: row.id,
  ruleId: row.rule_id,
  module: row.module,
  recordId: row.record_id,
  trigger: row.trigger,
  depth: row.depth,
  matched: row.matched,
  status: row.status,
  reason: row.reason,
  actions: row.actions,
  durationMs: row.duration_ms,
  error: row.error,
  createdAt: row.created_at.toISOString(),
});

const encodeCursor = (row: ExecutionRow) => Buffer.from(`${row.position}|${row.id}`).toString('base64url');
function decodeCursor(cursor: string): { createdAt: string; id: string } {
  const [createdAt, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (!createdAt || !id || Number.isNaN(Date.parse(createdAt)) || !/^[0-9a-f-]{36}$/.test(id))
    throw badRequest('This cursor is not valid.', 'cursor');
  return { createdAt, id };
}

/** Checks a filter in the list-view language against the module, as the caller may filter (400 naming `path`). */
export async function checkCriteria(
  executor: Executor,
  auth: AuthContext,
  metadata: OrgMetadata,
  module: ModuleMeta,
  criteria: unknown,
  path: string,
): Promise<void> {
  const scopes = await loadRecordScopes(executor, auth);
  try {
    compileFilter(criteria, module, filterScopeFor(auth, metadata, scopes));
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const field = (error.details as { field?: string } | undefined)?.field ?? 'filter';
    throw badRequest(error.message, field.replace(/^filter/, path));
  }
}

/** A visible field of the module (400 naming `path` otherwise). */
export function fieldOf(module: ModuleMeta, name: string, path: string) {
  const field = module.fields.find((f) => f.apiName === name && !f.hidden);
  if (!field) throw badRequest(`The module ${module.apiName} has no field "${name}".`, path);
  return field;
}

/** An active user of the organization (400 naming `path` otherwise). */
export async function checkUser(executor: Executor, auth: AuthContext, userId: string | undefined, path: string) {
  if (!userId) throw badRequest('Name the user (userId).', path);
  if (!(await findPerson(executor, auth.orgId, userId))) throw badRequest('No active user of your organization has this id.', path);
}

/**
 * Checks one action against the module and the organization (400 naming `path`): shared by workflow rules and
 * approval processes.
 */
export async function checkAction(
  executor: Executor,
  auth: AuthContext,
  metadata: OrgMetadata,
  module: ModuleMeta,
  action: Action,
  path: string,
  trigger: string,
) {
  switch (action.type) {
    case 'field_update':
      return checkFieldUpdate(auth, metadata, module, action, path, trigger);
    case 'task':
      if (action.assignTo === 'user') await checkUser(executor, auth, action.userId, `${path}.userId`);
      return;
    case 'email':
      if (action.templateId) {
        if (!(await findTemplate(executor, auth.orgId, action.templateId)))
          throw badRequest('No e-mail template of your organization has this id.', `${path}.templateId`);
      } else if (!action.subject?.trim() || !action.body?.trim()) {
        throw badRequest('An e-mail notification needs a template, or a subject and a body.', `${path}.templateId`);
      }
      if (action.to === 'user') await checkUser(executor, auth, action.userId, `${path}.userId`);
      if (
        action.to === 'contact' &&
        !module.fields.some(
          (field) =>
            (field.apiName === 'email' && field.type === 'email') ||
            (field.apiName === 'contact_id' && field.options.target === 'contacts'),
        )
      )
        throw badRequest(`Records of ${module.apiName} have no contact to write to (no e-mail or contact field).`, `${path}.to`);
      return;
    case 'webhook':
      return checkWebhookAction(executor, auth, module, action, path);
    case 'custom_function':
      if (!(await findFunction(executor, auth.orgSchema, action.functionId)))
        throw badRequest('No custom function of your organization has this id.', `${path}.functionId`);
      return;
  }
}

export function createWorkflowService(ctx: AppContext, deps: { metadata: MetadataStore; records: RecordService; engine: WorkflowEngine }) {
  const { database } = ctx;
  const metadataOf = (auth: AuthContext) => deps.metadata.get(auth.orgId, auth.orgSchema);

  /**
   * The names of the log's records as the caller sees them (their module's display fields), one query per module: a
   * record the caller may not read, or one deleted since, has none.
   */
  async function recordNames(auth: AuthContext, rows: ExecutionRow[]): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    const metadata = await metadataOf(auth);
    for (const moduleName of new Set(rows.map((row) => row.module))) {
      const module = metadata.modules.get(moduleName);
      if (!module) continue;
      const ids = [...new Set(rows.filter((row) => row.module === moduleName).map((row) => row.record_id))];
      try {
        const found = await deps.records.query(auth, moduleName, { limit: ids.length, fields: module.displayFields }, [
          sql<boolean>`r.id = ANY(${ids}::uuid[])`,
        ]);
        for (const record of found.data) {
          const name = module.displayFields
            .map((field) => record[field])
            .filter((value) => value !== null && value !== undefined && value !== '')
            .join(' ');
          if (name) names.set(record.id as string, name);
        }
      } catch (error) {
        // A module the caller may not read: its records stay nameless.
        if (!(error instanceof AppError)) throw error;
      }
    }
    return names;
  }

  function moduleOf(metadata: OrgMetadata, name: string): ModuleMeta {
    const module = metadata.modules.get(name);
    if (!module || module.hidden) throw badRequest(`Unknown module "${name}".`, 'module');
    return module;
  }

  /** Checks a whole rule against the metadata (400 naming the bad part) and returns what is stored. */
  async function validate(auth: AuthContext, input: CreateRuleBody, ownerFallback: string): Promise<RuleValues> {
    const metadata = await metadataOf(auth);
    const module = moduleOf(metadata, input.module);
    const triggerField = input.trigger === 'field_update' ? input.triggerField : null;
    if (input.trigger === 'field_update') {
      if (!triggerField) throw badRequest('A field-update trigger names its field (triggerField).', 'triggerField');
      fieldOf(module, triggerField, 'triggerField');
    }
    const criteria = input.criteria ?? null;
    if (criteria) await checkCriteria(database.db, auth, metadata, module, criteria, 'criteria');
    const actions = input.actions ?? [];
    const scheduled = input.scheduled ?? [];
    for (const [index, action] of actions.entries())
      await checkAction(database.db, auth, metadata, module, action, `actions[${index}]`, input.trigger);
    for (const [index, schedule] of scheduled.entries()) {
      if ('field' in schedule.when) {
        const field = fieldOf(module, schedule.when.field, `scheduled[${index}].when.field`);
        if (field.type !== 'date' && field.type !== 'datetime')
          throw badRequest(`"${field.apiName}" is not a date field.`, `scheduled[${index}].when.field`);
      }
      for (const [position, action] of schedule.actions.entries())
        await checkAction(database.db, auth, metadata, module, action, `scheduled[${index}].actions[${position}]`, input.trigger);
    }
    if (actions.length === 0 && scheduled.length === 0) throw badRequest('A rule needs at least one action.', 'actions');
    const ownerId = input.ownerId ?? ownerFallback;
    if (input.ownerId) await checkUser(database.db, auth, input.ownerId, 'ownerId');
    return {
      name: input.name.trim(),
      description: input.description ?? null,
      module: module.apiName,
      trigger: input.trigger,
      trigger_field: triggerField ?? null,
      criteria,
      actions,
      scheduled,
      enabled: input.enabled ?? true,
      owner_id: ownerId,
    };
  }

  async function getRow(auth: AuthContext, id: string): Promise<RuleRow> {
    const row = await findRule(database.db, auth.orgSchema, id);
    if (!row) throw notFound('The rule');
    return row;
  }

  async function create(auth: AuthContext, input: CreateRuleBody) {
    assertAllowed(auth, 'manage');
    const values = await validate(auth, input, auth.userId);
    const id = newId();
    await insertRule(database.db, auth.orgSchema, id, auth.userId, values);
    await deps.engine.rulesChanged(auth.orgId);
    return presentRule(await getRow(auth, id));
  }

  async function update(auth: AuthContext, id: string, input: UpdateRuleBody) {
    assertAllowed(auth, 'manage');
    const current = presentRule(await getRow(auth, id));
    const merged = { ...current, ...input } as CreateRuleBody & { ownerId: string };
    if (input.trigger && input.trigger !== 'field_update' && input.triggerField === undefined) merged.triggerField = null;
    const values = await validate(auth, merged, current.ownerId);
    await updateRule(database.db, auth.orgSchema, id, values);
    await deps.engine.rulesChanged(auth.orgId);
    return presentRule(await getRow(auth, id));
  }

  async function setEnabled(auth: AuthContext, id: string, enabled: boolean) {
    assertAllowed(auth, 'manage');
    const row = await getRow(auth, id);
    await updateRule(database.db, auth.orgSchema, id, { ...row, enabled });
    await deps.engine.rulesChanged(auth.orgId);
    return presentRule(await getRow(auth, id));
  }

  return {
    /** A module, criteria and actions checked as a rule's are (schedules use it); returns the module's API name. */
    async checkRecordActions(auth: AuthContext, input: { module: string; criteria: unknown; actions: Action[]; ownerId?: string }) {
      const metadata = await metadataOf(auth);
      const module = moduleOf(metadata, input.module);
      if (input.criteria) await checkCriteria(database.db, auth, metadata, module, input.criteria, 'criteria');
      for (const [index, action] of input.actions.entries())
        await checkAction(database.db, auth, metadata, module, action, `actions[${index}]`, 'schedule');
      if (input.ownerId) await checkUser(database.db, auth, input.ownerId, 'ownerId');
      return module.apiName;
    },
    async list(auth: AuthContext, module?: string) {
      assertAllowed(auth, 'read');
      return (await listRules(database.db, auth.orgSchema, module)).map(presentRule);
    },
    async get(auth: AuthContext, id: string) {
      assertAllowed(auth, 'read');
      return presentRule(await getRow(auth, id));
    },
    create,
    update,
    setEnabled,
    async remove(auth: AuthContext, id: string) {
      assertAllowed(auth, 'manage');
      if (!(await deleteRule(database.db, auth.orgSchema, id))) throw notFound('The rule');
      await deps.engine.rulesChanged(auth.orgId);
    },
    /** A test run on a record the caller can see: what would happen, nothing done. */
    async test(auth: AuthContext, id: string, recordId: string) {
      assertAllowed(auth, 'manage');
      const rule = await getRow(auth, id);
      // 404 when the caller cannot see the record: a test never reveals a record.
      if (rule.trigger !== 'delete') await deps.records.get(auth, rule.module, recordId);
      return deps.engine.dryRun(auth.orgId, rule, recordId);
    },
    /** A ready-made rule from the automation article, created disabled or enabled as asked. */
    async createExample(auth: AuthContext, name: ExampleName) {
      assertAllowed(auth, 'manage');
      const example = exampleRule(name, auth.organization.defaultLanguage === 'en' ? 'en' : 'es');
      // A second copy would run every action twice (two e-mails to the manager): the one there is edited instead.
      const existing = (await listRules(database.db, auth.orgSchema, example.module)).find((rule) => rule.name === example.name);
      if (existing)
        throw new AppError('conflict', `The example is already among your rules as “${existing.name}”.`, {
          reason: 'example_exists',
          ruleId: existing.id,
        });
      return create(auth, example);
    },
    /** This node's rule evaluation figures (administrators). */
    stats(auth: AuthContext) {
      if (!auth.isAdmin) throw forbidden('Only administrators see the automation figures.');
      return { evaluation: deps.engine.stats() };
    },
    resetStats(auth: AuthContext) {
      if (!auth.isAdmin) throw forbidden('Only administrators see the automation figures.');
      deps.engine.stats.reset();
    },
    async executions(auth: AuthContext, query: { ruleId?: string; recordId?: string; limit?: number; cursor?: string }) {
      assertAllowed(auth, 'read');
      const limit = query.limit ?? 50;
      const rows = await listExecutions(database.db, auth.orgSchema, {
        ruleId: query.ruleId,
        recordId: query.recordId,
        after: query.cursor ? decodeCursor(query.cursor) : undefined,
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      const names = await recordNames(auth, page);
      return {
        data: page.map((row) => ({ ...presentExecution(row), recordName: names.get(row.record_id) ?? null })),
        nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!) : null,
      };
    },
  };
}

export type WorkflowService = ReturnType<typeof createWorkflowService>;
