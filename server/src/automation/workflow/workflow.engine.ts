import type { Executor, Trx } from '../../db/database.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import { createOrganizationLookup, createRulesCache } from '../rules-cache.js';
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
  withSavepoint,
} from '../../records/index.js';
import { sql } from 'kysely';
import { alreadySetCondition, bulkFieldUpdates, runFieldUpdatesInBulk, unchangedOutcomes } from './workflow.bulk.js';
import { bulkTasks, runTasksInBulk } from './workflow.bulk-tasks.js';
import { EMAIL_JOB, runActions, scheduleActions, scheduleDue, SCHEDULED_JOB, type RunContext } from './workflow.actions.js';
import {
  claimExecution,
  insertFinishedExecutions,
  matchingRecords,
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

interface Trigger {
  key: string;
  name: string;
  depth: number;
  includeDeleted: boolean;
  changes?: unknown;
}

type ActionsBody = (trx: Trx, run: RunContext) => Promise<{ outcomes: ActionOutcome[]; reason?: string | null; status?: ExecutionStatus }>;

/** Matched executions run in transactions of this many, each in its own savepoint (a commit per execution was the cost). */
const MATCHED_PER_TRANSACTION = 100;
/** Rule executions per set-wise write (field updates, tasks): one transaction each. */
const BULK_PER_TRANSACTION = 1000;

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
export function createWorkflowEngine(
  ctx: AppContext,
  deps: {
    records: RecordService;
    metadata: MetadataStore;
    /** Modules with a save behaviour (a deal's stage sets its probability…): a rule's values are always written there. */
    behaviours?: ReadonlyMap<string, unknown>;
  },
) {
  const { database } = ctx;
  /** The organization's schema and time zone. */
  const organization = createOrganizationLookup(database);

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
    trigger: Trigger,
    body: ActionsBody,
    /** The criteria result taken before any rule of the event ran (else checked now, in the transaction). */
    checked?: boolean | AppError,
  ): Promise<void> {
    const actor = await ruleActor(database.db, target.orgId, rule.owner_id);
    const started = performance.now();
    await database.transaction('automation.workflow-run', (trx) =>
      executeIn(trx, { rule, target, trigger, body, checked, actor, started }),
    );
  }

  /** `execute`'s work in the caller's transaction. */
  async function executeIn(
    trx: Trx,
    {
      rule,
      target,
      trigger,
      body,
      checked,
      actor,
      started,
    }: {
      rule: RuleRow;
      target: Target;
      trigger: Trigger;
      body: ActionsBody;
      checked?: boolean | AppError;
      actor: AuthContext | null;
      started: number;
    },
  ): Promise<void> {
    {
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
    }
  }

  async function targetOf(orgId: string, moduleName: string, recordId: string): Promise<Target | undefined> {
    const org = await organization(orgId);
    if (!org) return undefined;
    const metadata = await deps.metadata.get(orgId, org.schema);
    const module = metadata.modules.get(moduleName);
    if (!module) return undefined;
    return { orgId, schema: org.schema, timeZone: org.timeZone, metadata, module, recordId };
  }

  /** One event as the workflow handler reads it. */
  function parseEvent(event: DomainEvent) {
    const kind = TRIGGERS[event.type];
    const { module, id, changes, automationDepth } = event.payload as {
      module?: unknown;
      id?: unknown;
      changes?: unknown;
      automationDepth?: unknown;
    };
    if (!kind || !event.orgId || typeof module !== 'string' || typeof id !== 'string') return undefined;
    return { event, kind, orgId: event.orgId, module, id, changes, depth: typeof automationDepth === 'number' ? automationDepth : 0 };
  }
  type ParsedEvent = NonNullable<ReturnType<typeof parseEvent>>;
  type MatchedPair = { item: ParsedEvent; rule: RuleRow; actor: AuthContext };

  /** Outbox handler of one record event (tests replay events through it). */
  async function handleEvent(event: DomainEvent): Promise<void> {
    const failures = await handleEvents([event]);
    if (failures.has(event.id)) throw failures.get(event.id);
  }

  /**
   * Outbox batch handler of record.created / updated / deleted: every enabled rule of the module whose trigger fires,
   * for many events at once. Per rule, one query tells which of the records meet its criteria; the executions that
   * run no action are logged in one statement; the others run in shared transactions, each in its own savepoint.
   * Resolves with the events that failed (retried alone by the outbox; the rules they already ran stay done).
   */
  async function handleEvents(events: DomainEvent[]): Promise<Map<string, unknown>> {
    const failures = new Map<string, unknown>();
    const groups = new Map<string, ParsedEvent[]>();
    for (const event of events) {
      const parsed = parseEvent(event);
      if (!parsed) continue;
      const key = `${parsed.orgId}:${parsed.module}:${parsed.kind}`;
      groups.set(key, [...(groups.get(key) ?? []), parsed]);
    }
    for (const group of groups.values()) {
      try {
        await handleGroup(group, failures);
      } catch (error) {
        for (const item of group) if (!failures.has(item.event.id)) failures.set(item.event.id, error);
      }
    }
    return failures;
  }

  /** Events of one organization, module and kind. */
  async function handleGroup(group: ParsedEvent[], failures: Map<string, unknown>): Promise<void> {
    const evaluationStarted = performance.now();
    const { orgId, module: moduleName, kind } = group[0]!;
    const org = await organization(orgId);
    if (!org) return;
    const moduleRules = (await rulesCache.byModule(orgId, org.schema)).get(moduleName) ?? [];
    const pairs = group.flatMap((item) =>
      moduleRules.filter((rule) => triggerFires(rule, kind, item.changes)).map((rule) => ({ item, rule })),
    );
    if (pairs.length === 0) return;
    const base = await targetOf(orgId, moduleName, '');
    if (!base) return;
    const includeDeleted = kind === 'delete';
    // Every rule judges a record as its event left it: a rule that runs first does not decide whether the next one
    // matches (its own change is a new event). Deeper than the limit, nothing is evaluated.
    // Per rule: the records that meet its criteria, each with whether it already holds the rule's values (a
    // field-update rule on a module without save behaviour: nothing to write then).
    const verdicts = new Map<string, Map<string, boolean> | AppError>();
    const updatesOf = new Map(pairs.map((pair) => [pair.rule, bulkFieldUpdates(pair.rule)]));
    for (const rule of new Set(pairs.map((pair) => pair.rule))) {
      const ids = [...new Set(pairs.filter((pair) => pair.rule === rule && pair.item.depth < MAX_CHAIN_DEPTH).map((pair) => pair.item.id))];
      if (ids.length === 0) continue;
      try {
        const condition = rule.criteria
          ? compileFilter(rule.criteria, base.module, { ...fullFilterScope(base.metadata), userId: rule.owner_id })
          : sql<boolean>`true`;
        const updates = updatesOf.get(rule);
        const already =
          updates && kind !== 'delete' && !deps.behaviours?.has(moduleName)
            ? alreadySetCondition(base.metadata, base.module, updates)
            : null;
        verdicts.set(
          rule.id,
          await matchingRecords(
            database.db,
            { schema: base.schema, table: base.module.table, ids, includeDeleted },
            condition,
            already ?? undefined,
          ),
        );
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        verdicts.set(rule.id, error);
      }
    }
    const actors = new Map<string, Promise<AuthContext | null>>();
    const actorOf = (rule: RuleRow) => {
      if (!actors.has(rule.owner_id)) actors.set(rule.owner_id, ruleActor(database.db, orgId, rule.owner_id));
      return actors.get(rule.owner_id)!;
    };
    const trigger = (pair: Pick<MatchedPair, 'item' | 'rule'>): Trigger => ({
      key: pair.item.event.id,
      name: pair.rule.trigger === 'field_update' ? 'field_update' : kind,
      depth: pair.item.depth,
      includeDeleted,
      changes: pair.item.changes,
    });
    // What runs no action is logged at once, as `execute` would have logged it.
    const finished: Parameters<typeof insertFinishedExecutions>[2] = [];
    const matched: MatchedPair[] = [];
    for (const pair of pairs) {
      const { item, rule } = pair;
      const log = (values: {
        matched: boolean | null;
        status: ExecutionStatus;
        reason?: string;
        error?: string;
        actions?: ActionOutcome[];
      }) =>
        finished.push({
          rule_id: rule.id,
          key: item.event.id,
          module: moduleName,
          record_id: item.id,
          trigger: trigger(pair).name,
          depth: item.depth,
          reason: values.reason ?? null,
          error: values.error ?? null,
          matched: values.matched,
          status: values.status,
          actions: values.actions,
          duration_ms: 0,
        });
      const verdict = verdicts.get(rule.id);
      const actor = await actorOf(rule);
      if (item.depth >= MAX_CHAIN_DEPTH)
        log({
          matched: null,
          status: 'stopped',
          reason: `Stopped: this change ends a chain of ${item.depth} rule-caused changes (the limit is ${MAX_CHAIN_DEPTH}).`,
        });
      else if (!actor)
        log({ matched: null, status: 'failed', error: 'No active user to act as (the owner and every administrator are gone).' });
      else if (verdict instanceof AppError)
        log({ matched: null, status: 'failed', error: `The criteria no longer apply: ${verdict.message}` });
      // A change a rule made (depth ≥ 1: a score, a field update) logs only what acted: the rules it did not match
      // and the field updates that found their values already there would add a line per rule to every record's
      // log on each score change. "Test on this record" still shows them.
      else if (!verdict?.has(item.id)) {
        if (item.depth === 0) log({ matched: false, status: 'skipped', reason: 'The record does not meet the criteria.' });
      } else if (verdict.get(item.id)) {
        if (item.depth === 0) log({ matched: true, status: 'done', actions: unchangedOutcomes(base.module, updatesOf.get(rule)!) });
      } else matched.push({ item, rule, actor });
    }
    await insertFinishedExecutions(database.db, base.schema, finished);
    recordEvaluation(performance.now() - evaluationStarted, group.length);
    // Field updates of the record itself first, all such rules together (one write per record); then the rules that
    // only create tasks, together too (a task is another record: its place among the rules changes nothing); then the
    // other rules, rule by rule, so that each record still meets them in their order.
    const fieldUpdates = matched.filter((pair) => bulkFieldUpdates(pair.rule));
    const tasks = kind === 'delete' ? [] : matched.filter((pair) => bulkTasks(pair.rule));
    const setWise = new Set([...fieldUpdates, ...tasks]);
    const left = new Set([
      ...(await runFieldUpdatesSetWise(base, fieldUpdates, trigger)),
      ...(await runTasksSetWise(base, tasks, trigger)),
    ]);
    for (const rule of new Set(matched.map((pair) => pair.rule)))
      await runOneByOne(
        base,
        matched.filter((pair) => pair.rule === rule && (!setWise.has(pair) || left.has(pair))),
        trigger,
        failures,
      );
  }

  /**
   * Pairs of the batch run set-wise by `run`, per automation depth and acting owner (each rule acts as its owner), in
   * transactions of BULK_PER_TRANSACTION; returns the pairs left to run one by one: those `run` hands back, and every
   * pair of a transaction it refused (one record refused its values: each one then logs its own outcome).
   */
  async function runSetWise(
    name: string,
    pairs: MatchedPair[],
    run: (trx: Trx, chunk: MatchedPair[], depth: number) => Promise<MatchedPair[] | void>,
  ): Promise<MatchedPair[]> {
    const left: MatchedPair[] = [];
    for (const key of new Set(pairs.map((pair) => `${pair.item.depth}:${pair.actor.userId}`))) {
      const group = pairs.filter((pair) => `${pair.item.depth}:${pair.actor.userId}` === key);
      for (let start = 0; start < group.length; start += BULK_PER_TRANSACTION) {
        const chunk = group.slice(start, start + BULK_PER_TRANSACTION);
        try {
          left.push(...((await database.transaction(name, (trx) => run(trx, chunk, chunk[0]!.item.depth))) ?? []));
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          left.push(...chunk);
        }
      }
    }
    return left;
  }

  /** Field-update rules of the record itself over the batch's matching records (workflow.bulk.ts). */
  const runFieldUpdatesSetWise = (base: Target, pairs: MatchedPair[], trigger: (pair: MatchedPair) => Trigger) =>
    runSetWise('automation.workflow-bulk', pairs, async (trx, chunk, depth) => {
      await runFieldUpdatesInBulk(trx, deps.records, {
        schema: base.schema,
        metadata: base.metadata,
        module: base.module,
        actor: chunk[0]!.actor,
        depth,
        pairs: chunk.map((pair) => ({
          rule: pair.rule,
          updates: bulkFieldUpdates(pair.rule)!,
          key: pair.item.event.id,
          recordId: pair.item.id,
          trigger: trigger(pair).name,
        })),
      });
    });

  /** Task-only rules over the batch's matching records (workflow.bulk-tasks.ts). */
  const runTasksSetWise = (base: Target, pairs: MatchedPair[], trigger: (pair: MatchedPair) => Trigger) =>
    runSetWise('automation.workflow-tasks', pairs, async (trx, chunk, depth) => {
      const taskPairs = chunk.map((pair) => ({
        pair,
        task: { rule: pair.rule, key: pair.item.event.id, recordId: pair.item.id, trigger: trigger(pair).name, changes: pair.item.changes },
      }));
      const gone = new Set(
        await runTasksInBulk(ctx, trx, deps.records, {
          orgId: base.orgId,
          schema: base.schema,
          timeZone: base.timeZone,
          metadata: base.metadata,
          module: base.module,
          actor: chunk[0]!.actor,
          depth,
          pairs: taskPairs.map(({ task }) => task),
        }),
      );
      return taskPairs.filter(({ task }) => gone.has(task)).map(({ pair }) => pair);
    });

  /** Matched pairs run one by one, in shared transactions with a savepoint each. */
  async function runOneByOne(
    base: Target,
    pairs: MatchedPair[],
    trigger: (pair: MatchedPair) => Trigger,
    failures: Map<string, unknown>,
  ): Promise<void> {
    for (let start = 0; start < pairs.length; start += MATCHED_PER_TRANSACTION) {
      const chunk = pairs.slice(start, start + MATCHED_PER_TRANSACTION);
      await database.transaction('automation.workflow-run', async (trx) => {
        for (const pair of chunk) {
          if (failures.has(pair.item.event.id)) continue;
          const { item, rule, actor } = pair;
          const body: ActionsBody = async (inner, run) => {
            const outcomes = await runActions(ctx, deps, inner, run, rule.actions);
            outcomes.push(...(await scheduleActions(ctx, inner, run, rule.scheduled)));
            return { outcomes };
          };
          const target = { ...base, recordId: item.id };
          try {
            await withSavepoint(trx, () =>
              executeIn(trx, { rule, target, trigger: trigger(pair), body, checked: true, actor, started: performance.now() }),
            );
          } catch (error) {
            // This event is tried again alone; its other rules' executions in this transaction still commit.
            failures.set(item.event.id, error);
          }
        }
      });
    }
  }

  /**
   * Per-event cost of deciding which rules run (triggers, criteria, the log of those that run no action), amortized
   * over each batch: the last 10,000 batches, weighted by their events.
   */
  const evaluations: Array<{ micros: number; events: number }> = [];
  function recordEvaluation(ms: number, events: number) {
    evaluations.push({ micros: (ms * 1000) / events, events });
    if (evaluations.length > 10_000) evaluations.splice(0, evaluations.length - 10_000);
  }
  function evaluationStats() {
    const sorted = [...evaluations].sort((a, b) => a.micros - b.micros);
    const events = sorted.reduce((sum, sample) => sum + sample.events, 0);
    const at = (q: number) => {
      let seen = 0;
      for (const sample of sorted) if ((seen += sample.events) >= q * events) return Math.round(sample.micros);
      return null;
    };
    return { events, batches: sorted.length, medianMicros: at(0.5), p95Micros: at(0.95) };
  }
  evaluationStats.reset = () => {
    evaluations.length = 0;
  };

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
    handleEvents,
    stats: evaluationStats,
    runScheduled,
    sendEmail,
    dryRun,
    async subscribe() {
      for (const type of Object.keys(TRIGGERS)) ctx.events.onBatch(type, handleEvents, { name: `automation.workflow.${type}` });
      await ctx.jobs.work(SCHEDULED_JOB, (job) => runScheduled(job.data));
      await ctx.jobs.work(EMAIL_JOB, sendEmail);
    },
  };
}

export type WorkflowEngine = ReturnType<typeof createWorkflowEngine>;
