import { sql } from 'kysely';
import type { Trx } from '../../db/database.js';
import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/http/app-error.js';
import { newId } from '../../platform/ids.js';
import {
  compileFilter,
  fullFilterScope,
  selectRecords,
  withSavepoint,
  type MetadataStore,
  type ModuleMeta,
  type OrgMetadata,
  type RecordService,
} from '../../records/index.js';
import { runActions, type RunContext } from '../workflow/workflow.actions.js';
import { ruleActor } from '../workflow/workflow.repository.js';
import { findFunction } from '../functions/function.repository.js';
import { functionRecord } from '../functions/function.action.js';
import type { FunctionInput, FunctionRunner } from '../functions/function.runner.js';
import { nextRunAfter } from './schedule.calendar.js';
import {
  claimItem,
  failItem,
  findRun,
  findSchedule,
  finishRun,
  insertRun,
  listOrganizations,
  lockDueSchedules,
  nextRecords,
  setNextRun,
  type ScheduleRow,
} from './schedule.repository.js';

export const TICK_JOB = 'automation.schedules-tick';
export const RUN_JOB = 'automation.schedule-run';
export const EMAIL_JOB = 'automation.schedule-email';
/** Records per transaction: a run over 100,000 records is 1,000 short transactions, resumable between any two. */
export const CHUNK = 100;

declare module '../../platform/jobs/jobs.js' {
  interface JobPayloads {
    /** Every minute: schedules due now get a run (once per due time) and their next time. */
    'automation.schedules-tick': Record<string, never>;
    /** One run of a schedule, in chunks; a run started again resumes where it stopped. */
    'automation.schedule-run': { orgId: string; schema: string; runId: string };
    /** An e-mail action of a schedule run on a record: sent once, with a stable Message-ID. */
    'automation.schedule-email': { orgId: string; messageId: string; to: string[]; subject: string; text: string };
  }
}

/**
 * Schedules (AUT-5): a tick every minute gives each due schedule a run (unique per schedule and due time, so two
 * ticks or two nodes make one) and moves it to its next time; the run job handles the matching records in chunks,
 * each in its own transaction that claims the record for the run (unique per run and record) before acting, so a
 * run repeated after a crash skips what was done and does the rest.
 */
