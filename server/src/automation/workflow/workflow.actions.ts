import { sql } from 'kysely';
import type { Trx } from '../../db/database.js';
import type { AppContext } from '../../platform/context.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import { AppError } from '../../platform/http/app-error.js';
import { newId } from '../../platform/ids.js';
import { queueDelivery, WORKFLOW_WEBHOOK_EVENT } from '../../platform/webhooks/index.js';
import {
  formatFieldValue,
  loadRecordScopes,
  moduleView,
  placeholders,
  renderMergeFields,
  selectRecords,
  withSavepoint,
  type ModuleMeta,
  type OrgMetadata,
  type RecordRow,
  type RecordService,
} from '../../records/index.js';
import { dueMoment, findPerson, findTemplate, findWebhook, listManagers, type ActionOutcome } from './workflow.repository.js';
import type { Action, ScheduledActions } from './workflow.schemas.js';
import { runFunctionAction } from '../functions/function.action.js';
import { runFieldUpdate } from './workflow.field-update.js';
import { mergeValues } from './workflow.merge.js';
import { webhookRequest } from './workflow.webhook.js';

export const EMAIL_JOB = 'automation.workflow-email';
export const SCHEDULED_JOB = 'automation.workflow-scheduled';

declare module '../../platform/jobs/jobs.js' {
  interface JobPayloads {
    /** A workflow rule's e-mail notification, rendered when the rule ran: sent once, its outcome written into the execution. */
    'automation.workflow-email': {
      orgId: string;
      schema: string;
      executionId: string;
      index: number;
      to: string[];
      subject: string;
      text: string;
    };
    /** Scheduled actions of a rule falling due: the criteria are checked again, then the actions run (once). */
    'automation.workflow-scheduled': {
      orgId: string;
      ruleId: string;
      recordId: string;
      executionId: string;
      index: number;
      dueAt: string;
      depth: number;
    };
  }
}

/** Everything an action needs: who acts, on which record, in which execution. */
export interface RunContext {
  orgId: string;
  schema: string;
  timeZone: string;
  metadata: OrgMetadata;
  module: ModuleMeta;
  rule: { id: string; name: string; owner_id: string };
  /** The rule's owner with full rights, carrying the chain depth of the writes it makes. */
  actor: AuthContext;
  record: RecordRow;
  executionId: string;
  trigger: string;
  depth: number;
  /** A test run: do what can be rolled back, and send nothing. */
  dryRun: boolean;
  /** The trigger's changes ({field: {from, to}}), when a record change started the run. */
  changes?: unknown;
  /** Queues an e-mail action's message (schedules have their own job); default: the workflow e-mail job. */
  queueEmail?: (trx: Trx, index: number, mail: { to: string[]; subject: string; text: string }) => Promise<void>;
}

type Deps = { records: RecordService };

const failure = (type: string, error: unknown, started: number): ActionOutcome => ({
  type,
  status: 'failed',
  durationMs: Math.round(performance.now() - started),
  error: (error as Error).message,
});

