import { sql } from 'kysely';
import type { Executor, Trx } from '../../db/database.js';
import { createOrganizationLookup, createRulesCache } from '../rules-cache.js';
import type { AppContext } from '../../platform/context.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import type { DomainEvent } from '../../platform/events/event-bus.js';
import type { Job } from '../../platform/jobs/jobs.js';
import { AppError, forbidden } from '../../platform/http/app-error.js';
import { newId, randomSecret, sha256 } from '../../platform/ids.js';
import { createNotifier } from '../../platform/notifications/index.js';
import { mailLanguage } from '../../platform/mail/link-mail.js';
import {
  compileFilter,
  fullFilterScope,
  insertTimeline,
  type MetadataStore,
  type ModuleMeta,
  type ModuleView,
  type OrgMetadata,
  type RecordRow,
  type RecordService,
} from '../../records/index.js';
import { runActions, type RunContext } from '../workflow/workflow.actions.js';
import { MAX_CHAIN_DEPTH } from '../workflow/workflow.engine.js';
import {
  claimExecution,
  finishExecution,
  findOrganization,
  findRecordNames,
  lockRecord,
  recordMatches,
  ruleActor,
  type ActionOutcome,
} from '../workflow/workflow.repository.js';
import { listActivePoolUsers } from '../assignment/assignment.repository.js';
import { listOrgPeople } from '../escalation/escalation.repository.js';
import { managersOf } from '../escalation/escalation.runner.js';
import type { ApprovalStep } from './approval.schemas.js';
import {
  findLanguages,
  findPending,
  findProcess,
  findSubmission,
  findUserNames,
  insertApprovers,
  insertDecision,
  insertLink,
  insertSubmission,
  listApprovers,
  listDelegatesOn,
  listProcesses,
  setApproverDecision,
  setSubmissionState,
  type DecisionRow,
  type ProcessRow,
  type SubmissionRow,
  type SubmissionStatus,
} from './approval.repository.js';
import { approvalMail, notificationText } from './approval.texts.js';

export const APPROVAL_EMAIL_JOB = 'automation.approval-email';
/** How long an e-mail's one-click link works (it also stops once the step is decided). */
const LINK_DAYS = 14;

declare module '../../platform/jobs/jobs.js' {
  interface JobPayloads {
    /** Tells one approver (or their delegate) by e-mail that a step waits for them, with one-click links. */
    'automation.approval-email': { orgId: string; schema: string; submissionId: string; step: number; userId: string };
  }
}

/** Where a submission lives: the organization and the record's module. */
export interface Target {
  orgId: string;
  schema: string;
  timeZone: string;
  metadata: OrgMetadata;
  module: ModuleMeta;
}

/** An organization's module with its metadata, time zone and schema (undefined when either is gone). Blueprints use it too. */
export async function findTarget(
  executor: Executor,
  metadataStore: MetadataStore,
  orgId: string,
  moduleName: string,
): Promise<Target | undefined> {
  const org = await findOrganization(executor, orgId);
  if (!org) return undefined;
  const metadata = await metadataStore.get(orgId, org.schema);
  const module = metadata.modules.get(moduleName);
  return module ? { orgId, schema: org.schema, timeZone: org.timeZone, metadata, module } : undefined;
}

/** The local date (YYYY-MM-DD) of a moment in a time zone. */
const localDate = (at: Date, timeZone: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);

/** The API names a filter compares (its leaves' first path segment). */
export function criteriaFields(node: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((child) => criteriaFields(child, into));
  else if (node && typeof node === 'object') {
    const { field, and, or } = node as { field?: unknown; and?: unknown; or?: unknown };
    if (typeof field === 'string') into.add(field.split('.')[0]!);
    criteriaFields(and, into);
    criteriaFields(or, into);
  }
  return into;
}

/**
 * The approval runtime (AUT-2): submission (automatic from record events, after the workflow rules, or manual),
 * routing each step to its approvers (and their delegates) with a notification and an e-mail, decisions, the final
 * actions, and the lock on records under approval.
 */
/** Cluster channel: an organization's approval processes changed (payload: its id). */
const PROCESSES_CHANNEL = 'clave_approval_processes';

