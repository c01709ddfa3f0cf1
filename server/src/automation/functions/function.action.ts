import type { Trx } from '../../db/database.js';
import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/http/app-error.js';
import { sql } from 'kysely';
import { formatFieldValue, selectRecords, withSavepoint, type ModuleMeta, type RecordRow } from '../../records/index.js';
import type { RunContext } from '../workflow/workflow.actions.js';
import { getFunctionRunner } from './index.js';
import { findFunction } from './function.repository.js';

const FAILED = Symbol('function failed');

/** A record as a function's input: its module, id and every field as the API shows it. */
export function functionRecord(module: ModuleMeta, row: RecordRow): Record<string, unknown> & { id: string; module: string } {
  const record: Record<string, unknown> & { id: string; module: string } = { id: row.id, module: module.apiName };
  for (const field of module.fields) record[field.apiName] = formatFieldValue(field, row[field.apiName]);
  return record;
}

/**
 * The workflow action `custom_function`: the function runs with the rule's record as input, its record calls in the
 * rule's transaction (in a savepoint: a failed run leaves no write behind), its run logged. Returns the action's
 * outcome detail; a failed run is an AppError (the execution log shows it with the run's logs).
 */
export async function runFunctionAction(ctx: AppContext, trx: Trx, run: RunContext, functionId: string) {
  const fn = await findFunction(trx, run.schema, functionId);
  if (!fn) throw new AppError('validation_failed', 'The custom function no longer exists.');
  const record = functionRecord(run.module, run.record);
  let outcome: Awaited<ReturnType<ReturnType<typeof getFunctionRunner>['run']>> | undefined;
  try {
    await withSavepoint(trx, async () => {
      outcome = await getFunctionRunner(ctx).run({
        orgId: run.orgId,
        metadata: run.metadata,
        fn,
        ownerId: run.rule.owner_id,
        within: (work) => work(trx),
        reader: trx,
        log: run.dryRun ? null : trx,
        functionInput: {
          trigger: 'workflow',
          record,
          changes: run.changes ?? null,
          source: { type: 'workflow_rule', id: run.rule.id, name: run.rule.name },
        },
        depth: run.depth + 1,
      });
      if (outcome.status === 'failed') throw FAILED;
    });
  } catch (error) {
    if (error !== FAILED) throw error;
  }
  // The function's writes may have changed the rule's record: the next actions see it as it is now.
  const [fresh] = await selectRecords(trx, {
    schema: run.schema,
    table: run.module.table,
    columns: ['id', 'deleted_at', ...run.module.fields.map((f) => f.apiName)],
    where: [sql<boolean>`r.id = ${run.record.id}`],
  });
  if (fresh) run.record = fresh;
  const detail = {
    functionId: fn.id,
    name: fn.name,
    runId: outcome!.runId,
    result: outcome!.result,
    logs: outcome!.logs.slice(0, 20),
    memoryBytes: outcome!.memoryBytes,
  };
  if (outcome!.status === 'failed') return { status: 'failed' as const, detail, error: outcome!.error ?? 'The function failed.' };
  return { status: run.dryRun ? ('would' as const) : ('done' as const), detail };
}
