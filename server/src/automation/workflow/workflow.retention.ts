import type { AppContext } from '../../platform/context.js';
import { deleteOldExecutions, listOrgSchemas } from './workflow.repository.js';

export const PRUNE_EXECUTIONS_JOB = 'automation.prune-executions';
/** Executions are kept this long (and as long as their rule: deleting a rule deletes its log). */
export const EXECUTION_RETENTION_DAYS = 90;
const BATCH = 1000;
/** The logs kept for the retention: workflow executions and scoring runs. */
const LOGS = ['automation_executions', 'automation_scoring_runs'] as const;

declare module '../../platform/jobs/jobs.js' {
  interface JobPayloads {
    /** Daily: deletes workflow executions and scoring runs older than EXECUTION_RETENTION_DAYS in every organization. */
    'automation.prune-executions': Record<string, never>;
  }
}

/** Deletes old executions and scoring runs of every organization, in small batches (other work gets its turn on the embedded database). */
export async function pruneExecutions(ctx: Pick<AppContext, 'database' | 'now'>): Promise<number> {
  const before = new Date(ctx.now().getTime() - EXECUTION_RETENTION_DAYS * 24 * 3600_000);
  let total = 0;
  for (const schema of await listOrgSchemas(ctx.database.db)) {
    for (const table of LOGS) {
      for (;;) {
        const deleted = await deleteOldExecutions(ctx.database.db, schema, before, BATCH, table);
        total += deleted;
        if (deleted < BATCH) break;
      }
    }
  }
  return total;
}
