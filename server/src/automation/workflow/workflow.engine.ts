import type { Executor, Trx } from '../../db/database.js';
import { createRulesCache } from '../rules-cache.js';
import type { AppContext } from '../../platform/context.js';
import type { DomainEvent } from '../../platform/events/event-bus.js';
import type { Job, JobPayloads } from '../../platform/jobs/jobs.js';
import { AppError } from '../../platform/http/app-error.js';
import { newId } from '../../platform/ids.js';
import {
  compileFilter,
  fullFilterScope,
  type MetadataStore,
  type ModuleMeta,
  type OrgMetadata,
  type RecordRow,
  type RecordService,
} from '../../records/index.js';
import { sql } from 'kysely';
import { EMAIL_JOB, runActions, scheduleActions, scheduleDue, SCHEDULED_JOB, type RunContext } from './workflow.actions.js';
import {
  claimExecution,
  findOrganization,
  findRule,
  finishExecution,
  listEnabledRules,
  lockRecord,
  lockActionOutcome,
  recordMatches,
  ruleActor,
  setActionOutcome,
  type ActionOutcome,
  type ExecutionStatus,
  type RuleRow,
} from './workflow.repository.js';

/** A chain of rule-caused writes stops here: the event of the 5th rule-caused write runs no rule. */
export const MAX_CHAIN_DEPTH = 5;

const TRIGGERS: Record<string, 'create' | 'edit' | 'delete'> = {
  'record.created': 'create',
  'record.updated': 'edit',
  'record.deleted': 'delete',
};

/** Whether a rule's trigger fires on this event. */
export function triggerFires(
  rule: Pick<RuleRow, 'trigger' | 'trigger_field'>,
  kind: 'create' | 'edit' | 'delete',
  changes: unknown,
): boolean {
  switch (rule.trigger) {
    case 'create':
      return kind === 'create';
    case 'edit':
      return kind === 'edit';
    case 'create_or_edit':
      return kind === 'create' || kind === 'edit';
    case 'delete':
      return kind === 'delete';
    case 'field_update':
      return kind === 'edit' && typeof changes === 'object' && changes !== null && Object.hasOwn(changes, rule.trigger_field ?? '');
  }
}

const ROLLBACK = Symbol('rollback');

/** Cluster channel: an organization's rules changed (payload: its id). */
const RULES_CHANNEL = 'clave_workflow_rules';
const RULES_MAX_AGE_MS = 5 * 60_000;

interface Target {
  orgId: string;
  schema: string;
  timeZone: string;
  metadata: OrgMetadata;
  module: ModuleMeta;
  recordId: string;
}

/**
 * Runs workflow rules: on record events from the outbox (at least once, so each rule runs once per event through
 * the execution's unique key), when scheduled actions fall due, and as a test run that is rolled back.
 */