/** The local date (YYYY-MM-DD) `days` after `now` in a time zone. */
function localDatePlus(now: Date, timeZone: string, days: number): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  const date = new Date(`${today}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** The record as the API shows it (every field): what a webhook receives. */
function presentRecord(run: RunContext): Record<string, unknown> {
  const record: Record<string, unknown> = { id: run.record.id };
  for (const field of run.module.fields) record[field.apiName] = formatFieldValue(field, run.record[field.apiName]);
  return record;
}

/**
 * The record's contact: its own address (leads, contacts) or its contact's (a `contact_id` lookup); nobody when the
 * address is empty or the person asked for no e-mail (`email_opt_out`).
 */
export async function contactAddress(trx: Trx, run: Pick<RunContext, 'module' | 'record' | 'metadata' | 'schema'>): Promise<string | null> {
  const own = run.module.fields.some((field) => field.apiName === 'email' && field.type === 'email');
  if (own) return run.record.email_opt_out === true ? null : (run.record.email as string | null) || null;
  const contacts = run.metadata.modules.get('contacts');
  const contactId = run.record.contact_id;
  if (!contacts || typeof contactId !== 'string') return null;
  const [contact] = await selectRecords(trx, {
    schema: run.schema,
    table: contacts.table,
    columns: ['id', 'email', 'email_opt_out'],
    where: [sql<boolean>`r.id = ${contactId}`, sql<boolean>`r.deleted_at IS NULL`],
  });
  return !contact || contact.email_opt_out === true ? null : (contact.email as string | null) || null;
}

async function recipients(trx: Trx, run: RunContext, action: Extract<Action, { type: 'email' }>): Promise<Array<{ email: string }>> {
  if (action.to === 'contact') {
    const email = await contactAddress(trx, run);
    return email ? [{ email }] : [];
  }
  if (action.to === 'user') {
    const person = action.userId ? await findPerson(trx, run.orgId, action.userId) : undefined;
    return person ? [person] : [];
  }
  const ownerId = run.record.owner_id;
  if (!ownerId) return [];
  if (action.to === 'owner') {
    const owner = await findPerson(trx, run.orgId, ownerId);
    return owner ? [owner] : [];
  }
  return listManagers(trx, run.orgId, ownerId);
}

export type TaskAction = Extract<Action, { type: 'task' }>;

/** The task a task action creates for the run's record: subject with merge fields, owner, due date in the organization's time zone. */
export async function taskValues(ctx: AppContext, trx: Trx, run: RunContext, action: TaskAction): Promise<Record<string, unknown>> {
  const values: Record<string, unknown> = {
    subject: renderMergeFields(action.subject, await mergeValues(trx, run, placeholders(action.subject))).slice(0, 255),
    owner_id: action.assignTo === 'owner' ? run.record.owner_id : action.userId,
    related_module: run.module.apiName,
    related_id: run.record.id,
    priority: action.priority ?? 'normal',
  };
  if (action.dueInDays !== undefined) values.due_date = localDatePlus(ctx.now(), run.timeZone, action.dueInDays);
  return values;
}

/** What a task action logs. */
export function taskOutcome(
  values: Record<string, unknown>,
  taskId: string | undefined,
  status: 'done' | 'would',
): Omit<ActionOutcome, 'durationMs'> {
  return {
    type: 'task',
    status,
    detail: { subject: values.subject, ownerId: values.owner_id, dueDate: values.due_date ?? null, ...(taskId ? { taskId } : {}) },
  };
}

/** Runs one action in a savepoint: a refused action (bad value, missing template…) is logged and the others go on. */
async function runAction(ctx: AppContext, deps: Deps, trx: Trx, run: RunContext, action: Action, index: number): Promise<ActionOutcome> {
  const started = performance.now();
  const took = () => Math.round(performance.now() - started);
  const done = run.dryRun ? 'would' : 'done';
  try {
    return await withSavepoint(trx, async () => {
      switch (action.type) {
        case 'field_update':
          return { ...(await runFieldUpdate(deps, trx, run, action, done)), durationMs: took() };
        case 'task': {
          const values = await taskValues(ctx, trx, run, action);
          const view = moduleView(run.actor, run.metadata, 'tasks', 'create');
          const scopes = await loadRecordScopes(trx, run.actor);
          const [result] = await deps.records.createMany(trx, run.actor, view, scopes, [{ index: 0, values }], { allowDuplicates: true });
          if (result!.status === 'error') throw new AppError('validation_failed', result!.errors.map((e) => e.message).join(' '));
          return { ...taskOutcome(values, run.dryRun ? undefined : result!.id, done), durationMs: took() };
        }
        case 'email': {
          const template = action.templateId ? await findTemplate(trx, run.orgId, action.templateId) : undefined;
          if (action.templateId && !template) throw new AppError('validation_failed', 'The e-mail template no longer exists.');
          const subjectText = template?.subject ?? action.subject ?? '';
          const bodyText = template?.body ?? action.body ?? '';
          const values = await mergeValues(trx, run, [...placeholders(subjectText), ...placeholders(bodyText)]);
          const subject = renderMergeFields(subjectText, values).replace(/[\r\n]+/g, ' ');
          const text = renderMergeFields(bodyText, values);
          const to = (await recipients(trx, run, action)).map((person) => person.email);
          if (to.length === 0)
            return {
              type: action.type,
              status: 'skipped',
              detail: {
                to: [],
                subject,
                reason:
                  action.to === 'manager'
                    ? 'The owner has no manager (no parent role).'
                    : action.to === 'contact'
                      ? 'The record has no contact address (or it asked for no e-mail).'
                      : 'No recipient.',
                // The screens say it in the user's language.
                reasonCode: action.to === 'manager' ? 'no_manager' : action.to === 'contact' ? 'no_contact' : 'no_recipient',
              },
              durationMs: took(),
            };
          if (!run.dryRun && run.queueEmail) await run.queueEmail(trx, index, { to, subject, text });
          else if (!run.dryRun)
            await ctx.jobs.send(
              EMAIL_JOB,
              { orgId: run.orgId, schema: run.schema, executionId: run.executionId, index, to, subject, text },
              { trx, singletonKey: `${run.executionId}:${index}` },
            );
          return { type: action.type, status: run.dryRun ? 'would' : 'queued', detail: { to, subject }, durationMs: took() };
        }
        case 'webhook': {
          const webhook = await findWebhook(trx, run.orgId, action.webhookId);
          if (!webhook) throw new AppError('validation_failed', 'The webhook no longer exists.');
          if (!webhook.active) throw new AppError('validation_failed', `The webhook "${webhook.name}" is inactive.`);
          const request = await webhookRequest(trx, run, action);
          let deliveryId: string | null = null;
          if (!run.dryRun)
            deliveryId = await queueDelivery(ctx, trx, {
              webhookId: webhook.id,
              orgId: run.orgId,
              eventId: newId(),
              eventType: WORKFLOW_WEBHOOK_EVENT,
              eventCreatedAt: ctx.now(),
              payload: {
                rule: { id: run.rule.id, name: run.rule.name },
                executionId: run.executionId,
                trigger: run.trigger,
                module: run.module.apiName,
                record: presentRecord(run),
              },
              request,
            });
          return {
            type: action.type,
            status: run.dryRun ? 'would' : 'queued',
            detail: {
              webhookId: webhook.id,
              url: webhook.url,
              method: request?.method ?? 'POST',
              deliveryId,
              // A test run shows what would be sent.
              ...(run.dryRun && typeof request?.body === 'string' ? { body: request.body } : {}),
            },
            durationMs: took(),
          };
        }
        case 'custom_function':
          return { type: action.type, ...(await runFunctionAction(ctx, trx, run, action.functionId)), durationMs: took() };
      }
    });
  } catch (error) {
    if (error instanceof AppError) return failure(action.type, error, started);
    throw error;
  }
}

/** Runs actions in order, in the caller's transaction; their outcomes start at `offset` in the execution's list. */
export async function runActions(
  ctx: AppContext,
  deps: Deps,
  trx: Trx,
  run: RunContext,
  actions: Action[],
  offset = 0,
): Promise<ActionOutcome[]> {
  const outcomes: ActionOutcome[] = [];
  for (const [position, action] of actions.entries()) outcomes.push(await runAction(ctx, deps, trx, run, action, offset + position));
  return outcomes;
}

/** When a schedule falls due for this record now (null: its date field is empty). */
export async function scheduleDue(
  trx: Trx,
  run: Pick<RunContext, 'record' | 'timeZone'>,
  schedule: ScheduledActions,
  now: Date,
): Promise<Date | null> {
  if ('after' in schedule.when) return new Date(now.getTime() + schedule.when.after * 60_000);
  return dueMoment(trx, run.record[schedule.when.field], schedule.when.days, schedule.when.time, run.timeZone);
}

/** Queues each scheduled group of actions (pg-boss, delayed) in the caller's transaction; a past due time is skipped. */
export async function scheduleActions(ctx: AppContext, trx: Trx, run: RunContext, schedules: ScheduledActions[]): Promise<ActionOutcome[]> {
  const outcomes: ActionOutcome[] = [];
  const now = ctx.now();
  for (const [index, schedule] of schedules.entries()) {
    const due = await scheduleDue(trx, run, schedule, now);
    if (!due) {
      const field = 'field' in schedule.when ? schedule.when.field : '';
      outcomes.push({
        type: 'schedule',
        status: 'skipped',
        detail: { index, reason: `The record has no ${field}.`, reasonCode: 'no_date', dateField: field },
      });
      continue;
    }
    if (due.getTime() <= now.getTime()) {
      outcomes.push({
        type: 'schedule',
        status: 'skipped',
        detail: { index, dueAt: due.toISOString(), reason: 'The due time has already passed.', reasonCode: 'due_passed' },
      });
      continue;
    }
    if (!run.dryRun)
      await ctx.jobs.send(
        SCHEDULED_JOB,
        {
          orgId: run.orgId,
          ruleId: run.rule.id,
          recordId: run.record.id,
          executionId: run.executionId,
          index,
          dueAt: due.toISOString(),
          depth: run.depth,
        },
        { trx, startAfter: due, singletonKey: `${run.executionId}:${index}`, retryLimit: 5 },
      );
    outcomes.push({ type: 'schedule', status: run.dryRun ? 'would' : 'scheduled', detail: { index, dueAt: due.toISOString() } });
  }
  return outcomes;
}
