import type { Trx } from '../../db/database.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import { loadRecordScopes } from '../../platform/access/access.service.js';
import { newId } from '../../platform/ids.js';
import type { RawBuilder } from 'kysely';
import { AppError } from '../../platform/http/app-error.js';
import {
  compileFilter,
  formatFieldValue,
  fullFilterScope,
  moduleView,
  type FilterNode,
  type ModuleMeta,
  type OrgMetadata,
  type RecordService,
} from '../../records/index.js';
import { claimExecutions, finishExecutions, type ActionOutcome, type RuleRow } from './workflow.repository.js';

/**
 * The set-wise path of the workflow engine: rules whose only work is to set fields of the record itself run over all
 * the records of a batch that met their criteria at once — executions claimed together, each record's values (every
 * such rule it met, in rule order) written by one update through the record service's `updateMany` (checks, timeline
 * and one record.updated event per record), executions finished together. Each rule's execution logs the outcome of
 * its own fields.
 */

export type FieldUpdate = { type: 'field_update'; field: string; value: unknown };

/** The rule's field updates when it can run set-wise: only field updates of the record itself, each of its own field, nothing scheduled. */
export function bulkFieldUpdates(rule: RuleRow): FieldUpdate[] | null {
  if (rule.scheduled.length > 0 || rule.actions.length === 0) return null;
  const updates: FieldUpdate[] = [];
  for (const action of rule.actions) {
    if (action.type !== 'field_update') return null;
    const target = (action as { target?: unknown }).target;
    if (target !== undefined && target !== 'record') return null;
    if (updates.some((update) => update.field === action.field)) return null;
    updates.push(action as FieldUpdate);
  }
  return updates;
}

/** Field types whose stored value is exactly what a rule sends when equal (no conversion or normalizing on the way). */
const PLAIN_TYPES = new Set(['text', 'long_text', 'email', 'url', 'integer', 'decimal', 'percent', 'date', 'boolean', 'picklist']);

/**
 * The condition "the record already holds every value of these updates", for the criteria query: such a record's
 * execution is logged at once as done with nothing changed, without locking or writing it (an edit made meanwhile is
 * an event of its own, which runs the rule again). Null when a field's stored value may differ from what the rule
 * sends (currencies, phones, lookups, lists): those always take the write path.
 */
export function alreadySetCondition(metadata: OrgMetadata, module: ModuleMeta, updates: FieldUpdate[]): RawBuilder<boolean> | null {
  const nodes: FilterNode[] = [];
  for (const update of updates) {
    const field = module.fields.find((f) => f.apiName === update.field);
    if (!field || !PLAIN_TYPES.has(field.type)) return null;
    const empty = update.value === null || update.value === undefined || update.value === '';
    nodes.push(empty ? { field: update.field, op: 'is_empty' } : { field: update.field, op: 'eq', value: update.value });
  }
  try {
    return compileFilter({ and: nodes }, module, fullFilterScope(metadata));
  } catch (error) {
    // A value the filter language does not take as it is (a label for a code…): the write path judges it.
    if (error instanceof AppError) return null;
    throw error;
  }
}

/** What a rule whose fields already hold its values logs: each field unchanged. */
export function unchangedOutcomes(module: ModuleMeta, updates: FieldUpdate[]): ActionOutcome[] {
  return updates.map((update) => {
    const field = module.fields.find((f) => f.apiName === update.field);
    const value = field ? formatFieldValue(field, update.value) : null;
    return { type: 'field_update', status: 'unchanged', detail: { field: update.field, from: value, to: value }, durationMs: 0 };
  });
}

/**
 * Claims the execution of each pair (rule, event key) in the caller's transaction, set-wise; returns the pairs this
 * call claimed with their execution rows: a pair already logged (a second delivery) is left out.
 */
export async function claimPairs<P extends { rule: RuleRow; key: string; recordId: string; trigger: string }>(
  trx: Trx,
  schema: string,
  module: ModuleMeta,
  depth: number,
  pairs: P[],
): Promise<Array<{ pair: P; row: { id: string; rule_id: string; key: string } }>> {
  const executions = pairs.map((pair) => ({
    pair,
    row: {
      id: newId(),
      rule_id: pair.rule.id,
      key: pair.key,
      module: module.apiName,
      record_id: pair.recordId,
      trigger: pair.trigger,
      depth,
    },
  }));
  const claimed = await claimExecutions(
    trx,
    schema,
    executions.map((execution) => execution.row),
  );
  return executions.filter((execution) => claimed.has(`${execution.row.rule_id}:${execution.row.key}`));
}

/** One rule met by one record event. */
export interface BulkPair {
  rule: RuleRow;
  updates: FieldUpdate[];
  key: string;
  recordId: string;
  trigger: string;
}

/**
 * Runs field-update rules over many records in the caller's transaction (call it in a savepoint: it throws when any
 * record refuses its values, and the caller then runs the pairs one by one so that each refusal is logged). The
 * pairs are in rule order, all at one automation depth; a pair whose execution is already logged (a second delivery)
 * is left out. Returns how many executions it ran.
 */
export async function runFieldUpdatesInBulk(
  trx: Trx,
  records: RecordService,
  input: { schema: string; metadata: OrgMetadata; module: ModuleMeta; actor: AuthContext; depth: number; pairs: BulkPair[] },
): Promise<number> {
  const started = performance.now();
  const { schema, module } = input;
  const mine = await claimPairs(trx, schema, module, input.depth, input.pairs);
  if (mine.length === 0) return 0;
  // Each record's values: its rules' updates in rule order (a later rule's value wins, as run one after the other).
  const values = new Map<string, Record<string, unknown>>();
  for (const { pair } of mine) {
    const own = values.get(pair.recordId) ?? {};
    for (const update of pair.updates) own[update.field] = update.value;
    values.set(pair.recordId, own);
  }
  const actor = { ...input.actor, automationDepth: input.depth + 1 };
  const view = moduleView(actor, input.metadata, module.apiName, 'edit');
  const results = await records.updateMany(
    trx,
    actor,
    view,
    await loadRecordScopes(trx, actor),
    [...values].map(([id, recordValues]) => ({ id, values: recordValues })),
  );
  const took = Math.round(performance.now() - started);
  // A field is reported changed once per record (the first execution that set it); the others found it so.
  const reported = new Set<string>();
  await finishExecutions(
    trx,
    schema,
    mine.map(({ pair, row: execution }) => {
      const result = results.get(pair.recordId)!;
      const outcomes: ActionOutcome[] = pair.updates.map((update) => {
        const field = module.fields.find((f) => f.apiName === update.field);
        const now = field ? formatFieldValue(field, result.row[update.field]) : null;
        const change = reported.has(`${pair.recordId}:${update.field}`) ? undefined : result.changes[update.field];
        reported.add(`${pair.recordId}:${update.field}`);
        return {
          type: 'field_update',
          status: change ? 'done' : 'unchanged',
          detail: { field: update.field, from: change ? change.from : now, to: now },
          durationMs: took,
        };
      });
      return { id: execution.id, status: 'done', actions: outcomes, duration_ms: took };
    }),
  );
  return mine.length;
}