export function createWorkflowEngine(ctx: AppContext, deps: { records: RecordService; metadata: MetadataStore }) {
  const { database } = ctx;
  const organizations = new Map<string, { schema: string; timeZone: string; at: number }>();

  /** The organization's schema and time zone (the time zone may change: a copy serves a minute). */
  async function organization(orgId: string) {
    const cached = organizations.get(orgId);
    if (cached && Date.now() - cached.at < 60_000) return cached;
    const org = await findOrganization(database.db, orgId);
    if (org) organizations.set(orgId, { ...org, at: Date.now() });
    return org;
  }

  // The enabled rules of each organization, by module (see ../rules-cache.ts).
  const rulesCache = createRulesCache(ctx, {
    channel: RULES_CHANNEL,
    maxAgeMs: RULES_MAX_AGE_MS,
    load: (schema) => listEnabledRules(database.db, schema),
  });

  /** The criteria as SQL on the record (the list-view filter compiler, seeing every field as the rule's owner). */
  async function matches(executor: Executor, rule: RuleRow, target: Target, includeDeleted: boolean): Promise<boolean> {
    const condition = rule.criteria
      ? compileFilter(rule.criteria, target.module, { ...fullFilterScope(target.metadata), userId: rule.owner_id })
      : sql<boolean>`true`;
    return recordMatches(executor, { schema: target.schema, table: target.module.table, id: target.recordId, includeDeleted }, condition);
  }

  /** The criteria result, or the error that makes them unusable now (a field deleted since). */
  async function checkCriteria(executor: Executor, rule: RuleRow, target: Target, includeDeleted: boolean): Promise<boolean | AppError> {
    try {
      return await matches(executor, rule, target, includeDeleted);
    } catch (error) {
      if (error instanceof AppError) return error;
      throw error;
    }
  }

  const loadRecord = (trx: Trx, target: Target): Promise<RecordRow | undefined> =>
    lockRecord(trx, { schema: target.schema, module: target.module, id: target.recordId });

  /**
   * One rule for one trigger, in one transaction: claim the execution key (a second delivery stops here), check the
   * criteria, run the actions and queue the scheduled ones, log it all.
   */
  async function execute(
    rule: RuleRow,
    target: Target,
    trigger: { key: string; name: string; depth: number; includeDeleted: boolean; changes?: unknown },
    body: (trx: Trx, run: RunContext) => Promise<{ outcomes: ActionOutcome[]; reason?: string | null; status?: ExecutionStatus }>,
    /** The criteria result taken before any rule of the event ran (else checked now, in the transaction). */
    checked?: boolean | AppError,
  ): Promise<void> {
    const actor = await ruleActor(database.db, target.orgId, rule.owner_id);
    const started = performance.now();
    await database.transaction('automation.workflow-run', async (trx) => {
      const executionId = newId();
      const claimed = await claimExecution(trx, target.schema, {
        id: executionId,
        rule_id: rule.id,
        key: trigger.key,
        module: target.module.apiName,
        record_id: target.recordId,
        trigger: trigger.name,
        depth: trigger.depth,
      });
      if (!claimed) return;
      const finish = (values: {
        matched: boolean | null;
        status: ExecutionStatus;
        reason?: string | null;
        actions?: ActionOutcome[];
        error?: string | null;
      }) =>
        finishExecution(trx, target.schema, executionId, {
          matched: values.matched,
          status: values.status,
          reason: values.reason ?? null,
          actions: values.actions ?? [],
          error: values.error ?? null,
          duration_ms: Math.round(performance.now() - started),
        });
      if (trigger.depth >= MAX_CHAIN_DEPTH)
        return finish({
          matched: null,
          status: 'stopped',
          reason: `Stopped: this change ends a chain of ${trigger.depth} rule-caused changes (the limit is ${MAX_CHAIN_DEPTH}).`,
        });
      if (!actor)
        return finish({ matched: null, status: 'failed', error: 'No active user to act as (the owner and every administrator are gone).' });
      const matched = checked ?? (await checkCriteria(trx, rule, target, trigger.includeDeleted));
      if (matched instanceof AppError)
        return finish({ matched: null, status: 'failed', error: `The criteria no longer apply: ${matched.message}` });
      const record = matched ? await loadRecord(trx, target) : undefined;
      if (!matched || !record) return finish({ matched: false, status: 'skipped', reason: 'The record does not meet the criteria.' });
      const run: RunContext = {
        orgId: target.orgId,
        schema: target.schema,
        timeZone: target.timeZone,
        metadata: target.metadata,
        module: target.module,
        rule,
        actor: { ...actor, automationDepth: trigger.depth + 1 },
        record,
        executionId,
        trigger: trigger.name,
        depth: trigger.depth,
        dryRun: false,
        changes: trigger.changes,
      };
      const result = await body(trx, run);
      const failed = result.outcomes.some((outcome) => outcome.status === 'failed');
      await finish({
        matched: true,
        status: result.status ?? (failed ? 'failed' : 'done'),
        reason: result.reason ?? null,
        actions: result.outcomes,
        error: failed ? 'An action failed: see its outcome.' : null,
      });
    });
  }

  async function targetOf(orgId: string, moduleName: string, recordId: string): Promise<Target | undefined> {
    const org = await organization(orgId);
    if (!org) return undefined;
    const metadata = await deps.metadata.get(orgId, org.schema);
    const module = metadata.modules.get(moduleName);
    if (!module) return undefined;
    return { orgId, schema: org.schema, timeZone: org.timeZone, metadata, module, recordId };
  }

  /** Outbox handler of record.created / updated / deleted: every enabled rule of the module whose trigger fires. */
  async function handleEvent(event: DomainEvent): Promise<void> {
    const kind = TRIGGERS[event.type];
    const {
      module: moduleName,
      id,
      changes,
      automationDepth,
    } = event.payload as {
      module?: unknown;
      id?: unknown;
      changes?: unknown;
      automationDepth?: unknown;
    };
    if (!kind || !event.orgId || typeof moduleName !== 'string' || typeof id !== 'string') return;
    const org = await organization(event.orgId);
    if (!org) return;
    const rules = ((await rulesCache.byModule(event.orgId, org.schema)).get(moduleName) ?? []).filter((rule) =>
      triggerFires(rule, kind, changes),
    );
    if (rules.length === 0) return;
    const target = await targetOf(event.orgId, moduleName, id);
    if (!target) return;
    const depth = typeof automationDepth === 'number' ? automationDepth : 0;
    // Every rule judges the record as the event left it: a rule that runs first does not decide whether the next one
    // matches (its own change is a new event). Deeper than the limit, nothing is evaluated.
    const checked = new Map<string, boolean | AppError>();
    if (depth < MAX_CHAIN_DEPTH)
      for (const rule of rules) checked.set(rule.id, await checkCriteria(database.db, rule, target, kind === 'delete'));
    for (const rule of rules) {
      const trigger = {
        key: event.id,
        name: rule.trigger === 'field_update' ? 'field_update' : kind,
        depth,
        includeDeleted: kind === 'delete',
        changes,
      };
      const body = async (trx: Trx, run: RunContext) => {
        const outcomes = await runActions(ctx, deps, trx, run, rule.actions);
        outcomes.push(...(await scheduleActions(ctx, trx, run, rule.scheduled)));
        return { outcomes };
      };
      await execute(rule, target, trigger, body, checked.get(rule.id));
    }
  }

  /** Scheduled actions falling due: run once, and only if the rule is on and the record still matches (else logged). */
  async function runScheduled(data: JobPayloads[typeof SCHEDULED_JOB]): Promise<void> {
    const org = await organization(data.orgId);
    if (!org) return;
    const rule = await findRule(database.db, org.schema, data.ruleId);
    if (!rule) return;
    const target = await targetOf(data.orgId, rule.module, data.recordId);
    if (!target) return;
    const schedule = rule.scheduled[data.index];
    const trigger = { key: `${data.executionId}:s${data.index}`, name: 'scheduled', depth: data.depth, includeDeleted: false };
    await execute(rule, target, trigger, async (trx, run) => {
      const skip = (reason: string) => ({ outcomes: [], reason, status: 'skipped' as const });
      if (!rule.enabled) return skip('The rule was disabled before the scheduled actions fell due.');
      if (!schedule) return skip('The rule no longer has these scheduled actions.');
      if ('field' in schedule.when) {
        // The date moved since: the schedule made for the new date runs instead.
        const due = await scheduleDue(trx, run, schedule, ctx.now());
        if (!due || due.toISOString() !== data.dueAt)
          return skip(`The record's ${schedule.when.field} changed: this time no longer applies.`);
      }
      return { outcomes: await runActions(ctx, deps, trx, run, schedule.actions) };
    });
  }

  /** Sends a queued e-mail notification once, and writes its outcome into the execution. */
  async function sendEmail(job: Job<JobPayloads[typeof EMAIL_JOB]>): Promise<void> {
    const { schema, executionId, index } = job.data;
    const outcome = await lockActionOutcome(database.db, schema, executionId, index);
    if (!outcome || outcome.status !== 'queued') return;
    // The same Message-ID however often the job runs: a mail repeated after a crash is recognizably the same one.
    const mail = await ctx.mailer.send({
      orgId: job.data.orgId,
      to: job.data.to.join(', '),
      subject: job.data.subject,
      text: job.data.text,
      messageId: `<workflow.${executionId}.${index}@clave>`,
    });
    // A refusal may pass (a mail server busy or restarting): tried again with the same Message-ID, failed for good at the last attempt.
    if (mail.status === 'failed' && job.retriesLeft > 0) throw new Error('The mail server refused the message: it is tried again later.');
    await database.transaction('automation.workflow-email', async (trx) => {
      const current = await lockActionOutcome(trx, schema, executionId, index);
      if (!current || current.status !== 'queued') return;
      await setActionOutcome(trx, schema, executionId, index, {
        ...current,
        status: mail.status === 'failed' ? 'failed' : 'sent',
        detail: { ...current.detail, mailId: mail.id, mailStatus: mail.status },
        ...(mail.status === 'failed' ? { error: 'The mail server refused the message (see Settings › Mail outbox).' } : {}),
      });
    });
  }

  /**
   * What the rule would do to a record now: the criteria, then the actions run for real inside a transaction that
   * is rolled back (so a refused value shows as it would), sending and queueing nothing.
   */
  async function dryRun(orgId: string, rule: RuleRow, recordId: string) {
    const target = await targetOf(orgId, rule.module, recordId);
    if (!target) throw new AppError('not_found', 'The module of this rule no longer exists.');
    const actor = await ruleActor(database.db, orgId, rule.owner_id);
    if (!actor) throw new AppError('conflict', 'No active user to act as.');
    let result: { matched: boolean; actions: ActionOutcome[]; scheduled: ActionOutcome[] } | undefined;
    try {
      await database.transaction('automation.workflow-test', async (trx) => {
        const matched = await matches(trx, rule, target, rule.trigger === 'delete');
        const record = await loadRecord(trx, target);
        if (!matched || !record) {
          result = { matched: false, actions: [], scheduled: [] };
          throw ROLLBACK;
        }
        const run: RunContext = {
          orgId,
          schema: target.schema,
          timeZone: target.timeZone,
          metadata: target.metadata,
          module: target.module,
          rule,
          actor: { ...actor, automationDepth: 1 },
          record,
          executionId: newId(),
          trigger: 'test',
          depth: 0,
          dryRun: true,
        };
        const actions = await runActions(ctx, deps, trx, run, rule.actions);
        result = { matched: true, actions, scheduled: await scheduleActions(ctx, trx, run, rule.scheduled) };
        throw ROLLBACK;
      });
    } catch (error) {
      if (error !== ROLLBACK) throw error;
    }
    return result!;
  }

  return {
    /** Tells every node that an organization's rules changed (call after the write). */
    async rulesChanged(orgId: string) {
      await rulesCache.changed(orgId);
    },
    handleEvent,
    runScheduled,
    sendEmail,
    dryRun,
    async subscribe() {
      for (const type of Object.keys(TRIGGERS)) ctx.events.on(type, handleEvent, { name: `automation.workflow.${type}` });
      await ctx.jobs.work(SCHEDULED_JOB, (job) => runScheduled(job.data));
      await ctx.jobs.work(EMAIL_JOB, sendEmail);
    },
  };
}

export type WorkflowEngine = ReturnType<typeof createWorkflowEngine>;
