import type { AppContext } from '../../platform/context.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import type { Executor } from '../../db/database.js';
import { AppError, badRequest, forbidden, notFound } from '../../platform/http/app-error.js';
import { newId } from '../../platform/ids.js';
import { createFileService } from '../../platform/files/index.js';
import {
  isEmptyValue,
  loadRecordScopes,
  moduleView,
  type FieldMeta,
  type MetadataStore,
  type ModuleMeta,
  type RecordRow,
  type RecordService,
} from '../../records/index.js';
import { lockRecord } from '../workflow/workflow.repository.js';
import { listActivePoolUsers } from '../assignment/assignment.repository.js';
import { findPending, findUserNames } from '../approvals/approval.repository.js';
import { TRANSITION_TAKEN, type BlueprintEngine, type Target } from './blueprint.engine.js';
import { enterState, insertHistory, listBlueprints, listHistory, type BlueprintRow, type StateRow } from './blueprint.repository.js';
import type { BlueprintTransition, RecordBlueprint, TransitionBody } from './blueprint.schemas.js';

const languageOf = (auth: AuthContext) => (auth.language === 'en' ? 'en' : 'es');

/** A picklist value's label in the caller's language (the value itself when it is no longer in the list). */
function valueLabel(field: FieldMeta | undefined, value: string, language: 'es' | 'en'): string {
  return field?.options.values?.find((v) => v.code === value)?.labels[language] ?? value;
}

/**
 * The record side of Blueprints: what the record page shows (the state, the transitions open to the caller, the
 * history) and taking a transition. Reading needs the record to be visible; a transition also needs edit permission.
 */
