import { sql, type RawBuilder } from 'kysely';
import type { Executor, Trx } from '../../db/database.js';
import { createOrganizationLookup, createRulesCache } from '../rules-cache.js';
import type { AppContext } from '../../platform/context.js';
import type { DomainEvent } from '../../platform/events/event-bus.js';
import type { JobPayloads } from '../../platform/jobs/jobs.js';
import { newId } from '../../platform/ids.js';
import {
  compileFilter,
  fullFilterScope,
  selectRecords,
  viewOf,
  type MetadataStore,
  type ModuleMeta,
  type OrgMetadata,
  type RecordRow,
  type RecordService,
} from '../../records/index.js';
import { systemActor } from '../../kam/kam.repository.js';
import { criteriaConditions } from '../criteria.js';
import { MAX_CHAIN_DEPTH } from '../workflow/workflow.engine.js';
import { TOUCHPOINT_EVENTS, TOUCHPOINT_LINKS } from './scoring.events.js';
import {
  clearTouchpoint,
  evaluateRecords,
  existingRuns,
  insertLedger,
  insertRuns,
  listActiveRules,
  nextRecordIds,
  rebuildLedger,
  touchpointHits,
  type EvaluatedRow,
  type LedgerRow,
  type RunRow,
  type ScoringRuleRow,
} from './scoring.repository.js';
import type { BreakdownItem } from './scoring.schemas.js';

export const RECALC_JOB = 'automation.scoring-recalculate';
/** Records scored per transaction when recalculating, and chunks per job (then the job queues the next one). */
const CHUNK = 500;
const CHUNKS_PER_JOB = 20;

declare module '../../platform/jobs/jobs.js' {
  interface JobPayloads {
    /** Scores a module's records again, CHUNK per transaction from the id after `after`; queues its continuation. */
    'automation.scoring-recalculate': { orgId: string; module: string; after: string | null; actorId?: string | null };
  }
}

/** Cluster channel: an organization's scoring rules changed (payload: its id). */
const RULES_CHANNEL = 'clave_scoring_rules';
const RULES_MAX_AGE_MS = 5 * 60_000;

const TRIGGERS: Record<string, string> = { 'record.created': 'create', 'record.updated': 'edit', 'record.restored': 'restore' };
const TOUCHPOINT_TRIGGERS = new Set(['record.created', 'record.updated', 'record.deleted', 'record.restored']);

/** What a module's active rules give a record: the total and which entries gave it. */
export interface Score {
  score: number | null;
  total: number;
  items: BreakdownItem[];
}

/** One record to score for one idempotency key (an event id, or a recalculation's). */
interface ScoreItem {
  id: string;
  key: string;
  name: string;
  depth: number;
  actorId?: string;
}

interface Target {
  orgId: string;
  schema: string;
  metadata: OrgMetadata;
  module: ModuleMeta;
}

/** A touchpoint event's condition on the touchpoints table. */
function eventCondition(metadata: OrgMetadata, event: keyof typeof TOUCHPOINT_EVENTS): RawBuilder<boolean> {
  const touchpoints = metadata.modules.get('touchpoints');
  if (!touchpoints) return sql<boolean>`false`;
  return compileFilter(TOUCHPOINT_EVENTS[event], touchpoints, fullFilterScope(metadata));
}

/** The breakdown of one evaluated record under the module's active rules (ledger rows of other rules count nothing). */
export function breakdownOf(rules: ScoringRuleRow[], row: EvaluatedRow): Score {
  const items: BreakdownItem[] = [];
  let position = 0;
  for (const rule of rules)
    for (const entry of rule.field_rules) {
      if (row.hits[position++])
        items.push({
          ruleId: rule.id,
          ruleName: rule.name,
          entryId: entry.id,
          kind: 'field',
          criteria: entry.criteria,
          points: entry.points,
          count: 1,
          total: entry.points,
        });
    }
  for (const touch of row.touch) {
    const rule = rules.find((candidate) => candidate.id === touch.rule_id);
    const entry = rule?.touchpoint_rules.find((candidate) => candidate.id === touch.entry_id);
    if (!rule || !entry) continue;
    items.push({
      ruleId: rule.id,
      ruleName: rule.name,
      entryId: entry.id,
      kind: 'touchpoint',
      event: entry.event,
      points: entry.points,
      count: touch.n,
      total: touch.total,
    });
  }
  return { score: row.score, total: items.reduce((sum, item) => sum + item.total, 0), items };
}

