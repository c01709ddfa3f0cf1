import { sql } from 'kysely';
import type { Executor, Trx } from '../../db/database.js';
import { createOrganizationLookup, createRulesCache } from '../rules-cache.js';
import type { AppContext } from '../../platform/context.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import type { DomainEvent } from '../../platform/events/event-bus.js';
import { AppError } from '../../platform/http/app-error.js';
import { newId } from '../../platform/ids.js';
import {
  compileFilter,
  formatFieldValue,
  fullFilterScope,
  type MetadataStore,
  type ModuleMeta,
  type ModuleView,
  type RecordRow,
  type RecordService,
  type UpdateInput,
} from '../../records/index.js';
import { runActions, type RunContext } from '../workflow/workflow.actions.js';
import { claimExecution, finishExecution, lockRecord, recordMatches, ruleActor } from '../workflow/workflow.repository.js';
import type { Action } from '../workflow/workflow.schemas.js';
import { criteriaFields, findTarget, type Target } from '../approvals/approval.engine.js';
import {
  enterState,
  findBlueprint,
  findState,
  leaveBlueprint,
  listBlueprints,
  type BlueprintRow,
  type StateRow,
} from './blueprint.repository.js';
import { lockedFieldMessage } from './blueprint.texts.js';

/** Where a Blueprint works: the organization and the record's module (as for approvals). */
export type { Target };

const HOUR = 3_600_000;

/** Emitted with a transition (outbox): its `after` actions run once it committed. */
export const TRANSITION_TAKEN = 'blueprint.transition_taken';

/** The picklist value of a record's field as the API writes it (null when empty). */
export function valueOf(module: ModuleMeta, field: string, row: RecordRow): string | null {
  const meta = module.fields.find((f) => f.apiName === field);
  const value = meta ? formatFieldValue(meta, row[field]) : row[field];
  return value === null || value === undefined || value === '' ? null : String(value);
}

/**
 * The Blueprint runtime (AUT-4): which records a Blueprint governs and in which state (entered from record events,
 * after the workflow rules and approvals), the lock on its field (records' `beforeUpdate` hook: only transitions change
 * it), and the actions of transitions and time limits (workflow's `runActions`, logged as executions).
 */
/** Cluster channel: an organization's Blueprints changed (payload: its id). */
const BLUEPRINTS_CHANNEL = 'clave_blueprints';