export function createBlueprintRecordService(
  ctx: AppContext,
  deps: { metadata: MetadataStore; records: RecordService; engine: BlueprintEngine },
) {
  const { database } = ctx;
  const { engine } = deps;
  const files = createFileService(ctx);

  async function targetOf(auth: AuthContext, moduleName: string): Promise<Target> {
    const target = await engine.targetOf(auth.orgId, moduleName);
    if (!target) throw notFound();
    return target;
  }

  /** The first enabled Blueprint of the module that governs the record, with its state (kept in step). */
  async function governing(
    executor: Executor,
    target: Target,
    row: RecordRow,
  ): Promise<{ blueprint: BlueprintRow; state: StateRow } | null> {
    for (const blueprint of await listBlueprints(executor, target.schema, { module: target.module.apiName, enabled: true })) {
      const state = await engine.syncState(executor, target, blueprint, row, `seen:${newId()}`);
      if (state) return { blueprint, state };
    }
    return null;
  }

  /** Whether the caller is among the transition's `who` (empty: anyone who may edit; administrators always). */
  async function isAllowed(executor: Executor, auth: AuthContext, transition: BlueprintTransition, row: RecordRow): Promise<boolean> {
    const who = transition.before?.who;
    if (auth.isAdmin || (!who?.owner && !who?.users?.length && !who?.roles?.length && !who?.groups?.length)) return true;
    if (who.owner && row.owner_id === auth.userId) return true;
    if (who.users?.includes(auth.userId)) return true;
    if (auth.roleId && who.roles?.includes(auth.roleId)) return true;
    for (const groupId of who.groups ?? [])
      if ((await listActivePoolUsers(executor, auth.orgId, { groupId })).includes(auth.userId)) return true;
    return false;
  }

  async function meetsCriteria(executor: Executor, target: Target, transition: BlueprintTransition, recordId: string) {
    if (!transition.before?.criteria) return true;
    return engine.meets(executor, target, transition.before.criteria, recordId).catch((error: unknown) => {
      if (error instanceof AppError) return false; // a field the criteria name is gone
      throw error;
    });
  }

  function presentField(module: ModuleMeta, name: string, language: 'es' | 'en') {
    const field = module.fields.find((f) => f.apiName === name);
    const options =
      field && (field.type === 'picklist' || field.type === 'multi_select')
        ? (field.options.values ?? []).filter((v) => !v.hidden).map((v) => ({ value: v.code, label: v.labels[language] }))
        : undefined;
    return {
      apiName: name,
      label: field?.labels[language] ?? name,
      type: field?.type ?? 'text',
      required: true as const,
      ...(options ? { options } : {}),
    };
  }

  /** What the record page shows: 404 when the caller cannot see the record. */
  async function ofRecord(auth: AuthContext, moduleName: string, id: string): Promise<RecordBlueprint> {
    await deps.records.get(auth, moduleName, id);
    const target = await targetOf(auth, moduleName);
    const none = { blueprint: null, state: null, transitions: [], history: [] };
    // Most modules have no Blueprint: the record page asks anyway.
    if ((await listBlueprints(database.db, target.schema, { module: moduleName, enabled: true })).length === 0) return none;
    const row = await lockRecord(database.db, { schema: target.schema, module: target.module, id });
    const found = row ? await governing(database.db, target, row) : null;
    if (!row || !found) return none;
    const { blueprint, state } = found;
    const language = languageOf(auth);
    const picklist = target.module.fields.find((f) => f.apiName === blueprint.field);
    const writable = await deps.records.assertWritable(auth, moduleName, id).then(
      () => true,
      () => false,
    );
    const pending = await findPending(database.db, target.schema, id);
    const transitions: RecordBlueprint['transitions'] = [];
    if (writable && !pending)
      for (const transition of blueprint.definition.transitions) {
        if (!transition.from.includes(state.state)) continue;
        if (!(await isAllowed(database.db, auth, transition, row)) || !(await meetsCriteria(database.db, target, transition, id))) continue;
        transitions.push({
          id: transition.id,
          name: transition.name,
          to: transition.to,
          toLabel: valueLabel(picklist, transition.to, language),
          requiredFields: (transition.during?.requiredFields ?? []).map((name) => presentField(target.module, name, language)),
          note: transition.during?.note ?? 'none',
          attachment: transition.during?.attachment ?? 'none',
        });
      }
    const history = await listHistory(database.db, target.schema, blueprint.id, id);
    const names = await findUserNames(database.db, auth.orgId, [...new Set(history.flatMap((h) => (h.user_id ? [h.user_id] : [])))]);
    const now = ctx.now();
    return {
      blueprint: {
        id: blueprint.id,
        name: blueprint.name,
        field: blueprint.field,
        fieldLabel: picklist?.labels[language] ?? blueprint.field,
      },
      state: {
        value: state.state,
        label: valueLabel(picklist, state.state, language),
        enteredAt: state.entered_at.toISOString(),
        dueAt: state.due_at?.toISOString() ?? null,
        overdue: state.due_at !== null && state.due_at <= now,
      },
      transitions,
      history: history.map((h) => ({
        id: h.id,
        transitionName: h.transition_name,
        from: h.from_state,
        fromLabel: h.from_state === null ? null : valueLabel(picklist, h.from_state, language),
        to: h.to_state,
        toLabel: valueLabel(picklist, h.to_state, language),
        user: h.user_id ? { id: h.user_id, name: names.get(h.user_id) ?? '' } : null,
        note: h.note,
        at: h.at.toISOString(),
      })),
    };
  }

  /** The values, note and attachment a transition asks for, checked (400 naming every missing or unwanted one). */
  function checkDuring(
    moduleName: string,
    id: string,
    transition: BlueprintTransition,
    body: TransitionBody,
    file: { module: string | null; recordId: string | null } | undefined,
  ) {
    const during = transition.during ?? {};
    const required = during.requiredFields ?? [];
    const values = body.values ?? {};
    const unwanted = Object.keys(values).find((name) => !required.includes(name));
    if (unwanted) throw badRequest(`This transition does not ask for "${unwanted}".`, `values.${unwanted}`);
    const errors = required
      .filter((name) => isEmptyValue(values[name]))
      .map((name) => ({ field: name, reason: 'required', message: `"${name}" is required to take this transition.` }));
    const note = body.note?.trim() || null;
    if (during.note === 'required' && !note) errors.push({ field: 'note', reason: 'required', message: 'This transition needs a note.' });
    if ((during.note ?? 'none') === 'none' && note) throw badRequest('This transition takes no note.', 'note');
    if (during.attachment === 'required' && !body.attachmentId)
      errors.push({ field: 'attachmentId', reason: 'required', message: 'This transition needs an attached file.' });
    if ((during.attachment ?? 'none') === 'none' && body.attachmentId)
      throw badRequest('This transition takes no attachment.', 'attachmentId');
    if (errors.length > 0)
      throw new AppError(
        'validation_failed',
        errors.length === 1 ? errors[0]!.message : `${errors[0]!.message} (and ${errors.length - 1} more)`,
        { field: errors[0]!.field, reason: 'required', fields: errors.map((e) => e.field), errors },
      );
    if (body.attachmentId && (!file || file.module !== moduleName || file.recordId !== id))
      throw badRequest('No file attached to this record has this id.', 'attachmentId');
    return { values, note };
  }

  /**
   * Takes a transition: the checks, then the field (through the record service, past the Blueprint's lock) with the
   * required values, the history row, the new state and the timeline entry in one transaction. The `after` actions
   * run once it committed (event `blueprint.transition_taken`).
   */
  async function take(auth: AuthContext, moduleName: string, id: string, transitionId: string, body: TransitionBody) {
    await deps.records.get(auth, moduleName, id);
    const target = await targetOf(auth, moduleName);
    const view = moduleView(auth, target.metadata, moduleName, 'edit');
    const language = languageOf(auth);
    // Read before the transaction (the file service reads through the shared pool).
    const file = body.attachmentId ? await files.get(auth, body.attachmentId).catch(() => undefined) : undefined;
    await database.transaction('automation.blueprint-transition', async (trx) => {
      const scopes = await loadRecordScopes(trx, auth);
      const row = await deps.records.lockWritable(trx, view, scopes, id);
      const found = await governing(trx, target, row);
      if (!found) throw new AppError('conflict', 'No enabled Blueprint governs this record now.', { reason: 'not_governed' });
      const { blueprint, state } = found;
      const transition = blueprint.definition.transitions.find((candidate) => candidate.id === transitionId);
      if (!transition) throw notFound('The transition');
      const picklist = target.module.fields.find((f) => f.apiName === blueprint.field);
      const pending = await findPending(trx, target.schema, id);
      if (pending)
        throw new AppError('conflict', 'This record is pending approval: its Blueprint waits until the approval is decided.', {
          reason: 'approval_pending',
          submissionId: pending.id,
        });
      if (!transition.from.includes(state.state))
        throw new AppError(
          'conflict',
          `The record is no longer in a state this transition leaves (it is now “${valueLabel(picklist, state.state, language)}”).`,
          { reason: 'state_changed', state: state.state },
        );
      if (!(await isAllowed(trx, auth, transition, row))) throw forbidden('This transition is not open to you.');
      if (!(await meetsCriteria(trx, target, transition, id)))
        throw forbidden('The record does not meet the conditions of this transition.');
      const { values, note } = checkDuring(moduleName, id, transition, body, file);
      await deps.records.updateOne(
        trx,
        auth,
        view,
        scopes,
        id,
        { ...values, [blueprint.field]: transition.to },
        { allowBlueprintField: true },
      );
      const historyId = newId();
      const now = ctx.now();
      await insertHistory(trx, target.schema, {
        id: historyId,
        blueprint_id: blueprint.id,
        module: moduleName,
        record_id: id,
        transition_id: transition.id,
        transition_name: transition.name,
        from_state: state.state,
        to_state: transition.to,
        user_id: auth.userId,
        note,
        values,
        attachment_id: body.attachmentId ?? null,
        at: now,
      });
      await enterState(trx, target.schema, engine.entry(target, blueprint, id, transition.to, historyId));
      await deps.records.addTimelineEntry(trx, auth, moduleName, id, 'blueprint_transition', {
        blueprintId: blueprint.id,
        blueprint: blueprint.name,
        transition: transition.name,
        from: state.state,
        to: transition.to,
        note,
      });
      if (transition.after?.length)
        await ctx.events.emit(trx, TRANSITION_TAKEN, auth.orgId, {
          module: moduleName,
          id,
          blueprintId: blueprint.id,
          transitionId: transition.id,
          historyId,
        });
    });
    return ofRecord(auth, moduleName, id);
  }

  return { ofRecord, take };
}

export type BlueprintRecordService = ReturnType<typeof createBlueprintRecordService>;
