import type { Trx } from '../../db/database.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import { loadRecordScopes } from '../../platform/access/access.service.js';
import { newId } from '../../platform/ids.js';
import { formatFieldValue, moduleView, type ModuleMeta, type OrgMetadata, type RecordService } from '../../records/index.js';
import { claimExecutions, finishExecutions, type ActionOutcome, type RuleRow } from './workflow.repository.js';

/**
 * The set-wise path of the workflow engine: a rule whose only work is to set fields of the record itself runs over
 * all the records of a batch that met its criteria at once — executions claimed together, one update through the
 * record service's `updateMany` (checks, timeline and record.updated events as for one record), executions
 * finished together. What it logs is what running the rule record by record would have logged.
 */

type FieldUpdate = { type: 'field_update'; field: string; value: unknown };

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

/**
 * Runs a field-update rule over many records in the caller's transaction (call it in a savepoint: it throws when any
 * record refuses the values, and the caller then runs the records one by one to log each refusal). `items` are the
 * events' keys and records, all at one automation depth; returns how many executions it claimed.
 */
export async function runFieldUpdatesInBulk(
  trx: Trx,
  records: RecordService,
  input: {
    schema: string;
    metadata: OrgMetadata;
    module: ModuleMeta;
    rule: RuleRow;
    updates: FieldUpdate[];
    actor: AuthContext;
    depth: number;
    trigger: string;
    items: Array<{ key: string; recordId: string }>;
  },
): Promise<number> {
  const started = performance.now();
  const { schema, module, rule, items } = input;
  const executions = items.map((item) => ({
    id: newId(),
    rule_id: rule.id,
    key: item.key,
    module: module.apiName,
    record_id: item.recordId,
    trigger: input.trigger,
    depth: input.depth,
  }));
  const claimed = await claimExecutions(trx, schema, executions);
  const mine = executions.filter((execution) => claimed.has(execution.key));
  if (mine.length === 0) return 0;
  const actor = { ...input.actor, automationDepth: input.depth + 1 };
  const view = moduleView(actor, input.metadata, module.apiName, 'edit');
  const scopes = await loadRecordScopes(trx, actor);
  const values = Object.fromEntries(input.updates.map((update) => [update.field, update.value]));
  const results = await records.updateMany(
    trx,
    actor,
    view,
    scopes,
    mine.map((execution) => execution.record_id),
    values,
  );
  const took = Math.round(performance.now() - started);
  // A record met twice in the batch (two events) is changed by the first execution; the second finds nothing to do.
  const seen = new Set<string>();
  await finishExecutions(
    trx,
    schema,
    mine.map((execution, index) => {
      const result = results[index]!;
      const first = !seen.has(execution.record_id);
      seen.add(execution.record_id);
      const outcomes: ActionOutcome[] = input.updates.map((update) => {
        const field = module.fields.find((f) => f.apiName === update.field);
        const change = first ? result.changes[update.field] : undefined;
        const now = field ? formatFieldValue(field, result.row[update.field]) : null;
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
