import type { AppContext } from '../../platform/context.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import type { Executor } from '../../db/database.js';
import { AppError, badRequest, forbidden, notFound } from '../../platform/http/app-error.js';
import { newId, sha256 } from '../../platform/ids.js';
import { recordAudit } from '../../platform/audit/audit.service.js';
import { canFeature } from '../../platform/access/index.js';
import type { MetadataStore, ModuleMeta, RecordService } from '../../records/index.js';
import { findOrganization, findRecordNames } from '../workflow/workflow.repository.js';
import { AUTOMATION_PERMISSION, checkAction, checkCriteria, checkUser } from '../workflow/workflow.service.js';
import { findOrgIds } from '../assignment/assignment.repository.js';
import type { ApprovalEngine, Target } from './approval.engine.js';
import {
  deleteDelegate,
  deleteProcess,
  findDelegate,
  findLink,
  findProcess,
  findSubmission,
  findUserNames,
  insertProcess,
  listApprovers,
  listDecisions,
  listProcesses,
  listRecordSubmissions,
  listSubmittedBy,
  listWaitingFor,
  countWaitingFor,
  updateProcess,
  upsertDelegate,
  useLink,
  type ProcessRow,
  type ProcessValues,
  type SubmissionRow,
} from './approval.repository.js';
import type {
  ApprovalProcess,
  CreateProcessBody,
  DelegateBody,
  LinkDecideBody,
  Submission,
  SubmitBody,
  UpdateProcessBody,
} from './approval.schemas.js';

/**
 * Approval processes are settings: administrators manage them, and so does a profile naming `automation_approvals`
 * (or the workflow rules' `automation`) with create or edit (`read` lists them). Deciding needs no permission: only
 * being an approver of the step (or their delegate).
 */
export const APPROVALS_PERMISSION = 'automation_approvals';

function assertAllowed(auth: AuthContext, action: 'read' | 'manage') {
  if (![APPROVALS_PERMISSION, AUTOMATION_PERMISSION].some((key) => canFeature(auth, key, action)))
    throw forbidden(
      action === 'read'
        ? 'Your profile does not allow you to see approval processes.'
        : 'Your profile does not allow you to manage approval processes.',
    );
}

