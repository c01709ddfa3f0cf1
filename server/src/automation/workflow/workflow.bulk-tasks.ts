import { sql } from 'kysely';
import type { Trx } from '../../db/database.js';
import type { AppContext } from '../../platform/context.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import { loadRecordScopes } from '../../platform/access/access.service.js';
import { AppError } from '../../platform/http/app-error.js';
import { moduleView, selectRecords, type ModuleMeta, type OrgMetadata, type RecordService } from '../../records/index.js';
import { taskOutcome, taskValues, type RunContext, type TaskAction } from './workflow.actions.js';
import { claimPairs } from './workflow.bulk.js';
import { finishExecutions, type RuleRow } from './workflow.repository.js';

/**
 * The set-wise path of rules whose only actions create tasks (a follow-up call for each new lead): over the records
 * of a batch that met them, the executions are claimed together, the tasks of every record made by one `createMany`
 * of the record service (checks, timeline, one record.created event per task) and the executions finished together.
 * A run one execution at a time would make the same tasks and log the same outcomes.
 */

/** The rule's task actions when it can run set-wise: only tasks, nothing scheduled. */
export function bulkTasks(rule: RuleRow): TaskAction[] | null {
  if (rule.scheduled.length > 0 || rule.actions.length === 0) return null;
  return rule.actions.every((action) => action.type === 'task') ? (rule.actions as TaskAction[]) : null;
}

/** One task rule met by one record event. */
export interface TaskPair {
  rule: RuleRow;
  key: string;
  recordId: string;
  trigger: string;
  changes?: unknown;
}

/**
 * Runs task rules over many records in the caller's transaction (call it in a savepoint: it throws when a task is
 * refused, and the caller then runs the pairs one by one so that each refusal is logged). The pairs share one
 * automation depth and one acting owner. A pair whose execution is already logged (a second delivery) is left out;
 * a pair whose record is gone meanwhile is returned untouched, for the one-at-a-time path to log.
 */
export async function runTasksInBulk(
  ctx: AppContext,
  trx: Trx,
  records: RecordService,
  input: {
    orgId: string;
    schema: string;
    timeZone: string;
    metadata: OrgMetadata;
    module: ModuleMeta;
    actor: AuthContext;
    depth: number;
    pairs: TaskPair[];
  },
): Promise<TaskPair[]> {
  const started = performance.now();
  const { schema, module, metadata } = input;
  const ids = [...new Set(input.pairs.map((pair) => pair.recordId))];
  const rows = await selectRecords(trx, {
    schema,
    table: module.table,
    columns: ['id', ...module.fields.map((field) => field.apiName)],
    where: [sql<boolean>`r.id = ANY(${ids}::uuid[])`, sql<boolean>`r.deleted_at IS NULL`],
  });
  const byId = new Map(rows.map((row) => [row.id as string, row]));
  const gone = input.pairs.filter((pair) => !byId.has(pair.recordId));
  const mine = await claimPairs(
    trx,
    schema,
    module,
    input.depth,
    input.pairs.filter((pair) => byId.has(pair.recordId)),
  );
  if (mine.length === 0) return gone;
  const actor = { ...input.actor, automationDepth: input.depth + 1 };
  // Every task of the chunk, in execution then action order: its position tells whose it is.
  const tasks: Array<{ execution: number; values: Record<string, unknown> }> = [];
  for (const [position, { pair, row }] of mine.entries()) {
    const run: RunContext = {
      orgId: input.orgId,
      schema,
      timeZone: input.timeZone,
      metadata,
      module,
      rule: pair.rule,
      actor,
      record: byId.get(pair.recordId)!,
      executionId: row.id,
      trigger: pair.trigger,
      depth: input.depth,
      dryRun: false,
      changes: pair.changes,
    };
    for (const action of bulkTasks(pair.rule)!) tasks.push({ execution: position, values: await taskValues(ctx, trx, run, action) });
  }
  const view = moduleView(actor, metadata, 'tasks', 'create');
  const results = await records.createMany(
    trx,
    actor,
    view,
    await loadRecordScopes(trx, actor),
    tasks.map((task, index) => ({ index, values: task.values })),
    { allowDuplicates: true },
  );
  const refused = results.find((result) => result.status === 'error');
  if (refused?.status === 'error') throw new AppError('validation_failed', refused.errors.map((error) => error.message).join(' '));
  const took = Math.round(performance.now() - started);
  const created = new Map(results.map((result) => [result.index, result.status === 'error' ? undefined : result.id]));
  await finishExecutions(
    trx,
    schema,
    mine.map(({ row }, position) => ({
      id: row.id,
      status: 'done',
      actions: tasks
        .map((task, index) => ({ task, index }))
        .filter(({ task }) => task.execution === position)
        .map(({ task, index }) => ({ ...taskOutcome(task.values, created.get(index), 'done'), durationMs: took })),
      duration_ms: took,
    })),
  );
  return gone;
}