export function createApprovalEngine(ctx: AppContext, deps: { records: RecordService; metadata: MetadataStore }) {
  const { database } = ctx;
  const notifier = createNotifier(ctx);
  // The enabled processes of each organization, by module: every record event asks (see ../rules-cache.ts).
  const processesCache = createRulesCache(ctx, {
    channel: PROCESSES_CHANNEL,
    maxAgeMs: 5 * 60_000,
    load: (schema) => listProcesses(database.db, schema, { enabled: true }),
  });
  const organization = createOrganizationLookup(database);

  async function targetOf(orgId: string, moduleName: string): Promise<Target | undefined> {
    const org = await organization(orgId);
    if (!org) return undefined;
    const metadata = await deps.metadata.get(orgId, org.schema);
    const module = metadata.modules.get(moduleName);
    return module ? { orgId, schema: org.schema, timeZone: org.timeZone, metadata, module } : undefined;
  }

  /** Whether the record meets a filter now (null: every record), judged with every field visible. */
  async function meets(executor: Executor, target: Target, criteria: unknown, recordId: string, userId: string): Promise<boolean> {
    if (!criteria)
      return recordMatches(
        executor,
        { schema: target.schema, table: target.module.table, id: recordId, includeDeleted: false },
        sql<boolean>`true`,
      );
    const condition = compileFilter(criteria, target.module, { ...fullFilterScope(target.metadata), userId });
    return recordMatches(executor, { schema: target.schema, table: target.module.table, id: recordId, includeDeleted: false }, condition);
  }

  async function recordName(executor: Executor, target: Target, recordId: string): Promise<string> {
    const names = await findRecordNames(
      executor,
      { schema: target.schema, table: target.module.table, displayFields: target.module.displayFields },
      [recordId],
    );
    return names.get(recordId)?.trim() || target.module.apiName;
  }

  /** The users who decide a step for this submitter; nobody found: the organization's administrators. */
  async function resolveApprovers(executor: Executor, orgId: string, step: ApprovalStep, submitterId: string): Promise<string[]> {
    const people = await listOrgPeople(executor, orgId);
    const active = new Set(people.users.filter((user) => user.active).map((user) => user.id));
    let ids: string[];
    if (step.approvers.type === 'user') ids = [step.approvers.userId].filter((id) => active.has(id));
    else if (step.approvers.type === 'manager') ids = managersOf(people, submitterId, step.approvers.levels);
    else ids = await listActivePoolUsers(executor, orgId, { groupId: step.approvers.groupId });
    if (ids.length > 0) return ids;
    return people.users.filter((user) => user.active && user.is_admin).map((user) => user.id);
  }

  /** One line of a submission's history, stamped now. */
  async function addDecision(
    trx: Trx,
    target: Target,
    submissionId: string,
    line: Pick<DecisionRow, 'step' | 'user_id' | 'decision' | 'comment' | 'delegated_from'>,
  ) {
    await insertDecision(trx, target.schema, { id: newId(), submission_id: submissionId, at: ctx.now(), ...line });
  }

  async function timeline(trx: Trx, target: Target, recordId: string, kind: string, actorId: string | null, data: Record<string, unknown>) {
    await insertTimeline(trx, target.schema, [
      { id: newId(), module: target.module.apiName, record_id: recordId, kind, actor_id: actorId, at: ctx.now(), data },
    ]);
  }

  async function notify(
    trx: Trx,
    target: Target,
    userIds: string[],
    kind: 'requested' | 'approved' | 'rejected',
    vars: { record: string; process: string; step: string; recordId: string },
  ) {
    const languages = await findLanguages(trx, target.orgId, userIds);
    for (const userId of new Set(userIds)) {
      const text = notificationText(mailLanguage(languages.get(userId)), kind, vars);
      await notifier.notify(trx, {
        orgId: target.orgId,
        userId,
        kind: `approval.${kind}`,
        title: text.title,
        body: text.body,
        link: `/records/${target.module.apiName}/${vars.recordId}`,
      });
    }
  }

  /**
   * The final actions of a decided submission (on approval or on rejection), as the process's owner, logged in the
   * execution log under the process (key `<submission>:<status>`, so they run once).
   */
  async function runFinalActions(
    trx: Trx,
    target: Target,
    process: ProcessRow,
    submission: SubmissionRow,
    status: 'approved' | 'rejected',
    depth: number,
  ) {
    const actions = status === 'approved' ? process.on_approve : process.on_reject;
    const started = performance.now();
    const executionId = newId();
    const claimed = await claimExecution(trx, target.schema, {
      id: executionId,
      rule_id: process.id,
      key: `${submission.id}:${status}`,
      module: target.module.apiName,
      record_id: submission.record_id,
      trigger: `approval.${status}`,
      depth,
    });
    if (!claimed) return;
    const actor = await ruleActor(trx, target.orgId, process.owner_id);
    const record = await lockRecord(trx, { schema: target.schema, module: target.module, id: submission.record_id });
    const finish = (values: { status: 'done' | 'failed' | 'skipped'; actions?: ActionOutcome[]; reason?: string; error?: string }) =>
      finishExecution(trx, target.schema, executionId, {
        matched: true,
        status: values.status,
        reason: values.reason ?? null,
        actions: values.actions ?? [],
        error: values.error ?? null,
        duration_ms: Math.round(performance.now() - started),
      });
    if (!actor) return finish({ status: 'failed', error: 'No active user to act as (the owner and every administrator are gone).' });
    if (!record) return finish({ status: 'skipped', reason: 'The record is gone.' });
    const run: RunContext = {
      orgId: target.orgId,
      schema: target.schema,
      timeZone: target.timeZone,
      metadata: target.metadata,
      module: target.module,
      rule: { id: process.id, name: process.name, owner_id: process.owner_id },
      actor: { ...actor, automationDepth: depth + 1 },
      record,
      executionId,
      trigger: `approval.${status}`,
      depth,
      dryRun: false,
    };
    const outcomes = await runActions(ctx, deps, trx, run, actions);
    const failed = outcomes.some((outcome) => outcome.status === 'failed');
    await finish({
      status: failed ? 'failed' : 'done',
      actions: outcomes,
      reason: `Submission ${submission.id} ${status}.`,
      ...(failed ? { error: 'An action failed: see its outcome.' } : {}),
    });
  }

  /** Ends a submission: its status, the timeline, the submitter told, the final actions run. */
  async function conclude(
    trx: Trx,
    target: Target,
    process: ProcessRow,
    submission: SubmissionRow,
    status: 'approved' | 'rejected',
    depth: number,
  ) {
    const now = ctx.now();
    await setSubmissionState(trx, target.schema, submission.id, { step: submission.step, status, decided_at: now });
    submission.status = status;
    const record = await recordName(trx, target, submission.record_id);
    await notify(trx, target, [submission.submitted_by], status, {
      record,
      process: process.name,
      step: process.steps[submission.step]?.name ?? '',
      recordId: submission.record_id,
    });
    await runFinalActions(trx, target, process, submission, status, depth);
  }

  /**
   * Routes the submission to the first step from `from` whose criteria the record meets (the others are logged as
   * skipped); past the last step, the submission is approved.
   */
  async function startStep(trx: Trx, target: Target, process: ProcessRow, submission: SubmissionRow, from: number, depth: number) {
    const now = ctx.now();
    for (let index = from; index < process.steps.length; index++) {
      const step = process.steps[index]!;
      if (step.criteria && !(await meets(trx, target, step.criteria, submission.record_id, process.owner_id))) {
        await addDecision(trx, target, submission.id, {
          step: index,
          user_id: null,
          decision: 'skip',
          comment: null,
          delegated_from: null,
        });
        continue;
      }
      const approvers = await resolveApprovers(trx, target.orgId, step, submission.submitted_by);
      const delegates = await listDelegatesOn(trx, target.schema, approvers, localDate(now, target.timeZone));
      await insertApprovers(
        trx,
        target.schema,
        approvers.map((userId) => ({
          submission_id: submission.id,
          step: index,
          user_id: userId,
          delegate_id: delegates.get(userId) ?? null,
        })),
      );
      await setSubmissionState(trx, target.schema, submission.id, { step: index, status: 'pending', decided_at: null });
      submission.step = index;
      const told = [...new Set([...approvers, ...delegates.values()])];
      await notify(trx, target, told, 'requested', {
        record: await recordName(trx, target, submission.record_id),
        process: process.name,
        step: step.name,
        recordId: submission.record_id,
      });
      for (const userId of told)
        await ctx.jobs.send(
          APPROVAL_EMAIL_JOB,
          { orgId: target.orgId, schema: target.schema, submissionId: submission.id, step: index, userId },
          { trx, singletonKey: `${submission.id}:${index}:${userId}`, retryLimit: 5 },
        );
      return;
    }
    await conclude(trx, target, process, submission, 'approved', depth);
  }

  /**
   * Submits a record to a process in the caller's transaction (the caller checked the criteria). Null when this key
   * already submitted it; 409 when another submission of the record is pending.
   */
  async function submit(
    trx: Trx,
    target: Target,
    process: ProcessRow,
    input: { recordId: string; submitterId: string; key: string; comment: string | null; depth: number; trigger: string },
  ): Promise<SubmissionRow | null> {
    const pending = await findPending(trx, target.schema, input.recordId);
    if (pending)
      throw new AppError('conflict', 'This record is already pending approval.', { reason: 'approval_pending', submissionId: pending.id });
    const now = ctx.now();
    const submission: SubmissionRow = {
      id: newId(),
      process_id: process.id,
      key: input.key,
      module: target.module.apiName,
      record_id: input.recordId,
      step: 0,
      status: 'pending',
      submitted_by: input.submitterId,
      submitted_at: now,
      decided_at: null,
    };
    if (!(await insertSubmission(trx, target.schema, submission))) return null;
    await addDecision(trx, target, submission.id, {
      step: 0,
      user_id: input.submitterId,
      decision: 'submit',
      comment: input.comment,
      delegated_from: null,
    });
    await timeline(trx, target, input.recordId, 'approval_submitted', input.submitterId, {
      submissionId: submission.id,
      process: process.name,
      comment: input.comment,
    });
    const executionId = newId();
    await claimExecution(trx, target.schema, {
      id: executionId,
      rule_id: process.id,
      key: `${submission.id}:submitted`,
      module: target.module.apiName,
      record_id: input.recordId,
      trigger: input.trigger,
      depth: input.depth,
    });
    await finishExecution(trx, target.schema, executionId, {
      matched: true,
      status: 'done',
      reason: null,
      actions: [{ type: 'approval', status: 'submitted', detail: { submissionId: submission.id } }],
      duration_ms: 0,
      error: null,
    });
    await startStep(trx, target, process, submission, 0, input.depth);
    return submission;
  }

  /**
   * A decision of `actorId` on the current step of a locked, pending submission: as an approver, or as the delegate
   * of one (403 otherwise). A rejection ends the submission; an approval moves to the next step once the step is
   * decided (any approver, or all of them for an "all" group).
   */
  async function decide(
    trx: Trx,
    target: Target,
    process: ProcessRow,
    submission: SubmissionRow,
    input: { actorId: string; decision: 'approve' | 'reject'; comment: string | null },
  ) {
    if (submission.status !== 'pending')
      throw new AppError('conflict', `This approval is no longer pending (it was ${submission.status}).`, {
        reason: 'not_pending',
        status: submission.status,
      });
    const rows = (await listApprovers(trx, target.schema, [submission.id])).filter((row) => row.step === submission.step);
    const open = rows.filter((row) => row.decision === null);
    const mine = open.find((row) => row.user_id === input.actorId) ?? open.find((row) => row.delegate_id === input.actorId);
    if (!mine) throw forbidden('You are not an approver of the step this record is waiting on.');
    const step = process.steps[submission.step];
    const delegatedFrom = mine.user_id === input.actorId ? null : mine.user_id;
    await setApproverDecision(
      trx,
      target.schema,
      { submissionId: submission.id, step: submission.step, userId: mine.user_id },
      input.decision,
    );
    await addDecision(trx, target, submission.id, {
      step: submission.step,
      user_id: input.actorId,
      decision: input.decision,
      comment: input.comment,
      delegated_from: delegatedFrom,
    });
    await timeline(
      trx,
      target,
      submission.record_id,
      input.decision === 'approve' ? 'approval_approved' : 'approval_rejected',
      input.actorId,
      {
        submissionId: submission.id,
        process: process.name,
        step: step?.name ?? null,
        comment: input.comment,
        delegatedFrom,
      },
    );
    if (input.decision === 'reject') return conclude(trx, target, process, submission, 'rejected', 0);
    const needsAll = step?.approvers.type === 'group' && step.approvers.mode === 'all';
    if (needsAll && open.length > 1) return;
    await startStep(trx, target, process, submission, submission.step + 1, 0);
  }

  /** The submitter (or an administrator) takes a pending submission back: the record is unlocked. */
  async function recall(
    trx: Trx,
    target: Target,
    process: ProcessRow,
    submission: SubmissionRow,
    auth: AuthContext,
    comment: string | null,
  ) {
    if (submission.status !== 'pending')
      throw new AppError('conflict', `This approval is no longer pending (it was ${submission.status}).`, {
        reason: 'not_pending',
        status: submission.status,
      });
    if (submission.submitted_by !== auth.userId && !auth.isAdmin)
      throw forbidden('Only the person who submitted it (or an administrator) can recall it.');
    const now = ctx.now();
    await setSubmissionState(trx, target.schema, submission.id, { step: submission.step, status: 'recalled', decided_at: now });
    await addDecision(trx, target, submission.id, {
      step: submission.step,
      user_id: auth.userId,
      decision: 'recall',
      comment: comment,
      delegated_from: null,
    });
    await timeline(trx, target, submission.record_id, 'approval_recalled', auth.userId, {
      submissionId: submission.id,
      process: process.name,
      comment,
    });
  }

  /** record.created / record.updated: the first enabled process of the module whose trigger fires and criteria match. */
  async function handleEvent(event: DomainEvent): Promise<void> {
    const kind = event.type === 'record.created' ? 'create' : event.type === 'record.updated' ? 'edit' : null;
    const {
      module: moduleName,
      id,
      changes,
      actorId,
      automationDepth,
    } = event.payload as {
      module?: unknown;
      id?: unknown;
      changes?: unknown;
      actorId?: unknown;
      automationDepth?: unknown;
    };
    if (!kind || !event.orgId || typeof moduleName !== 'string' || typeof id !== 'string') return;
    const depth = typeof automationDepth === 'number' ? automationDepth : 0;
    if (depth >= MAX_CHAIN_DEPTH) return;
    const org = await organization(event.orgId);
    if (!org) return;
    const enabled = (await processesCache.byModule(event.orgId, org.schema)).get(moduleName) ?? [];
    const processes = enabled.filter((process) => {
      if (process.trigger === 'manual' || (process.trigger !== 'create_or_edit' && process.trigger !== kind)) return false;
      if (kind === 'create') return true;
      const changed = Object.keys((changes as Record<string, unknown> | undefined) ?? {});
      // An edit submits when it touched what the criteria look at (or, without criteria, anything but what the
      // process's own actions write), so the approval's own field updates never submit the record again.
      if (process.criteria) {
        const fields = criteriaFields(process.criteria);
        return changed.some((field) => fields.has(field));
      }
      const own = new Set(
        [...process.on_approve, ...process.on_reject].flatMap((action) => (action.type === 'field_update' ? [action.field] : [])),
      );
      return changed.some((field) => !own.has(field));
    });
    if (processes.length === 0) return;
    const target = await targetOf(event.orgId, moduleName);
    if (!target) return;
    if (await findPending(database.db, target.schema, id)) return;
    for (const process of processes) {
      let matched: boolean;
      try {
        matched = await meets(database.db, target, process.criteria, id, process.owner_id);
      } catch (error) {
        if (error instanceof AppError) continue; // a field named by the criteria is gone: the process cannot apply
        throw error;
      }
      if (!matched) continue;
      await database.transaction('automation.approval-submit', async (trx) => {
        if (await findPending(trx, target.schema, id)) return;
        await submit(trx, target, process, {
          recordId: id,
          submitterId: typeof actorId === 'string' ? actorId : process.owner_id,
          key: event.id,
          comment: null,
          depth,
          trigger: kind,
        });
      });
      return;
    }
  }

  /** Sends one approver (or delegate) the e-mail of a step, with a fresh one-click link, while the step waits for them. */
  async function sendEmail(job: Job<{ orgId: string; schema: string; submissionId: string; step: number; userId: string }>) {
    const { orgId, schema, submissionId, step, userId } = job.data;
    const probe = await findSubmission(database.db, schema, submissionId);
    const target = probe ? await targetOf(orgId, probe.module) : undefined;
    if (!target) return;
    const prepared = await database.transaction('automation.approval-email', async (trx) => {
      const submission = await findSubmission(trx, schema, submissionId);
      if (!submission || submission.status !== 'pending' || submission.step !== step) return null;
      const waiting = (await listApprovers(trx, schema, [submissionId])).some(
        (row) => row.step === step && row.decision === null && (row.user_id === userId || row.delegate_id === userId),
      );
      if (!waiting) return null;
      const process = await findProcess(trx, schema, submission.process_id);
      const person = await trx
        .selectFrom('platform.users as u')
        .innerJoin('platform.user_emails as e', (join) => join.onRef('e.user_id', '=', 'u.id').on('e.is_primary', '=', true))
        .select(['u.id', 'u.name', 'e.email'])
        .where('u.id', '=', userId)
        .where('u.org_id', '=', orgId)
        .where('u.active', '=', true)
        .executeTakeFirst();
      if (!process || !person) return null;
      const token = `${orgId.replace(/-/g, '')}${randomSecret(32)}`;
      const now = ctx.now();
      await insertLink(trx, schema, {
        token_hash: sha256(token),
        submission_id: submissionId,
        step,
        user_id: userId,
        expires_at: new Date(now.getTime() + LINK_DAYS * 86_400_000),
      });
      const names = await findUserNames(trx, orgId, [submission.submitted_by]);
      const language = mailLanguage((await findLanguages(trx, orgId, [userId])).get(userId));
      return {
        to: person.email,
        ...approvalMail(language, {
          name: person.name,
          submitter: names.get(submission.submitted_by) ?? '',
          record: await recordName(trx, target, submission.record_id),
          process: process.name,
          step: process.steps[step]?.name ?? '',
          stepNumber: step + 1,
          base: ctx.config.publicUrl.replace(/\/$/, ''),
          token,
          recordPath: `/records/${submission.module}/${submission.record_id}`,
        }),
      };
    });
    if (!prepared) return;
    await ctx.mailer.send({
      orgId,
      to: prepared.to,
      subject: prepared.subject,
      text: prepared.text,
      html: prepared.html,
      messageId: `<approval.${submissionId}.${step}.${userId}@clave>`,
    });
  }

  /** The records' beforeUpdate hook: a record pending approval refuses changes and deletion, but from administrators. */
  async function guard(trx: Trx, auth: AuthContext, view: ModuleView, current: RecordRow): Promise<void> {
    if (auth.isAdmin) return;
    const pending = await findPending(trx, view.metadata.schema, current.id);
    if (!pending) return;
    const name = (await findProcess(trx, view.metadata.schema, pending.process_id))?.name ?? '';
    throw new AppError(
      'conflict',
      auth.language === 'en'
        ? `This record is pending approval (“${name}”): only an administrator can change or delete it until it is decided.`
        : `Este registro está pendiente de aprobación («${name}»): solo un administrador puede cambiarlo o eliminarlo hasta que se decida.`,
      { reason: 'approval_pending', submissionId: pending.id },
    );
  }

  return {
    targetOf,
    meets,
    recordName,
    submit,
    decide,
    recall,
    handleEvent,
    sendEmail,
    guard,
    /** Tells every node that an organization's processes changed (call after the write). */
    async processesChanged(orgId: string) {
      await processesCache.changed(orgId);
    },
    async subscribe() {
      // Registered after the workflow engine's handlers: an event runs its workflow rules first, then approvals.
      for (const type of ['record.created', 'record.updated']) ctx.events.on(type, handleEvent, { name: `automation.approval.${type}` });
      await ctx.jobs.work(APPROVAL_EMAIL_JOB, sendEmail);
    },
  };
}

export type ApprovalEngine = ReturnType<typeof createApprovalEngine>;
export type { SubmissionStatus };