/**
 * Scoring rules (AUT-8) after commit: a record event of a scored module scores the record again; a touchpoint event
 * rebuilds that touchpoint's ledger rows and scores the records it touches (old and new links). The score is a
 * function of the record, its touchpoints and the active rules, so a second delivery finds nothing to change; the
 * run log's unique key (event id, module, record) keeps it from being logged twice. The score is written with the
 * record service's system-field write: timeline entry and `record.updated` (which workflow rules see), at the event's
 * automation depth + 1; at the depth limit nothing is written and the run says why.
 */
export function createScoringEngine(ctx: AppContext, deps: { records: RecordService; metadata: MetadataStore }) {
  const { database } = ctx;

  /** The organization's schema (every record event asks). */
  const organization = createOrganizationLookup(database);

  // The active rules of each organization, by module (see ../rules-cache.ts).
  const rulesCache = createRulesCache(ctx, {
    channel: RULES_CHANNEL,
    maxAgeMs: RULES_MAX_AGE_MS,
    load: (schema) => listActiveRules(database.db, schema),
  });
  const activeRules = (orgId: string, schema: string) => rulesCache.byModule(orgId, schema);

  /** A module of the organization that has a score field (undefined: no such module). */
  function scoredTarget(orgId: string, schema: string, metadata: OrgMetadata, moduleName: string): Target | undefined {
    const module = metadata.modules.get(moduleName);
    if (!module?.fields.some((field) => field.apiName === 'score')) return undefined;
    return { orgId, schema, metadata, module };
  }

  async function targetOf(orgId: string, moduleName: string): Promise<Target | undefined> {
    const org = await organization(orgId);
    if (!org) return undefined;
    return scoredTarget(orgId, org.schema, await deps.metadata.get(orgId, org.schema), moduleName);
  }

  /** What the rules give each live record of `ids` now. */
  async function evaluate(executor: Executor, target: Target, rules: ScoringRuleRow[], ids: string[]): Promise<Map<string, Score>> {
    const criteria = rules.flatMap((rule) => rule.field_rules.map((entry) => entry.criteria));
    const rows = await evaluateRecords(
      executor,
      target.schema,
      { module: target.module.apiName, table: target.module.table, ids },
      criteriaConditions(criteria, target.module, target.metadata),
    );
    return new Map(rows.map((row) => [row.id, breakdownOf(rules, row)]));
  }

  /**
   * Scores records again in the caller's transaction: locks them, evaluates them together, writes the scores that
   * changed (one statement per actor and depth) and logs each record under its item's key (a key that already scored
   * its record leaves it alone). Several items of one record (two events of a batch) log once each; the first that
   * may write does. `logUnchanged` false: only the records whose score changed are logged (recalculation).
   */
  async function rescore(trx: Trx, target: Target, rules: ScoringRuleRow[], items: ScoreItem[], logUnchanged: boolean): Promise<number> {
    if (items.length === 0) return 0;
    const started = performance.now();
    const { schema, module } = target;
    const done = logUnchanged
      ? await existingRuns(
          trx,
          schema,
          module.apiName,
          items.map((item) => ({ key: item.key, recordId: item.id })),
        )
      : new Set<string>();
    const pending = items.filter((item) => !done.has(`${item.key}:${item.id}`));
    const ids = [...new Set(pending.map((item) => item.id))].sort();
    if (ids.length === 0) return 0;
    const rows = await selectRecords(trx, {
      schema,
      table: module.table,
      columns: ['id', 'deleted_at', ...module.fields.map((field) => field.apiName)],
      where: [sql<boolean>`r.id = ANY(${ids}::uuid[])`, sql<boolean>`r.deleted_at IS NULL`],
      orderBy: sql`r.id`,
      forUpdate: true,
    });
    const scores = await evaluate(trx, target, rules, ids);
    const runs: Array<Omit<RunRow, 'created_at'>> = [];
    // Score writes by who caused them (the timeline names them, else an administrator), depth and trigger.
    const writes = new Map<
      string,
      { actorId: string | null; depth: number; name: string; items: Array<{ current: RecordRow; values: Record<string, unknown> }> }
    >();
    for (const row of rows) {
      const score = scores.get(row.id);
      if (!score) continue;
      let current = score.score;
      for (const item of pending.filter((candidate) => candidate.id === row.id)) {
        const same = score.total === current;
        if (same && !logUnchanged) continue;
        const stopped = !same && item.depth >= MAX_CHAIN_DEPTH;
        if (!same && !stopped) {
          const key = `${item.actorId ?? ''}:${item.depth}:${item.name}`;
          const write = writes.get(key) ?? { actorId: item.actorId ?? null, depth: item.depth, name: item.name, items: [] };
          write.items.push({ current: row, values: { score: score.total } });
          writes.set(key, write);
        }
        runs.push({
          id: newId(),
          key: item.key,
          module: module.apiName,
          record_id: row.id,
          trigger: item.name,
          depth: item.depth,
          status: same ? 'unchanged' : stopped ? 'stopped' : 'done',
          score_before: current,
          score_after: stopped ? current : score.total,
          breakdown: score.items,
          reason: stopped
            ? `Stopped: this change ends a chain of ${item.depth} rule-caused changes (the limit is ${MAX_CHAIN_DEPTH}); the score stays ${current ?? 'empty'} instead of ${score.total}.`
            : null,
          duration_ms: Math.round(performance.now() - started),
        });
        if (!stopped) current = score.total;
      }
    }
    let changed = 0;
    for (const write of writes.values()) {
      const actor = await systemActor(trx, target.orgId, [write.actorId ?? undefined]);
      if (!actor) return changed;
      const writer = { ...actor, automationDepth: write.depth + 1 };
      const written = await deps.records.writeSystemFieldsMany(trx, writer, viewOf(writer, target.metadata, module), write.items, {
        data: { scoring: { trigger: write.name } },
      });
      changed += written.length;
    }
    await insertRuns(trx, schema, runs);
    return changed;
  }

  /** record.created / updated / restored of modules with active rules: their records scored again, a group per organization and module. */
  async function handleRecordEvents(events: DomainEvent[], failures: Map<string, unknown>): Promise<void> {
    const groups = new Map<string, { orgId: string; module: string; items: Array<ScoreItem & { eventId: string }> }>();
    for (const event of events) {
      const { module, id, automationDepth, changes, actorId } = event.payload as {
        module?: unknown;
        id?: unknown;
        automationDepth?: unknown;
        changes?: Record<string, unknown>;
        actorId?: string;
      };
      const trigger = TRIGGERS[event.type];
      if (!trigger || !event.orgId || typeof module !== 'string' || typeof id !== 'string') continue;
      // The score's own change (or a change of nothing the rules read) is not a reason to score again.
      if (trigger === 'edit' && changes && Object.keys(changes).every((key) => key === 'score')) continue;
      const key = `${event.orgId}:${module}`;
      const group = groups.get(key) ?? { orgId: event.orgId, module, items: [] };
      group.items.push({
        eventId: event.id,
        id,
        key: event.id,
        name: trigger,
        depth: typeof automationDepth === 'number' ? automationDepth : 0,
        actorId,
      });
      groups.set(key, group);
    }
    for (const group of groups.values()) {
      try {
        const org = await organization(group.orgId);
        if (!org) continue;
        const rules = (await activeRules(group.orgId, org.schema)).get(group.module) ?? [];
        if (rules.length === 0) continue;
        const target = await targetOf(group.orgId, group.module);
        if (!target) continue;
        await database.transaction('automation.scoring', (trx) => rescore(trx, target, rules, group.items, true));
      } catch (error) {
        for (const item of group.items) failures.set(item.eventId, error);
      }
    }
  }

  /** A touchpoint created, changed, deleted or restored: its ledger rows follow its state, its records are scored. */
  async function handleTouchpointEvent(event: DomainEvent, touchpointId: string, depth: number): Promise<void> {
    const org = await organization(event.orgId!);
    if (!org) return;
    const byModule = await activeRules(event.orgId!, org.schema);
    const entries = [...byModule.entries()].flatMap(([module, rules]) =>
      TOUCHPOINT_LINKS[module] ? rules.flatMap((rule) => rule.touchpoint_rules.map((entry) => ({ module, rule, entry }))) : [],
    );
    // No active touchpoint rule: nothing counts touchpoints (a rule switched on later is recalculated).
    if (entries.length === 0) return;
    const metadata = await deps.metadata.get(event.orgId!, org.schema);
    await database.transaction('automation.scoring-touchpoint', async (trx) => {
      // One touchpoint at a time: two deliveries of its events cannot interleave their ledger rows.
      await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`scoring:${touchpointId}`}, 0))`.execute(trx);
      const affected = await clearTouchpoint(trx, org.schema, touchpointId);
      const ledger: LedgerRow[] = [];
      const found = await touchpointHits(
        trx,
        org.schema,
        touchpointId,
        entries.map(({ entry }) => eventCondition(metadata, entry.event)),
      );
      entries.forEach(({ module, rule, entry }, index) => {
        const recordId = found?.links[TOUCHPOINT_LINKS[module]!];
        if (!found?.hits[index] || !recordId) return;
        ledger.push({
          touchpoint_id: touchpointId,
          module,
          record_id: recordId,
          rule_id: rule.id,
          entry_id: entry.id,
          points: entry.points,
        });
      });
      await insertLedger(trx, org.schema, ledger);
      const byRecords = new Map<string, string[]>();
      for (const row of [...affected, ...ledger]) byRecords.set(row.module, [...(byRecords.get(row.module) ?? []), row.record_id]);
      for (const [moduleName, ids] of byRecords) {
        const target = scoredTarget(event.orgId!, org.schema, metadata, moduleName);
        if (target)
          await rescore(
            trx,
            target,
            byModule.get(moduleName) ?? [],
            ids.map((id) => ({ id, key: event.id, name: 'touchpoint', depth, actorId: (event.payload as { actorId?: string }).actorId })),
            true,
          );
      }
    });
  }

  /**
   * Outbox batch handler: touchpoint events one by one (their ledger), the other record events together. Resolves
   * with the events that failed.
   */
  async function handleEvents(events: DomainEvent[]): Promise<Map<string, unknown>> {
    const failures = new Map<string, unknown>();
    const records: DomainEvent[] = [];
    for (const event of events) {
      const { module, id, automationDepth } = event.payload as { module?: unknown; id?: unknown; automationDepth?: unknown };
      if (!event.orgId || typeof module !== 'string' || typeof id !== 'string') continue;
      if (module !== 'touchpoints') records.push(event);
      else if (TOUCHPOINT_TRIGGERS.has(event.type))
        await handleTouchpointEvent(event, id, typeof automationDepth === 'number' ? automationDepth : 0).catch((error: unknown) =>
          failures.set(event.id, error),
        );
    }
    await handleRecordEvents(records, failures);
    return failures;
  }

  /** One event (tests replay events through it). */
  async function handleEvent(event: DomainEvent): Promise<void> {
    const failures = await handleEvents([event]);
    if (failures.has(event.id)) throw failures.get(event.id);
  }

  /**
   * Recalculation job: up to CHUNKS_PER_JOB chunks of CHUNK records, each in its own transaction (ledger rebuilt from
   * the live touchpoints, scores written where they changed), then the next job from where it stopped.
   */
  async function recalculate(
    data: JobPayloads[typeof RECALC_JOB],
    sizes: { chunk: number; chunksPerJob: number } = { chunk: CHUNK, chunksPerJob: CHUNKS_PER_JOB },
  ): Promise<void> {
    const target = await targetOf(data.orgId, data.module);
    if (!target) return;
    rulesCache.forget(data.orgId);
    const rules = (await activeRules(data.orgId, target.schema)).get(data.module) ?? [];
    const link = TOUCHPOINT_LINKS[data.module];
    const touchEntries = rules.flatMap((rule) =>
      rule.touchpoint_rules.map((entry) => ({
        ruleId: rule.id,
        entryId: entry.id,
        points: entry.points,
        condition: eventCondition(target.metadata, entry.event),
      })),
    );
    let after = data.after;
    for (let chunk = 0; chunk < sizes.chunksPerJob; chunk++) {
      const ids = await nextRecordIds(database.db, target.schema, target.module.table, after, sizes.chunk);
      if (ids.length === 0) return;
      await database.transaction('automation.scoring-recalculate', async (trx) => {
        if (link) await rebuildLedger(trx, target.schema, { module: data.module, link, ids }, touchEntries);
        const key = `recalculate:${newId()}`;
        await rescore(
          trx,
          target,
          rules,
          ids.map((id) => ({ id, key, name: 'recalculate', depth: 0, actorId: data.actorId ?? undefined })),
          false,
        );
      });
      after = ids[ids.length - 1]!;
      if (ids.length < sizes.chunk) return;
    }
    await ctx.jobs.send(RECALC_JOB, { ...data, after }, { singletonKey: `${data.orgId}:${data.module}:${after}` });
  }

  return {
    handleEvent,
    recalculate,
    /** What the active rules give a record now (the breakdown endpoint). */
    async scoreOf(orgId: string, schema: string, moduleName: string, id: string): Promise<Score | undefined> {
      const target = await targetOf(orgId, moduleName);
      if (!target) return undefined;
      const rules = (await activeRules(orgId, schema)).get(moduleName) ?? [];
      return (await evaluate(database.db, target, rules, [id])).get(id);
    },
    /** Tells every node that an organization's rules changed (call after the write). */
    async rulesChanged(orgId: string) {
      await rulesCache.changed(orgId);
    },
    async subscribe() {
      for (const type of TOUCHPOINT_TRIGGERS) ctx.events.onBatch(type, handleEvents, { name: `automation.scoring.${type}` });
      await ctx.jobs.work(RECALC_JOB, (job) => recalculate(job.data));
    },
  };
}

export type ScoringEngine = ReturnType<typeof createScoringEngine>;