export function createBlueprintEngine(ctx: AppContext, deps: { records: RecordService; metadata: MetadataStore }) {
  const { database } = ctx;

  const targetOf = (orgId: string, moduleName: string) => findTarget(database.db, deps.metadata, orgId, moduleName);

  // The enabled Blueprints of each organization, by module: every record event and every picklist edit asks (see
  // ../rules-cache.ts); the service tells every node when one changes.
  const enabledCache = createRulesCache(ctx, {
    channel: BLUEPRINTS_CHANNEL,
    maxAgeMs: 5 * 60_000,
    load: (schema, executor) => listBlueprints(executor ?? database.db, schema, { enabled: true }),
  });
  const organization = createOrganizationLookup(database);
  /** The enabled Blueprints of a module; `trx` when called inside one. */
  async function enabledBlueprints(orgId: string, moduleName: string, schema?: string, trx?: Trx) {
    const known = schema ?? (await organization(orgId))?.schema;
    if (!known) return [];
    return (await enabledCache.byModule(orgId, known, trx)).get(moduleName) ?? [];
  }

  /** Whether a live record meets a filter now (null: every record), judged with every field visible. */
  async function meets(executor: Executor, target: Pick<Target, 'schema' | 'metadata' | 'module'>, criteria: unknown, recordId: string) {
    const condition = criteria ? compileFilter(criteria, target.module, fullFilterScope(target.metadata)) : sql<boolean>`true`;
    return recordMatches(executor, { schema: target.schema, table: target.module.table, id: recordId, includeDeleted: false }, condition);
  }

  /** Whether the Blueprint governs the record as it is: its value is one of the states and it meets the criteria. */
  async function governs(
    executor: Executor,
    target: Pick<Target, 'schema' | 'metadata' | 'module'>,
    blueprint: BlueprintRow,
    row: RecordRow,
  ) {
    const value = valueOf(target.module, blueprint.field, row);
    if (value === null || !blueprint.definition.states.some((state) => state.value === value)) return false;
    try {
      return await meets(executor, target, blueprint.criteria, row.id);
    } catch (error) {
      if (error instanceof AppError) return false; // a field the criteria name is gone: the Blueprint cannot apply
      throw error;
    }
  }

  /** A new entry in the state: entered now, due after the state's time limit. */
  function entry(
    target: Target,
    blueprint: BlueprintRow,
    recordId: string,
    state: string,
    key: string,
  ): Omit<StateRow, 'escalation_level'> {
    const now = ctx.now();
    const hours = blueprint.definition.states.find((s) => s.value === state)?.timeLimitHours;
    return {
      blueprint_id: blueprint.id,
      record_id: recordId,
      module: target.module.apiName,
      state,
      entered_at: now,
      due_at: hours ? new Date(now.getTime() + hours * HOUR) : null,
      entered_key: key,
    };
  }

  /**
   * The record's state under the Blueprint, kept in step with the record: entered (with `key`) when the record
   * qualifies and its row is missing or names another state, gone when it no longer qualifies.
   */
  async function syncState(
    executor: Executor,
    target: Target,
    blueprint: BlueprintRow,
    row: RecordRow,
    key: string,
  ): Promise<StateRow | null> {
    if (!(await governs(executor, target, blueprint, row))) {
      await leaveBlueprint(executor, target.schema, blueprint.id, row.id);
      return null;
    }
    const value = valueOf(target.module, blueprint.field, row)!;
    const current = await findState(executor, target.schema, blueprint.id, row.id);
    if (current?.state === value) return current;
    await enterState(executor, target.schema, entry(target, blueprint, row.id, value, key));
    return (await findState(executor, target.schema, blueprint.id, row.id)) ?? null;
  }

  /**
   * Runs actions on a record in the caller's transaction as the Blueprint's owner, logged in the execution log under
   * the Blueprint (once per key).
   */
  async function runLogged(
    trx: Trx,
    target: Target,
    blueprint: BlueprintRow,
    recordId: string,
    actions: Action[],
    run: { key: string; trigger: string; reason: string },
  ): Promise<void> {
    if (actions.length === 0) return;
    const started = performance.now();
    const executionId = newId();
    const claimed = await claimExecution(trx, target.schema, {
      id: executionId,
      rule_id: blueprint.id,
      key: run.key,
      module: target.module.apiName,
      record_id: recordId,
      trigger: run.trigger,
      depth: 0,
    });
    if (!claimed) return;
    const finish = (status: 'done' | 'failed' | 'skipped', outcome: { actions?: RunResult; reason?: string; error?: string }) =>
      finishExecution(trx, target.schema, executionId, {
        matched: true,
        status,
        reason: outcome.reason ?? run.reason,
        actions: outcome.actions ?? [],
        error: outcome.error ?? null,
        duration_ms: Math.round(performance.now() - started),
      });
    const actor = await ruleActor(trx, target.orgId, blueprint.owner_id);
    const record = await lockRecord(trx, { schema: target.schema, module: target.module, id: recordId });
    if (!actor) return finish('failed', { error: 'No active user to act as (the owner and every administrator are gone).' });
    if (!record || record.deleted_at) return finish('skipped', { reason: 'The record is gone.' });
    const context: RunContext = {
      orgId: target.orgId,
      schema: target.schema,
      timeZone: target.timeZone,
      metadata: target.metadata,
      module: target.module,
      rule: { id: blueprint.id, name: blueprint.name, owner_id: blueprint.owner_id },
      actor: { ...actor, automationDepth: 1 },
      record,
      executionId,
      trigger: run.trigger,
      depth: 0,
      dryRun: false,
    };
    const outcomes = await runActions(ctx, deps, trx, context, actions);
    const failed = outcomes.some((outcome) => outcome.status === 'failed');
    await finish(failed ? 'failed' : 'done', { actions: outcomes, ...(failed ? { error: 'An action failed: see its outcome.' } : {}) });
  }

  /** record.created / record.updated: the record enters (or leaves) the enabled Blueprints of its module. */
  async function handleEvent(event: DomainEvent): Promise<void> {
    const { module: moduleName, id, changes } = event.payload as { module?: unknown; id?: unknown; changes?: unknown };
    if (!event.orgId || typeof moduleName !== 'string' || typeof id !== 'string') return;
    let blueprints = await enabledBlueprints(event.orgId, moduleName);
    if (blueprints.length === 0) return;
    if (event.type === 'record.updated') {
      // An edit matters when it touched the Blueprint's field or what its criteria look at.
      const changed = Object.keys((changes as Record<string, unknown> | undefined) ?? {});
      blueprints = blueprints.filter((blueprint) => {
        const fields = criteriaFields(blueprint.criteria).add(blueprint.field);
        return changed.some((field) => fields.has(field));
      });
    }
    if (blueprints.length === 0) return;
    const target = await targetOf(event.orgId, moduleName);
    if (!target) return;
    await database.transaction('automation.blueprint-enter', async (trx) => {
      const record = await lockRecord(trx, { schema: target.schema, module: target.module, id });
      for (const blueprint of blueprints) {
        if (!record || record.deleted_at) await leaveBlueprint(trx, target.schema, blueprint.id, id);
        else await syncState(trx, target, blueprint, record, event.id);
      }
    });
  }

  /** blueprint.transition_taken: the transition's `after` actions, once (the execution's key is the history row). */
  async function handleTransition(event: DomainEvent): Promise<void> {
    const { module: moduleName, id, blueprintId, transitionId, historyId } = event.payload as Record<string, string | undefined>;
    if (!event.orgId || !moduleName || !id || !blueprintId || !historyId) return;
    const target = await targetOf(event.orgId, moduleName);
    const blueprint = target ? await findBlueprint(database.db, target.schema, blueprintId) : undefined;
    const transition = blueprint?.definition.transitions.find((candidate) => candidate.id === transitionId);
    if (!target || !blueprint || !transition?.after?.length) return;
    await database.transaction('automation.blueprint-after', (trx) =>
      runLogged(trx, target, blueprint, id, transition.after!, {
        key: `${historyId}:after`,
        trigger: 'blueprint.transition',
        reason: `Transition “${transition.name}” taken.`,
      }),
    );
  }

  /**
   * The records' beforeUpdate hook: a write that changes the field of an enabled Blueprint governing the record is
   * refused (409), unless it is a transition's (or a lead's conversion). Other fields change as usual.
   */
  async function guard(
    trx: Trx,
    auth: AuthContext,
    view: ModuleView,
    current: RecordRow,
    change: 'update' | 'delete',
    input?: UpdateInput,
  ) {
    if (change !== 'update' || !input || input.allowBlueprintField) return;
    const { module, metadata } = view;
    const touched = Object.keys(input.values).filter((key) => module.fields.some((f) => f.apiName === key && f.type === 'picklist'));
    if (touched.length === 0) return;
    for (const blueprint of await enabledBlueprints(auth.orgId, module.apiName, metadata.schema, trx)) {
      if (!touched.includes(blueprint.field)) continue;
      const field = module.fields.find((f) => f.apiName === blueprint.field)!;
      const next = input.values[blueprint.field];
      const wanted = next === null || next === undefined || next === '' ? null : String(next).trim().toLowerCase();
      const now = valueOf(module, blueprint.field, current);
      // The same value sent back (a GET body PATCHed as it is, an import naming the value by its label) is no change.
      const same = field.options.values?.find((v) => v.code === now);
      if (wanted === (now && now.toLowerCase()) || (same && [same.labels.es, same.labels.en].some((l) => l.toLowerCase() === wanted)))
        continue;
      if (!(await governs(trx, { schema: metadata.schema, metadata, module }, blueprint, current))) continue;
      throw new AppError(
        'conflict',
        lockedFieldMessage(auth.language, { blueprint: blueprint.name, field: auth.language === 'en' ? field.labels.en : field.labels.es }),
        { reason: 'blueprint_field', blueprintId: blueprint.id, field: blueprint.field },
      );
    }
  }

  return {
    targetOf,
    meets,
    governs,
    entry,
    syncState,
    runLogged,
    handleEvent,
    handleTransition,
    guard,
    /** Tells every node that an organization's Blueprints changed (call after the write). */
    async blueprintsChanged(orgId: string) {
      await enabledCache.changed(orgId);
    },
    subscribe() {
      // Registered after the approvals' handlers and before scoring's: workflow → approval → Blueprint → scoring.
      for (const type of ['record.created', 'record.updated']) ctx.events.on(type, handleEvent, { name: `automation.blueprint.${type}` });
      ctx.events.on(TRANSITION_TAKEN, handleTransition, { name: 'automation.blueprint.after' });
    },
  };
}

type RunResult = Awaited<ReturnType<typeof runActions>>;

export type BlueprintEngine = ReturnType<typeof createBlueprintEngine>;
