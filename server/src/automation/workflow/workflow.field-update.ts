import type { Trx } from '../../db/database.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import { badRequest, forbidden } from '../../platform/http/app-error.js';
import {
  canModuleAction,
  formatFieldValue,
  loadRecordScopes,
  moduleView,
  type FieldMeta,
  type ModuleMeta,
  type OrgMetadata,
  type RecordService,
} from '../../records/index.js';
import { checkFieldValue, writableField } from '../field-writes.js';
import type { ActionOutcome } from './workflow.repository.js';
import type { Action } from './workflow.schemas.js';
import type { RunContext } from './workflow.actions.js';

type FieldUpdate = Extract<Action, { type: 'field_update' }>;

/** The field update's own record. */
export const RECORD_TARGET = 'record';

/**
 * Where a field update writes: the rule's record, or the record its lookup `target` points to (a lookup field of the
 * rule's module whose target module still exists). A 400 naming `path` otherwise.
 */
export function updateTarget(
  metadata: OrgMetadata,
  module: ModuleMeta,
  target: string | undefined,
  path: string,
): { module: ModuleMeta; lookup: FieldMeta | null } {
  if (target === undefined || target === RECORD_TARGET) return { module, lookup: null };
  const lookup = module.fields.find((field) => field.apiName === target && !field.hidden);
  if (!lookup || lookup.type !== 'lookup' || !lookup.options.target)
    throw badRequest(`The module ${module.apiName} has no lookup field "${target}": use "record" or a lookup’s API name.`, path);
  const related = metadata.modules.get(lookup.options.target);
  if (!related || related.hidden) throw badRequest(`The lookup "${target}" points to a module that no longer exists.`, path);
  return { module: related, lookup };
}

/**
 * Checks a field update (400 naming the bad part): the target, a writable field of the target's module, a value it
 * takes. Writing a related module also needs the caller's own right to edit its records (403): a rule must not
 * reach records its author could not change.
 */
export function checkFieldUpdate(
  auth: AuthContext,
  metadata: OrgMetadata,
  module: ModuleMeta,
  action: FieldUpdate,
  path: string,
  trigger: string,
): void {
  const target = updateTarget(metadata, module, action.target, `${path}.target`);
  if (target.lookup && !canModuleAction(auth, target.module.apiName, 'edit'))
    throw forbidden(`Your profile does not allow you to edit records of ${target.module.apiName}.`);
  const field = writableField(target.module, action.field, `${path}.field`);
  if (trigger === 'delete' && !target.lookup) throw badRequest('A rule on deletion cannot update the deleted record.', path);
  if (!Object.hasOwn(action, 'value')) throw badRequest('A field update needs a value (null empties the field).', `${path}.value`);
  checkFieldValue(field, action.value, `${path}.value`);
}

/**
 * Runs a field update through the records service as the rule's owner (the chain depth travels with the actor):
 * on the rule's record, or on the related record — skipped with the reason when the lookup is empty.
 */
export async function runFieldUpdate(
  deps: { records: RecordService },
  trx: Trx,
  run: RunContext,
  action: FieldUpdate,
  done: 'done' | 'would',
): Promise<Omit<ActionOutcome, 'durationMs'>> {
  const target = updateTarget(run.metadata, run.module, action.target, 'target');
  const field = target.module.fields.find((f) => f.apiName === action.field);
  const view = moduleView(run.actor, run.metadata, target.module.apiName, 'edit');
  const scopes = await loadRecordScopes(trx, run.actor);
  if (!target.lookup) {
    const from = field ? formatFieldValue(field, run.record[action.field]) : null;
    const { row, changed } = await deps.records.updateOne(trx, run.actor, view, scopes, run.record.id, { [action.field]: action.value });
    run.record = row;
    const to = field ? formatFieldValue(field, row[action.field]) : null;
    return { type: action.type, status: changed ? done : 'unchanged', detail: { field: action.field, from, to } };
  }
  const relatedId = run.record[target.lookup.apiName];
  const where = { target: target.lookup.apiName, module: target.module.apiName, field: action.field };
  if (typeof relatedId !== 'string' || relatedId === '')
    return { type: action.type, status: 'skipped', detail: { ...where, reason: `The record has no ${target.lookup.apiName}.` } };
  const { row, changed } = await deps.records.updateOne(trx, run.actor, view, scopes, relatedId, { [action.field]: action.value });
  // The related record's value before the write is not at hand without a second read: the timeline of that record has it.
  const to = field ? formatFieldValue(field, row[action.field]) : null;
  return { type: action.type, status: changed ? done : 'unchanged', detail: { ...where, recordId: relatedId, to } };
}