export const presentProcess = (row: ProcessRow): ApprovalProcess => ({
  id: row.id,
  name: row.name,
  description: row.description,
  module: row.module,
  trigger: row.trigger,
  criteria: row.criteria,
  steps: row.steps,
  onApprove: row.on_approve,
  onReject: row.on_reject,
  enabled: row.enabled,
  ownerId: row.owner_id,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const validDate = (value: string) =>
  ISO_DATE.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);

export function createApprovalService(ctx: AppContext, deps: { metadata: MetadataStore; records: RecordService; engine: ApprovalEngine }) {
  const { database } = ctx;
  const { engine } = deps;
  const metadataOf = (auth: AuthContext) => deps.metadata.get(auth.orgId, auth.orgSchema);

  function moduleOf(module: ModuleMeta | undefined, name: string): ModuleMeta {
    if (!module || module.hidden || !module.fields.some((field) => field.apiName === 'owner_id'))
      throw badRequest(`"${name}" is not a module whose records can be approved.`, 'module');
    return module;
  }

  /** Checks a whole process (400 naming the bad part) and returns what is stored. */
  async function validate(auth: AuthContext, input: CreateProcessBody, ownerFallback: string): Promise<ProcessValues> {
    const metadata = await metadataOf(auth);
    const module = moduleOf(metadata.modules.get(input.module), input.module);
    const criteria = input.criteria ?? null;
    if (criteria) await checkCriteria(database.db, auth, metadata, module, criteria, 'criteria');
    for (const [index, step] of input.steps.entries()) {
      const path = `steps[${index}]`;
      if (!step.name.trim()) throw badRequest('A step needs a name.', `${path}.name`);
      if (step.approvers.type === 'user') await checkUser(database.db, auth, step.approvers.userId, `${path}.approvers.userId`);
      if (step.approvers.type === 'group' && !(await findOrgIds(database.db, auth.orgId, 'groups', [step.approvers.groupId])).size)
        throw badRequest('No group of your organization has this id.', `${path}.approvers.groupId`);
      if (step.criteria) await checkCriteria(database.db, auth, metadata, module, step.criteria, `${path}.criteria`);
    }
    const onApprove = input.onApprove ?? [];
    const onReject = input.onReject ?? [];
    for (const [index, action] of onApprove.entries())
      await checkAction(database.db, auth, metadata, module, action, `onApprove[${index}]`, 'edit');
    for (const [index, action] of onReject.entries())
      await checkAction(database.db, auth, metadata, module, action, `onReject[${index}]`, 'edit');
    if (input.ownerId) await checkUser(database.db, auth, input.ownerId, 'ownerId');
    return {
      name: input.name.trim(),
      description: input.description ?? null,
      module: module.apiName,
      trigger: input.trigger,
      criteria,
      steps: input.steps.map((step) => ({ name: step.name.trim(), approvers: step.approvers, criteria: step.criteria ?? null })),
      on_approve: onApprove,
      on_reject: onReject,
      enabled: input.enabled ?? true,
      owner_id: input.ownerId ?? ownerFallback,
    };
  }

  async function getProcessRow(executor: Executor, auth: AuthContext, id: string): Promise<ProcessRow> {
    const row = await findProcess(executor, auth.orgSchema, id);
    if (!row) throw notFound('The approval process');
    return row;
  }

  async function audit(
    executor: Executor,
    auth: AuthContext,
    action: string,
    id: string,
    before?: ApprovalProcess,
    after?: ApprovalProcess,
  ) {
    await recordAudit(executor, {
      orgId: auth.orgId,
      actorId: auth.userId,
      action: `approval_process.${action}`,
      targetType: 'approval_process',
      targetId: id,
      before,
      after,
    });
  }

  /** Submissions as the API shows them to `userId`: names, the current step's approvers, the history. */
  async function present(executor: Executor, auth: AuthContext, rows: SubmissionRow[]): Promise<Submission[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((row) => row.id);
    const [approvers, decisions, metadata] = await Promise.all([
      listApprovers(executor, auth.orgSchema, ids),
      listDecisions(executor, auth.orgSchema, ids),
      metadataOf(auth),
    ]);
    const processes = new Map<string, ProcessRow | undefined>();
    for (const id of new Set(rows.map((row) => row.process_id))) processes.set(id, await findProcess(executor, auth.orgSchema, id));
    const people = new Set<string>(rows.map((row) => row.submitted_by));
    for (const a of approvers) [a.user_id, a.delegate_id].forEach((id) => id && people.add(id));
    for (const d of decisions) [d.user_id, d.delegated_from].forEach((id) => id && people.add(id));
    const names = await findUserNames(executor, auth.orgId, [...people]);
    const recordNames = new Map<string, string>();
    for (const moduleName of new Set(rows.map((row) => row.module))) {
      const module = metadata.modules.get(moduleName);
      if (!module) continue;
      const found = await findRecordNames(
        executor,
        { schema: auth.orgSchema, table: module.table, displayFields: module.displayFields },
        rows.filter((r) => r.module === moduleName).map((r) => r.record_id),
      );
      found.forEach((name, id) => recordNames.set(id, name));
    }
    return rows.map((row) => {
      const process = processes.get(row.process_id);
      const current = approvers.filter((a) => a.submission_id === row.id && a.step === row.step);
      const pending = row.status === 'pending';
      return {
        id: row.id,
        processId: row.process_id,
        processName: process?.name ?? '',
        module: row.module,
        recordId: row.record_id,
        recordName: recordNames.get(row.record_id) ?? '',
        status: row.status,
        step: row.step,
        stepName: process?.steps[row.step]?.name ?? '',
        stepCount: process?.steps.length ?? 0,
        submittedBy: row.submitted_by,
        submittedByName: names.get(row.submitted_by) ?? '',
        submittedAt: row.submitted_at.toISOString(),
        decidedAt: row.decided_at?.toISOString() ?? null,
        approvers: current.map((a) => ({
          userId: a.user_id,
          name: names.get(a.user_id) ?? '',
          delegateId: a.delegate_id,
          delegateName: a.delegate_id ? (names.get(a.delegate_id) ?? '') : null,
          decision: a.decision,
        })),
        decisions: decisions
          .filter((d) => d.submission_id === row.id)
          .map((d) => ({
            id: d.id,
            step: d.step,
            userId: d.user_id,
            userName: d.user_id ? (names.get(d.user_id) ?? '') : null,
            decision: d.decision,
            comment: d.comment,
            delegatedFrom: d.delegated_from,
            delegatedFromName: d.delegated_from ? (names.get(d.delegated_from) ?? '') : null,
            at: d.at.toISOString(),
          })),
        canDecide: pending && current.some((a) => a.decision === null && (a.user_id === auth.userId || a.delegate_id === auth.userId)),
        canRecall: pending && (row.submitted_by === auth.userId || auth.isAdmin),
      };
    });
  }

  async function presentOne(executor: Executor, auth: AuthContext, row: SubmissionRow): Promise<Submission> {
    return (await present(executor, auth, [row]))[0]!;
  }

  /** A submission the caller may see: an approver or delegate of any step, the submitter, or one who can read the record. */
  async function visibleSubmission(auth: AuthContext, id: string): Promise<SubmissionRow> {
    const row = await findSubmission(database.db, auth.orgSchema, id);
    if (!row) throw notFound('The approval');
    if (row.submitted_by === auth.userId) return row;
    const involved = (await listApprovers(database.db, auth.orgSchema, [id])).some(
      (a) => a.user_id === auth.userId || a.delegate_id === auth.userId,
    );
    if (involved) return row;
    try {
      await deps.records.get(auth, row.module, row.record_id);
    } catch (error) {
      if (error instanceof AppError && (error.code === 'not_found' || error.code === 'forbidden')) throw notFound('The approval');
      throw error;
    }
    return row;
  }

  async function targetOf(orgId: string, module: string): Promise<Target> {
    const target = await engine.targetOf(orgId, module);
    if (!target) throw notFound('The approval');
    return target;
  }

  /** Approve, reject or recall, in one transaction with the submission locked. */
  async function act(auth: AuthContext, id: string, action: 'approve' | 'reject' | 'recall', comment: string | null): Promise<Submission> {
    const probe = await findSubmission(database.db, auth.orgSchema, id);
    if (!probe) throw notFound('The approval');
    const target = await targetOf(auth.orgId, probe.module);
    return database.transaction(`automation.approval-${action}`, async (trx) => {
      const submission = (await findSubmission(trx, auth.orgSchema, id, true))!;
      const process = await findProcess(trx, auth.orgSchema, submission.process_id);
      if (!process) throw notFound('The approval');
      if (action === 'recall') await engine.recall(trx, target, process, submission, auth, comment);
      else await engine.decide(trx, target, process, submission, { actorId: auth.userId, decision: action, comment });
      return presentOne(trx, auth, (await findSubmission(trx, auth.orgSchema, id))!);
    });
  }

  /** The organization and link behind a one-click token (404 for anything else: a wrong token tells nothing). */
  async function linkOf(token: string) {
    const hex = token.slice(0, 32);
    if (!/^[0-9a-f]{32}$/.test(hex)) throw notFound('The link');
    const orgId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    const org = await findOrganization(database.db, orgId);
    if (!org) throw notFound('The link');
    const link = await findLink(database.db, org.schema, sha256(token));
    if (!link) throw notFound('The link');
    const submission = await findSubmission(database.db, org.schema, link.submission_id);
    if (!submission) throw notFound('The link');
    const process = await findProcess(database.db, org.schema, submission.process_id);
    if (!process) throw notFound('The link');
    return { orgId, schema: org.schema, link, submission, process };
  }

  async function linkView(token: string) {
    const { orgId, schema, link, submission, process } = await linkOf(token);
    const target = await targetOf(orgId, submission.module);
    const names = await findUserNames(database.db, orgId, [submission.submitted_by, link.user_id]);
    const waiting = (await listApprovers(database.db, schema, [submission.id])).some(
      (a) => a.step === link.step && a.decision === null && (a.user_id === link.user_id || a.delegate_id === link.user_id),
    );
    return {
      processName: process.name,
      stepName: process.steps[link.step]?.name ?? '',
      recordName: await engine.recordName(database.db, target, submission.record_id),
      module: submission.module,
      recordId: submission.record_id,
      submittedByName: names.get(submission.submitted_by) ?? '',
      approverName: names.get(link.user_id) ?? '',
      status: submission.status,
      open: submission.status === 'pending' && submission.step === link.step && !link.used_at && link.expires_at > ctx.now() && waiting,
    };
  }

  return {
    async listProcesses(auth: AuthContext, module?: string) {
      assertAllowed(auth, 'read');
      return (await listProcesses(database.db, auth.orgSchema, { module })).map(presentProcess);
    },
    async getProcess(auth: AuthContext, id: string) {
      assertAllowed(auth, 'read');
      return presentProcess(await getProcessRow(database.db, auth, id));
    },
    async createProcess(auth: AuthContext, input: CreateProcessBody) {
      assertAllowed(auth, 'manage');
      const values = await validate(auth, input, auth.userId);
      const created = await database.transaction('automation.approval-process.create', async (trx) => {
        const id = newId();
        await insertProcess(trx, auth.orgSchema, id, auth.userId, values);
        const after = presentProcess(await getProcessRow(trx, auth, id));
        await audit(trx, auth, 'created', id, undefined, after);
        return after;
      });
      await engine.processesChanged(auth.orgId);
      return created;
    },
    async updateProcess(auth: AuthContext, id: string, input: UpdateProcessBody) {
      assertAllowed(auth, 'manage');
      const current = presentProcess(await getProcessRow(database.db, auth, id));
      const merged = { ...current, ...input } as CreateProcessBody;
      const values = await validate(auth, merged, current.ownerId);
      const updated = await database.transaction('automation.approval-process.update', async (trx) => {
        await updateProcess(trx, auth.orgSchema, id, values);
        const after = presentProcess(await getProcessRow(trx, auth, id));
        await audit(trx, auth, 'updated', id, current, after);
        return after;
      });
      await engine.processesChanged(auth.orgId);
      return updated;
    },
    async removeProcess(auth: AuthContext, id: string) {
      assertAllowed(auth, 'manage');
      await database.transaction('automation.approval-process.delete', async (trx) => {
        const before = presentProcess(await getProcessRow(trx, auth, id));
        await deleteProcess(trx, auth.orgSchema, id);
        await audit(trx, auth, 'deleted', id, before);
      });
      await engine.processesChanged(auth.orgId);
    },

    /** The caller's inbox: waiting for their decision (pending), or what they submitted. */
    async inbox(auth: AuthContext, query: { mine?: 'pending' | 'submitted'; limit?: number }) {
      const limit = query.limit ?? 50;
      const rows =
        query.mine === 'submitted'
          ? await listSubmittedBy(database.db, auth.orgSchema, auth.userId, limit)
          : await listWaitingFor(database.db, auth.orgSchema, auth.userId, limit);
      return {
        data: await present(database.db, auth, rows),
        pendingCount: await countWaitingFor(database.db, auth.orgSchema, auth.userId),
      };
    },
    async get(auth: AuthContext, id: string) {
      return presentOne(database.db, auth, await visibleSubmission(auth, id));
    },
    /** A record's approvals (404 when the caller cannot see the record) and what it may be submitted to now. */
    async ofRecord(auth: AuthContext, moduleName: string, recordId: string) {
      await deps.records.get(auth, moduleName, recordId);
      const rows = await listRecordSubmissions(database.db, auth.orgSchema, recordId);
      const locked = rows.some((row) => row.status === 'pending');
      const manualProcesses: Array<{ id: string; name: string }> = [];
      const writable = await deps.records.assertWritable(auth, moduleName, recordId).then(
        () => true,
        () => false,
      );
      if (!locked && writable) {
        const target = await targetOf(auth.orgId, moduleName);
        for (const process of await listProcesses(database.db, auth.orgSchema, { module: moduleName, enabled: true })) {
          // Manual processes, and an automatic one whose last answer here was a rejection or a recall (submit again).
          const last = rows.find((row) => row.process_id === process.id);
          if (process.trigger !== 'manual' && !(last && (last.status === 'rejected' || last.status === 'recalled'))) continue;
          const meets = await engine.meets(database.db, target, process.criteria, recordId, process.owner_id).catch(() => false);
          if (meets) manualProcesses.push({ id: process.id, name: process.name });
        }
      }
      return { locked, submissions: await present(database.db, auth, rows), manualProcesses };
    },
    /** "Submit for approval": a record the caller may change, to an enabled process of its module whose criteria it meets. */
    async submit(auth: AuthContext, body: SubmitBody) {
      await deps.records.assertWritable(auth, body.module, body.recordId);
      const process = await findProcess(database.db, auth.orgSchema, body.processId);
      if (!process || !process.enabled) throw badRequest('No enabled approval process has this id.', 'processId');
      if (process.module !== body.module) throw badRequest(`This process approves ${process.module}, not ${body.module}.`, 'processId');
      const target = await targetOf(auth.orgId, body.module);
      return database.transaction('automation.approval-submit', async (trx) => {
        if (!(await engine.meets(trx, target, process.criteria, body.recordId, process.owner_id)))
          throw new AppError('conflict', 'The record does not meet this process’s entry criteria.', { reason: 'criteria_not_met' });
        const submission = await engine.submit(trx, target, process, {
          recordId: body.recordId,
          submitterId: auth.userId,
          key: newId(),
          comment: body.comment?.trim() || null,
          depth: 0,
          trigger: 'manual',
        });
        return presentOne(trx, auth, (await findSubmission(trx, auth.orgSchema, submission!.id))!);
      });
    },
    approve: (auth: AuthContext, id: string, comment?: string) => act(auth, id, 'approve', comment?.trim() || null),
    reject: (auth: AuthContext, id: string, comment?: string) => act(auth, id, 'reject', comment?.trim() || null),
    recall: (auth: AuthContext, id: string, comment?: string) => act(auth, id, 'recall', comment?.trim() || null),

    async getDelegate(auth: AuthContext) {
      const row = await findDelegate(database.db, auth.orgSchema, auth.userId);
      if (!row) return { delegate: null };
      const names = await findUserNames(database.db, auth.orgId, [row.delegate_id]);
      return {
        delegate: {
          delegateId: row.delegate_id,
          delegateName: names.get(row.delegate_id) ?? '',
          startsOn: row.starts_on,
          endsOn: row.ends_on,
        },
      };
    },
    async setDelegate(auth: AuthContext, body: DelegateBody) {
      if (body.delegateId === auth.userId) throw badRequest('Choose someone else as your delegate.', 'delegateId');
      await checkUser(database.db, auth, body.delegateId, 'delegateId');
      if (!validDate(body.startsOn)) throw badRequest('Not a date (YYYY-MM-DD).', 'startsOn');
      if (!validDate(body.endsOn)) throw badRequest('Not a date (YYYY-MM-DD).', 'endsOn');
      if (body.endsOn < body.startsOn) throw badRequest('The last day comes before the first.', 'endsOn');
      await upsertDelegate(database.db, auth.orgSchema, {
        user_id: auth.userId,
        delegate_id: body.delegateId,
        starts_on: body.startsOn,
        ends_on: body.endsOn,
      });
      return this.getDelegate(auth);
    },
    async removeDelegate(auth: AuthContext) {
      await deleteDelegate(database.db, auth.orgSchema, auth.userId);
    },

    linkView,
    /** A decision from an e-mail's one-click link: as the person it was sent to, once, while the step waits for them. */
    async linkDecide(body: LinkDecideBody) {
      const { orgId, schema, link, submission } = await linkOf(body.token);
      const target = await targetOf(orgId, submission.module);
      await database.transaction('automation.approval-link', async (trx) => {
        const locked = (await findSubmission(trx, schema, submission.id, true))!;
        const current = await findLink(trx, schema, link.token_hash, true);
        if (!current || current.used_at) throw new AppError('conflict', 'This link was already used.', { reason: 'link_used' });
        if (current.expires_at <= ctx.now()) throw new AppError('gone', 'This link has expired: open the record in Clave to decide.');
        if (locked.step !== current.step || locked.status !== 'pending')
          throw new AppError('conflict', `This approval is no longer waiting for this step (it is ${locked.status}).`, {
            reason: 'not_pending',
            status: locked.status,
          });
        const process = (await findProcess(trx, schema, locked.process_id))!;
        await engine.decide(trx, target, process, locked, {
          actorId: current.user_id,
          decision: body.decision,
          comment: body.comment?.trim() || null,
        });
        await useLink(trx, schema, current.token_hash, ctx.now());
      });
      return linkView(body.token);
    },
  };
}

export type ApprovalService = ReturnType<typeof createApprovalService>;