export function createScheduleRunner(
  ctx: AppContext,
  deps: { metadata: MetadataStore; records: RecordService; functions: FunctionRunner },
) {
  const { database } = ctx;

  /** Starts the runs of every due schedule of every organization; returns the run ids. */
  async function tick(): Promise<string[]> {
    const started: string[] = [];
    const now = ctx.now();
    for (const org of await listOrganizations(database.db)) {
      const runs = await database.transaction('automation.schedules-tick', async (trx) => {
        const ids: string[] = [];
        for (const schedule of await lockDueSchedules(trx, org.schema_name, now, 100)) {
          const due = schedule.next_run_at!;
          // Missed times (the server was down) make one run, not one per missed time.
          const next = nextRunAfter(schedule, now.getTime() > due.getTime() ? now : due, org.time_zone);
          await setNextRun(trx, org.schema_name, schedule.id, next, due);
          const runId = await startRun(trx, org.id, org.schema_name, schedule, due, false);
          if (runId) ids.push(runId);
        }
        return ids;
      });
      started.push(...runs);
    }
    return started;
  }

  /** Inserts a run for a due time and queues its job in the same transaction (undefined: that time has a run). */
  async function startRun(trx: Trx, orgId: string, schema: string, schedule: ScheduleRow, due: Date, manual: boolean) {
    const runId = await insertRun(trx, schema, { id: newId(), schedule_id: schedule.id, due_at: due, manual, started_at: ctx.now() });
    if (runId) await ctx.jobs.send(RUN_JOB, { orgId, schema, runId }, { trx, singletonKey: runId, retryLimit: 5 });
    return runId;
  }

  async function runFunction(
    trx: Trx,
    input: { orgId: string; metadata: OrgMetadata; schedule: ScheduleRow; record: FunctionInput['record'] },
  ) {
    const fn = input.schedule.function_id ? await findFunction(trx, input.metadata.schema, input.schedule.function_id) : undefined;
    if (!fn) throw new AppError('validation_failed', 'The custom function no longer exists.');
    const run = await deps.functions.run({
      orgId: input.orgId,
      metadata: input.metadata,
      fn,
      ownerId: input.schedule.owner_id,
      within: (work) => work(trx),
      reader: trx,
      log: trx,
      functionInput: {
        trigger: 'schedule',
        record: input.record,
        changes: null,
        source: { type: 'schedule', id: input.schedule.id, name: input.schedule.name },
      },
      depth: 1,
    });
    if (run.status === 'failed') throw new AppError('validation_failed', run.error ?? 'The function failed.');
  }

  /** One record of a run, in the chunk's transaction: claimed first (a second pass stops here), then acted on. */
  async function handleRecord(
    trx: Trx,
    input: {
      orgId: string;
      timeZone: string;
      metadata: OrgMetadata;
      module: ModuleMeta;
      schedule: ScheduleRow;
      runId: string;
      recordId: string;
    },
  ) {
    const { schema } = input.metadata;
    if (!(await claimItem(trx, schema, input.runId, input.recordId))) return;
    const fail = (message: string) => failItem(trx, schema, input.runId, input.recordId, message.slice(0, 2000));
    const [record] = await selectRecords(trx, {
      schema,
      table: input.module.table,
      columns: ['id', 'deleted_at', ...input.module.fields.map((f) => f.apiName)],
      where: [sql<boolean>`r.id = ${input.recordId}`],
      forUpdate: true,
    });
    if (!record) return fail('The record is gone.');
    try {
      await withSavepoint(trx, async () => {
        if (input.schedule.function_id) {
          await runFunction(trx, {
            orgId: input.orgId,
            metadata: input.metadata,
            schedule: input.schedule,
            record: functionRecord(input.module, record),
          });
          return;
        }
        const actor = await ruleActor(trx, input.orgId, input.schedule.owner_id);
        if (!actor) throw new AppError('validation_failed', 'No active user to act as.');
        const run: RunContext = {
          orgId: input.orgId,
          schema,
          timeZone: input.timeZone,
          metadata: input.metadata,
          module: input.module,
          rule: { id: input.schedule.id, name: input.schedule.name, owner_id: input.schedule.owner_id },
          actor: { ...actor, automationDepth: 1 },
          record,
          executionId: input.runId,
          trigger: 'schedule',
          depth: 0,
          dryRun: false,
          queueEmail: (emailTrx, index, mail) =>
            ctx.jobs
              .send(
                EMAIL_JOB,
                { orgId: input.orgId, messageId: `<schedule.${input.runId}.${input.recordId}.${index}@clave>`, ...mail },
                { trx: emailTrx, singletonKey: `${input.runId}:${input.recordId}:${index}` },
              )
              .then(() => undefined),
        };
        const outcomes = await runActions(ctx, deps, trx, run, input.schedule.actions);
        const failed = outcomes.find((outcome) => outcome.status === 'failed');
        if (failed) throw new AppError('validation_failed', `${failed.type}: ${failed.error ?? 'failed'}`);
      });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      await fail(error.message);
    }
  }

  /** Runs (or resumes) a run: chunk after chunk until no matching record is left unhandled. */
  async function runOne(data: { orgId: string; schema: string; runId: string }): Promise<void> {
    const run = await findRun(database.db, data.schema, data.runId);
    if (!run || run.status !== 'running') return;
    const schedule = await findSchedule(database.db, data.schema, run.schedule_id);
    const org = (await listOrganizations(database.db)).find((o) => o.id === data.orgId);
    if (!schedule || !org) return;
    const metadata = await deps.metadata.get(data.orgId, data.schema);
    let error: string | null = null;
    try {
      if (!schedule.module) {
        // A function on its own: one item keyed by the run itself.
        await database.transaction('automation.schedule-chunk', async (trx) => {
          if (!(await claimItem(trx, data.schema, run.id, run.id))) return;
          try {
            await withSavepoint(trx, () => runFunction(trx, { orgId: data.orgId, metadata, schedule, record: null }));
          } catch (failure) {
            if (!(failure instanceof AppError)) throw failure;
            await failItem(trx, data.schema, run.id, run.id, failure.message.slice(0, 2000));
          }
        });
      } else {
        const module = metadata.modules.get(schedule.module);
        if (!module) throw new AppError('validation_failed', `The module ${schedule.module} no longer exists.`);
        const condition = schedule.criteria
          ? compileFilter(schedule.criteria, module, { ...fullFilterScope(metadata), userId: schedule.owner_id })
          : sql<boolean>`true`;
        for (;;) {
          const ids = await nextRecords(database.db, { schema: data.schema, table: module.table, runId: run.id, condition, limit: CHUNK });
          if (ids.length === 0) break;
          await database.transaction('automation.schedule-chunk', async (trx) => {
            for (const recordId of ids)
              await handleRecord(trx, { orgId: data.orgId, timeZone: org.time_zone, metadata, module, schedule, runId: run.id, recordId });
          });
        }
      }
    } catch (failure) {
      if (!(failure instanceof AppError)) throw failure;
      error = failure.message;
    }
    await finishRun(database.db, data.schema, run.id, ctx.now(), error);
  }

  /** “Run now”: a run due now, beside the regular times. */
  async function runNow(orgId: string, schema: string, schedule: ScheduleRow): Promise<string> {
    return database.transaction(
      'automation.schedule-run-now',
      async (trx) => (await startRun(trx, orgId, schema, schedule, ctx.now(), true))!,
    );
  }

  async function sendEmail(data: { orgId: string; messageId: string; to: string[]; subject: string; text: string }) {
    await ctx.mailer.send({ orgId: data.orgId, to: data.to.join(', '), subject: data.subject, text: data.text, messageId: data.messageId });
  }

  return { tick, runOne, runNow, sendEmail };
}

export type ScheduleRunner = ReturnType<typeof createScheduleRunner>;
